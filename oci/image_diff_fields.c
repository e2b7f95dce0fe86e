/* image_diff_fields: the manifest and config documents compared field by
 * field (see image_diff.h for what is a field and what is left to the
 * layers and the history). */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "image_diff_internal.h"
#include "strbuf.h"

static bool path_is(json_t *path, const char *const *keys, size_t n)
{
	if (json_array_size(path) != n)
		return false;
	for (size_t i = 0; i < n; i++) {
		json_t *k = json_array_get(path, i);
		if (keys[i] ? !json_is_string(k) ||
				  strcmp(json_string_value(k), keys[i])
			    : !json_is_integer(k))
			return false;
	}
	return true;
}

/* What the layers and the history stand for (NULL: any layer index). */
static bool skipped(const char *doc, json_t *path)
{
	static const char *const rootfs[] = {"rootfs"},
				 *const hist[] = {"history"},
				 *const layers[] = {"layers"},
				 *const cfg_digest[] = {"config", "digest"},
				 *const cfg_size[] = {"config", "size"},
				 *const l_digest[] = {"layers", NULL, "digest"},
				 *const l_size[] = {"layers", NULL, "size"};
	if (!strcmp(doc, "config"))
		return path_is(path, rootfs, 1) || path_is(path, hist, 1);
	return path_is(path, layers, 1) || path_is(path, cfg_digest, 2) ||
	       path_is(path, cfg_size, 2) || path_is(path, l_digest, 3) ||
	       path_is(path, l_size, 3);
}

/* ["K=V", ...] -> {"K": "V"}; the last of a name wins, as in execve. */
static json_t *env_object(json_t *env)
{
	json_t *o = json_object(), *v;
	size_t i;
	json_array_foreach(env, i, v)
	{
		const char *s = json_string_value(v);
		const char *eq = s ? strchr(s, '=') : NULL;
		if (!s)
			continue;
		char *k = xstrndup(s, eq ? (size_t)(eq - s) : strlen(s));
		json_object_set_new(o, k, json_string(eq ? eq + 1 : ""));
		free(k);
	}
	return o;
}

/* An array on both sides, or on one with nothing on the other. */
static bool is_env(const char *doc, json_t *path, json_t *a, json_t *b)
{
	static const char *const env[] = {"config", "Env"};
	return !strcmp(doc, "config") && path_is(path, env, 2) &&
	       (json_is_array(a) || !a) && (json_is_array(b) || !b);
}

/* Objects on both sides, or on one with nothing on the other: a label
 * or annotation added is one difference, not a whole new object. */
static bool are_objects(json_t *a, json_t *b)
{
	return (json_is_object(a) || !a) && (json_is_object(b) || !b);
}

static void add_field(const char *doc, json_t *path, json_t *a, json_t *b,
		      struct image_diff_result *r)
{
	struct image_difference *d = image_diff_add(r, IMAGE_DIFF_FIELD,
						    !a	 ? IMAGE_DIFF_ADDED
						    : !b ? IMAGE_DIFF_REMOVED
							 : IMAGE_DIFF_CHANGED);
	d->document = strcmp(doc, "config") ? "manifest" : "config";
	d->path = json_deep_copy(path);
	d->a = a ? json_deep_copy(a) : NULL;
	d->b = b ? json_deep_copy(b) : NULL;
}

static int cmp_key(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Both objects: key by key, in sorted order of the union of keys. */
static void diff_objects(const char *doc, json_t *path, json_t *a, json_t *b,
			 struct image_diff_result *r)
{
	const char **keys = xcalloc(
	    json_object_size(a) + json_object_size(b) + 1, sizeof(*keys));
	const char *k;
	json_t *v;
	size_t n = 0;
	json_object_foreach(a, k, v)
	{
		keys[n++] = k;
	}
	json_object_foreach(b, k, v)
	{
		if (!json_object_get(a, k))
			keys[n++] = k;
	}
	qsort(keys, n, sizeof(*keys), cmp_key);
	for (size_t i = 0; i < n; i++) {
		json_t *sub = json_copy(path);
		json_array_append_new(sub, json_string(keys[i]));
		image_diff_value(doc, sub, json_object_get(a, keys[i]),
				 json_object_get(b, keys[i]), r);
		json_decref(sub);
	}
	free(keys);
}

void image_diff_value(const char *doc, json_t *path, json_t *a, json_t *b,
		      struct image_diff_result *r)
{
	if (skipped(doc, path) || (!a && !b) || (a && b && json_equal(a, b)))
		return;
	if (is_env(doc, path, a, b)) {
		json_t *ea = env_object(a), *eb = env_object(b);
		diff_objects(doc, path, ea, eb, r);
		json_decref(ea);
		json_decref(eb);
	} else if (are_objects(a, b)) {
		diff_objects(doc, path, a, b, r);
	} else {
		add_field(doc, path, a, b, r);
	}
}

void image_diff_fields(const char *doc, json_t *a, json_t *b,
		       struct image_diff_result *r)
{
	json_t *root = json_array();
	image_diff_value(doc, root, a, b, r);
	json_decref(root);
}
