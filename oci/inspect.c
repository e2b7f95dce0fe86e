/* inspect: an image summarised (see inspect.h). The JSON is built first
 * and the text printed from it, so the two never disagree. */
#include "inspect.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "media_types.h"
#include "strbuf.h"

#define BASE_NAME "org.opencontainers.image.base.name"
#define BASE_DIGEST "org.opencontainers.image.base.digest"

static void set_copy(json_t *o, const char *key, json_t *v)
{
	if (v && !json_is_null(v))
		json_object_set_new(o, key, json_deep_copy(v));
}

static void set_str(json_t *o, const char *key, const char *s)
{
	if (s && *s)
		json_object_set_new(o, key, json_string(s));
}

static int cmp_key(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* {"80/tcp": {}, ...} -> ["80/tcp", ...], sorted; NULL when empty. */
static json_t *keys_of(json_t *obj)
{
	size_t n = 0;
	const char *k, **keys;
	json_t *v, *a;
	if (!json_object_size(obj))
		return NULL;
	keys = xcalloc(json_object_size(obj), sizeof(*keys));
	json_object_foreach(obj, k, v)
	{
		keys[n++] = k;
	}
	qsort(keys, n, sizeof(*keys), cmp_key);
	a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_string(keys[i]));
	free(keys);
	return a;
}

static json_t *layers_json(const struct image *im)
{
	json_t *ls = json_array();
	for (size_t i = 0; i < im->n_layers; i++) {
		const struct image_layer *l = &im->layers[i];
		json_t *o = json_pack("{s:s, s:I}", "digest", l->digest, "size",
				      (json_int_t)l->size);
		set_str(o, "mediaType", l->media_type);
		set_str(o, "diffID", l->diff_id);
		if (l->history)
			json_object_set_new(
			    o, "createdBy",
			    json_string(image_history_created_by(l->history)));
		json_array_append_new(ls, o);
	}
	return ls;
}

static void config_summary(json_t *o, json_t *cfg)
{
	json_t *c = json_object_get(cfg, "config");
	set_copy(o, "env", json_object_get(c, "Env"));
	set_copy(o, "cmd", json_object_get(c, "Cmd"));
	set_copy(o, "entrypoint", json_object_get(c, "Entrypoint"));
	set_str(o, "workingDir",
		json_string_value(json_object_get(c, "WorkingDir")));
	set_str(o, "user", json_string_value(json_object_get(c, "User")));
	set_str(o, "stopSignal",
		json_string_value(json_object_get(c, "StopSignal")));
	json_t *ports = keys_of(json_object_get(c, "ExposedPorts"));
	json_t *vols = keys_of(json_object_get(c, "Volumes"));
	if (ports)
		json_object_set_new(o, "exposedPorts", ports);
	if (vols)
		json_object_set_new(o, "volumes", vols);
	if (json_object_size(json_object_get(c, "Labels")))
		set_copy(o, "labels", json_object_get(c, "Labels"));
	set_str(o, "created",
		json_string_value(json_object_get(cfg, "created")));
	set_str(o, "author", json_string_value(json_object_get(cfg, "author")));
}

static json_t *descriptor(const char *digest, const char *mt, uint64_t size)
{
	json_t *d =
	    json_pack("{s:s, s:I}", "digest", digest, "size", (json_int_t)size);
	set_str(d, "mediaType", mt);
	return d;
}

json_t *image_inspect_json(const struct image *im)
{
	json_t *o = json_pack("{s:i, s:s}", "version", 1, "name", im->name);
	json_t *ann = json_object_get(im->manifest, "annotations");
	json_t *cd = json_object_get(im->manifest, "config");
	const char *mt =
	    json_string_value(json_object_get(im->manifest, "mediaType"));
	set_str(o, "index", im->index_digest);
	json_object_set_new(o, "manifest",
			    descriptor(im->manifest_digest,
				       mt ? mt : OCI_MEDIA_MANIFEST,
				       im->manifest_size));
	json_object_set_new(
	    o, "config",
	    descriptor(im->config_digest,
		       json_string_value(json_object_get(cd, "mediaType")),
		       im->config_size));
	set_str(o, "platform", im->platform);
	if (json_object_get(ann, BASE_NAME) ||
	    json_object_get(ann, BASE_DIGEST)) {
		json_t *b = json_object();
		set_str(b, "name",
			json_string_value(json_object_get(ann, BASE_NAME)));
		set_str(b, "digest",
			json_string_value(json_object_get(ann, BASE_DIGEST)));
		json_object_set_new(o, "base", b);
	}
	json_object_set_new(o, "layers", layers_json(im));
	config_summary(o, im->config);
	if (json_object_size(ann))
		set_copy(o, "annotations", ann);
	return o;
}

