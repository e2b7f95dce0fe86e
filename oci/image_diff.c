/* image_diff: two images compared (see image_diff.h): the result's
 * bookkeeping and the order of the steps. */
#include "image_diff.h"

#include <stdlib.h>
#include <string.h>

#include "image_diff_internal.h"
#include "strbuf.h"

struct image_difference *image_diff_add(struct image_diff_result *r,
					enum image_diff_kind kind,
					enum image_diff_change change)
{
	if (r->n == r->alloc) {
		r->alloc = r->alloc ? 2 * r->alloc : 16;
		r->v = xreallocarray(r->v, r->alloc, sizeof(*r->v));
	}
	struct image_difference *d = &r->v[r->n++];
	*d = (struct image_difference){.kind = kind, .change = change};
	return d;
}

void image_diff_result_clear(struct image_diff_result *r)
{
	for (size_t i = 0; i < r->n; i++) {
		json_decref(r->v[i].path);
		json_decref(r->v[i].a);
		json_decref(r->v[i].b);
		free(r->v[i].file);
	}
	for (size_t i = 0; i < r->n_layers; i++) {
		json_decref(r->layers[i].a);
		json_decref(r->layers[i].b);
	}
	free(r->v);
	free(r->layers);
	json_decref(r->history);
	free(r->a.name);
	free(r->a.platform);
	free(r->b.name);
	free(r->b.platform);
	*r = (struct image_diff_result){0};
}

static void side_init(struct image_diff_side *s, const struct image *im)
{
	s->name = xstrdup(im->name);
	s->platform = xstrdup(im->platform ? im->platform : "");
	strlcpy(s->manifest, im->manifest_digest, sizeof(s->manifest));
	strlcpy(s->config, im->config_digest, sizeof(s->config));
	s->layers = im->n_layers;
}

/* Layers both have with one digest may still differ in their descriptor
 * (media type, annotations): manifest fields under "layers". */
static void same_layer_descriptors(const struct image *a, const struct image *b,
				   struct image_diff_result *r)
{
	json_t *la = json_object_get(a->manifest, "layers");
	json_t *lb = json_object_get(b->manifest, "layers");
	for (size_t i = 0; i < a->n_layers && i < b->n_layers; i++) {
		if (strcmp(a->layers[i].digest, b->layers[i].digest))
			continue;
		json_t *path = json_pack("[s, I]", "layers", (json_int_t)i);
		image_diff_value("manifest", path, json_array_get(la, i),
				 json_array_get(lb, i), r);
		json_decref(path);
	}
}

static void add_document(const char *doc, const char *a, const char *b,
			 struct image_diff_result *r)
{
	struct image_difference *d =
	    image_diff_add(r, IMAGE_DIFF_DOCUMENT, IMAGE_DIFF_CHANGED);
	d->document = doc;
	d->a = json_string(a);
	d->b = json_string(b);
}

/* Digests that differ while the parsed documents are equal: the bytes
 * differ (key order, formatting), which no field, layer or history entry
 * can show. */
static void unexplained_documents(const struct image *a, const struct image *b,
				  struct image_diff_result *r)
{
	if (strcmp(a->config_digest, b->config_digest) &&
	    json_equal(a->config, b->config))
		add_document("config", a->config_digest, b->config_digest, r);
	if (json_equal(a->manifest, b->manifest))
		add_document("manifest", a->manifest_digest, b->manifest_digest,
			     r);
}

static void all_same(const struct image *a, const struct image *b,
		     struct image_diff_result *r)
{
	for (size_t i = 0; i < r->n_layers; i++) {
		r->layers[i].status = IMAGE_LAYER_SAME;
		r->layers[i].a =
		    i < a->n_layers ? image_diff_layer_json(a, i) : NULL;
		r->layers[i].b =
		    i < b->n_layers ? image_diff_layer_json(b, i) : NULL;
	}
}

int image_diff(const struct image *a, const struct image *b,
	       struct image_diff_result *r, struct kerr *err)
{
	*r = (struct image_diff_result){0};
	side_init(&r->a, a);
	side_init(&r->b, b);
	r->history = json_array();
	r->identical = !strcmp(a->manifest_digest, b->manifest_digest);
	r->n_layers = a->n_layers > b->n_layers ? a->n_layers : b->n_layers;
	r->layers = xcalloc(r->n_layers + 1, sizeof(*r->layers));
	if (r->identical) {
		all_same(a, b, r);
		return 0;
	}
	image_diff_fields("manifest", a->manifest, b->manifest, r);
	same_layer_descriptors(a, b, r);
	image_diff_fields("config", a->config, b->config, r);
	image_diff_history(json_object_get(a->config, "history"),
			   json_object_get(b->config, "history"), r);
	for (size_t i = 0; i < r->n_layers; i++)
		if (image_diff_layer(a, b, i, r, err) < 0)
			return -1;
	unexplained_documents(a, b, r);
	return 0;
}
