/* image_diff_json: a diff result as the stable JSON image_diff.h
 * documents (version 1). */
#include <string.h>

#include "image_diff_internal.h"

static const char *change_name(enum image_diff_change c)
{
	static const char *const names[] = {
	    "added", "removed", "changed", "compressed", "tar",
	};
	return names[c];
}

static const char *kind_name(enum image_diff_kind k)
{
	static const char *const names[] = {"field", "layer", "file",
					    "document"};
	return names[k];
}

static const char *status_name(enum image_layer_status s)
{
	static const char *const names[] = {
	    "same", "compressed", "content", "added", "removed",
	};
	return names[s];
}

static json_t *side_json(const struct image_diff_side *s)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:I}", "name", s->name,
			 "manifest", s->manifest, "config", s->config,
			 "platform", s->platform, "layers",
			 (json_int_t)s->layers);
}

static void set_copy(json_t *o, const char *key, json_t *v)
{
	if (v)
		json_object_set_new(o, key, json_deep_copy(v));
}

static json_t *attrs_json(unsigned attrs)
{
	json_t *a = json_array();
	for (unsigned bit = 1; bit < 1u << DIFF_ATTR_COUNT; bit <<= 1)
		if (attrs & bit)
			json_array_append_new(a,
					      json_string(diff_attr_name(bit)));
	return a;
}

static json_t *difference_json(const struct image_difference *d)
{
	json_t *o = json_pack("{s:s, s:s}", "kind", kind_name(d->kind),
			      "change", change_name(d->change));
	if (d->document)
		json_object_set_new(o, "document", json_string(d->document));
	set_copy(o, "path", d->path);
	if (d->kind == IMAGE_DIFF_LAYER || d->kind == IMAGE_DIFF_FILE)
		json_object_set_new(o, "layer",
				    json_integer((json_int_t)d->layer));
	if (d->file)
		json_object_set_new(o, "file", json_string(d->file));
	if (d->kind == IMAGE_DIFF_FILE && d->change == IMAGE_DIFF_CHANGED)
		json_object_set_new(o, "attributes", attrs_json(d->attrs));
	set_copy(o, "a", d->a);
	set_copy(o, "b", d->b);
	return o;
}

static json_t *layers_json(const struct image_diff_result *r)
{
	json_t *ls = json_array();
	for (size_t i = 0; i < r->n_layers; i++) {
		json_t *o =
		    json_pack("{s:I, s:s}", "index", (json_int_t)i, "status",
			      status_name(r->layers[i].status));
		set_copy(o, "a", r->layers[i].a);
		set_copy(o, "b", r->layers[i].b);
		json_array_append_new(ls, o);
	}
	return ls;
}

json_t *image_diff_json(const struct image_diff_result *r)
{
	json_t *diffs = json_array();
	for (size_t i = 0; i < r->n; i++)
		json_array_append_new(diffs, difference_json(&r->v[i]));
	json_t *history =
	    r->history ? json_deep_copy(r->history) : json_array();
	return json_pack("{s:i, s:b, s:o, s:o, s:o, s:o, s:o}", "version", 1,
			 "identical", r->identical, "a", side_json(&r->a), "b",
			 side_json(&r->b), "differences", diffs, "layers",
			 layers_json(r), "history", history);
}