/* --- text ------------------------------------------------------------------
 */

static void put_key(FILE *out, const char *key)
{
	fprintf(out, "%-12s", key);
}

static void put_str(FILE *out, json_t *o, const char *key, const char *label)
{
	const char *s = json_string_value(json_object_get(o, key));
	if (!s)
		return;
	put_key(out, label);
	fprintf(out, "%s\n", s);
}

/* A JSON value on one line (Cmd, Entrypoint: the exec form as given). */
static void put_compact(FILE *out, json_t *o, const char *key,
			const char *label)
{
	json_t *v = json_object_get(o, key);
	if (!v)
		return;
	char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
	put_key(out, label);
	fprintf(out, "%s\n", s ? s : "?");
	free(s);
}

/* One item a line, the first beside the label: strings as they are,
 * objects as key=value. */
static void put_lines(FILE *out, json_t *o, const char *key, const char *label)
{
	json_t *v = json_object_get(o, key), *e;
	size_t i;
	bool first = true;
	json_array_foreach(v, i, e)
	{
		put_key(out, first ? label : "");
		fprintf(out, "%s\n",
			json_string_value(e) ? json_string_value(e) : "?");
		first = false;
	}
	json_t *keys = keys_of(json_is_object(v) ? v : NULL);
	json_array_foreach(keys, i, e)
	{
		const char *k = json_string_value(e);
		const char *val = json_string_value(json_object_get(v, k));
		put_key(out, first ? label : "");
		fprintf(out, "%s=%s\n", k, val ? val : "?");
		first = false;
	}
	json_decref(keys);
}

static void put_layers(FILE *out, json_t *layers)
{
	json_t *l;
	size_t i;
	long long total = 0;
	json_array_foreach(layers, i, l)
	{
		total +=
		    (long long)json_integer_value(json_object_get(l, "size"));
	}
	put_key(out, "layers:");
	fprintf(out, "%zu, %lld bytes\n", json_array_size(layers), total);
	json_array_foreach(layers, i, l)
	{
		fprintf(
		    out, "  %zu: %s, %lld bytes\n", i,
		    json_string_value(json_object_get(l, "digest")),
		    (long long)json_integer_value(json_object_get(l, "size")));
		if (json_object_get(l, "diffID"))
			fprintf(
			    out, "     diffID %s\n",
			    json_string_value(json_object_get(l, "diffID")));
		if (json_object_get(l, "createdBy"))
			fprintf(
			    out, "     created by: %s\n",
			    json_string_value(json_object_get(l, "createdBy")));
	}
}

static void put_head(FILE *out, json_t *o)
{
	json_t *m = json_object_get(o, "manifest"),
	       *c = json_object_get(o, "config");
	json_t *base = json_object_get(o, "base");
	put_str(out, o, "name", "image:");
	put_str(out, o, "index", "index:");
	put_key(out, "manifest:");
	fprintf(out, "%s (%s, %lld bytes)\n",
		json_string_value(json_object_get(m, "digest")),
		json_string_value(json_object_get(m, "mediaType")),
		(long long)json_integer_value(json_object_get(m, "size")));
	put_key(out, "config:");
	fprintf(out, "%s (%lld bytes)\n",
		json_string_value(json_object_get(c, "digest")),
		(long long)json_integer_value(json_object_get(c, "size")));
	put_str(out, o, "platform", "platform:");
	put_str(out, o, "created", "created:");
	put_str(out, o, "author", "author:");
	put_str(out, base, "name", "base:");
	put_str(out, base, "digest",
		base && json_object_get(base, "name") ? "" : "base:");
}

void image_inspect_print_text(FILE *out, const struct image *im)
{
	json_t *o = image_inspect_json(im);
	put_head(out, o);
	put_layers(out, json_object_get(o, "layers"));
	put_lines(out, o, "env", "env:");
	put_compact(out, o, "entrypoint", "entrypoint:");
	put_compact(out, o, "cmd", "cmd:");
	put_str(out, o, "workingDir", "workdir:");
	put_str(out, o, "user", "user:");
	put_lines(out, o, "exposedPorts", "ports:");
	put_lines(out, o, "volumes", "volumes:");
	put_lines(out, o, "labels", "labels:");
	put_str(out, o, "stopSignal", "stopsignal:");
	put_lines(out, o, "annotations", "annotations:");
	json_decref(o);
}
