/* image_diff_layers: layer i of two images compared: by blob digest, then
 * by diffID, then entry by entry from the two streamed tars; and a layer
 * only one image has, summarised from its tar. */
#include <stdbool.h>
#include <string.h>

#include "image_diff_internal.h"
#include "strbuf.h"

json_t *image_diff_layer_json(const struct image *im, size_t i)
{
	const struct image_layer *l = &im->layers[i];
	json_t *o = json_object();
	json_object_set_new(o, "digest", json_string(l->digest));
	if (*l->diff_id)
		json_object_set_new(o, "diffID", json_string(l->diff_id));
	if (l->media_type)
		json_object_set_new(o, "mediaType", json_string(l->media_type));
	json_object_set_new(o, "size", json_integer((json_int_t)l->size));
	if (l->history)
		json_object_set_new(
		    o, "createdBy",
		    json_string(image_history_created_by(l->history)));
	return o;
}

static void add_counts(json_t *summary, const struct diff_files *f)
{
	json_object_set_new(summary, "entries", json_integer((json_int_t)f->n));
	json_object_set_new(summary, "bytes",
			    json_integer((json_int_t)f->bytes));
}

static int read_files(const struct image *im, size_t i, struct diff_files *out,
		      struct kerr *err)
{
	struct archive *a;
	if (image_layer_open(im, i, &a, err) < 0)
		return -1;
	int r = diff_files_read(a, out, err);
	archive_read_free(a);
	if (r < 0)
		return kerr_prefix(err, "%s: layer %zu (%s)", im->name, i,
				   im->layers[i].digest);
	return 0;
}

/* path is that of fa or fb, whichever there is. */
static void add_file(size_t layer, const char *path, const struct diff_file *fa,
		     const struct diff_file *fb, unsigned attrs,
		     struct image_diff_result *r)
{
	enum image_diff_change c = IMAGE_DIFF_CHANGED;
	if (!fa)
		c = IMAGE_DIFF_ADDED;
	else if (!fb)
		c = IMAGE_DIFF_REMOVED;
	struct image_difference *d = image_diff_add(r, IMAGE_DIFF_FILE, c);
	d->layer = layer;
	d->file = xstrdup(path);
	d->attrs = attrs;
	d->a = fa ? diff_file_json(fa) : NULL;
	d->b = fb ? diff_file_json(fb) : NULL;
}

/* A merge of the two sorted lists. */
void image_diff_files(size_t layer, const struct diff_files *a,
		      const struct diff_files *b, struct image_diff_result *r)
{
	size_t i = 0, j = 0;
	while (i < a->n || j < b->n) {
		const struct diff_file *fa = i < a->n ? &a->v[i] : NULL;
		const struct diff_file *fb = j < b->n ? &b->v[j] : NULL;
		if (fa && (!fb || strcmp(fa->path, fb->path) < 0)) {
			add_file(layer, fa->path, fa, NULL, 0, r);
			i++;
		} else if (fb && (!fa || strcmp(fa->path, fb->path) > 0)) {
			add_file(layer, fb->path, NULL, fb, 0, r);
			j++;
		} else if (fa && fb) {
			unsigned attrs = diff_file_compare(fa, fb);
			if (attrs)
				add_file(layer, fa->path, fa, fb, attrs, r);
			i++, j++;
		}
	}
}

static void add_layer(size_t i, enum image_diff_change change,
		      const struct image_diff_layer *l,
		      struct image_diff_result *r)
{
	struct image_difference *d =
	    image_diff_add(r, IMAGE_DIFF_LAYER, change);
	d->layer = i;
	d->a = l->a ? json_deep_copy(l->a) : NULL;
	d->b = l->b ? json_deep_copy(l->b) : NULL;
}

/* Both images have layer i, with other diffIDs: entry by entry. */
static int both(const struct image *a, const struct image *b, size_t i,
		struct image_diff_result *r, struct kerr *err)
{
	struct diff_files fa = {0}, fb = {0};
	struct image_diff_layer *l = &r->layers[i];
	int ret = read_files(a, i, &fa, err);
	if (!ret)
		ret = read_files(b, i, &fb, err);
	if (!ret) {
		size_t before = r->n;
		add_counts(l->a, &fa);
		add_counts(l->b, &fb);
		image_diff_files(i, &fa, &fb, r);
		if (r->n == before)
			add_layer(i, IMAGE_DIFF_TAR, l, r);
	}
	diff_files_clear(&fa);
	diff_files_clear(&fb);
	return ret;
}

/* Layer i only one image has; its tar is read for the count. */
static int only_one(const struct image *im, size_t i, bool in_b,
		    struct image_diff_result *r, struct kerr *err)
{
	struct diff_files f = {0};
	struct image_diff_layer *l = &r->layers[i];
	int ret = read_files(im, i, &f, err);
	if (!ret) {
		add_counts(in_b ? l->b : l->a, &f);
		add_layer(i, in_b ? IMAGE_DIFF_ADDED : IMAGE_DIFF_REMOVED, l,
			  r);
	}
	diff_files_clear(&f);
	return ret;
}

int image_diff_layer(const struct image *a, const struct image *b, size_t i,
		     struct image_diff_result *r, struct kerr *err)
{
	struct image_diff_layer *l = &r->layers[i];
	const struct image_layer *la = i < a->n_layers ? &a->layers[i] : NULL;
	const struct image_layer *lb = i < b->n_layers ? &b->layers[i] : NULL;
	int ret = 0;
	l->first = r->n;
	l->a = la ? image_diff_layer_json(a, i) : NULL;
	l->b = lb ? image_diff_layer_json(b, i) : NULL;
	if (la && lb && !strcmp(la->digest, lb->digest)) {
		l->status = IMAGE_LAYER_SAME;
	} else if (la && lb && *la->diff_id &&
		   !strcmp(la->diff_id, lb->diff_id)) {
		l->status = IMAGE_LAYER_COMPRESSED;
		add_layer(i, IMAGE_DIFF_COMPRESSED, l, r);
	} else if (la && lb) {
		l->status = IMAGE_LAYER_CONTENT;
		ret = both(a, b, i, r, err);
	} else {
		l->status = la ? IMAGE_LAYER_REMOVED : IMAGE_LAYER_ADDED;
		ret = only_one(la ? a : b, i, !la, r, err);
	}
	l->n = r->n - l->first;
	return ret;
}
