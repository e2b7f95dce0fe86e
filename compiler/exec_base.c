/* exec_base: registry images in the executor. A stage FROM an image, or a
 * COPY --from=<image>, starts from the image the lock pins: its manifest,
 * config and layers come from the blob store, the vendor directory or the
 * registry (each verified against its digest), and are reused as blobs. */
#include <stdlib.h>
#include <string.h>

#include "../oci/media_types.h"
#include "exec_internal.h"
#include "resolve.h"

/* Imports a blob from the --vendor layout, verified while it streams. */
static int from_vendor(struct exec_ctx *c, const char *digest, bool *done,
		       struct kerr *err)
{
	struct strbuf path = STRBUF_INIT;
	struct blob_writer *w = NULL;
	char got[DIGEST_BUFSZ], buf[65536];
	size_t n;
	*done = false;
	if (!c->o->vendor || !digest_valid(digest))
		return 0;
	sb_addf(&path, "%s/blobs/sha256/%s", c->o->vendor, digest + DIGEST_PREFIX_LEN);
	FILE *f = fopen(path.buf, "rb");
	sb_release(&path);
	if (!f)
		return 0;
	int r = blobstore_begin(c->o->bs, &w, err);
	while (!r && (n = fread(buf, 1, sizeof(buf), f)) > 0)
		r = blob_writer_write(w, buf, n, err);
	fclose(f);
	if (r < 0 && w)
		blob_writer_abort(w);
	if (!r)
		r = blob_writer_commit(w, digest, got, NULL, err);
	*done = !r;
	return r < 0 ? kerr_prefix(err, "--vendor %s", c->o->vendor) : 0;
}

int exec_ensure_blob(struct exec_ctx *c, const char *ref, const char *digest,
		     uint64_t size, struct kerr *err)
{
	bool done;
	if (blobstore_has(c->o->bs, digest))
		return 0;
	if (from_vendor(c, digest, &done, err) < 0 || done)
		return done ? 0 : -1;
	if (!c->o->fc)
		return kerr_set(err, KERR_BUILD,
				"%s: blob %s is not in the cache or the vendor directory (offline)",
				ref, digest);
	if (resolve_is_url(ref)) {
		char got[DIGEST_BUFSZ];
		uint64_t n;
		return fetch_url(c->o->fc, ref, digest, got, &n, err);
	}
	return fetch_blob(c->o->fc, ref, digest, size, err);
}

/* A manifest (fetched from the registry's manifests endpoint when it is
 * missing) or a config blob, parsed. */
static int load_json_blob(struct exec_ctx *c, const char *ref,
			  const char *digest, bool manifest, json_t **out,
			  struct kerr *err)
{
	bool done = blobstore_has(c->o->bs, digest);
	if (!done && from_vendor(c, digest, &done, err) < 0)
		return -1;
	if (!done && manifest && c->o->fc) {
		if (fetch_manifest(c->o->fc, ref, digest, out, err) < 0)
			return -1;
		json_decref(*out);
	} else if (!done && exec_ensure_blob(c, ref, digest, FETCH_SIZE_UNKNOWN, err) < 0) {
		return -1;
	}
	char *path = blobstore_path(c->o->bs, digest);
	json_error_t je;
	*out = path ? json_load_file(path, 0, &je) : NULL;
	free(path);
	if (!json_is_object(*out))
		return kerr_set(err, KERR_BUILD, "%s: blob %s is not a JSON object",
				ref, digest);
	return 0;
}

/* Docker media types name the same bytes as the OCI ones. */
static json_t *oci_layer_descriptor(json_t *d)
{
	json_t *o = json_deep_copy(d);
	const char *mt = json_string_value(json_object_get(o, "mediaType"));
	if (mt && strstr(mt, "docker.image.rootfs"))
		json_object_set_new(o, "mediaType", json_string(
			strstr(mt, "gzip") ? OCI_MEDIA_LAYER_GZIP : OCI_MEDIA_LAYER));
	return o;
}

static bool has_path(json_t *env)
{
	size_t i;
	json_t *v;
	json_array_foreach(env, i, v)
		if (!strncmp(json_string_value(v) ? json_string_value(v) : "", "PATH=", 5))
			return true;
	return false;
}

/* The image's config, history and layers become the stage's start. */
static int inherit(struct exec_ctx *c, const char *key, json_t *man,
		   json_t *cfg, struct stage_state *s, struct kerr *err)
{
	json_t *inner = json_object_get(cfg, "config");
	json_t *diffs = json_object_get(json_object_get(cfg, "rootfs"), "diff_ids");
	json_t *layers = json_object_get(man, "layers");
	size_t i;
	json_t *l;
	if (json_array_size(diffs) != json_array_size(layers))
		return kerr_set(err, KERR_BUILD, "%s: the config names %zu layers, the manifest %zu",
				key, json_array_size(diffs), json_array_size(layers));
	s->config = json_is_object(inner) ? json_deep_copy(inner) : json_object();
	if (!has_path(json_object_get(s->config, "Env")))
		exec_default_path(s->config);
	s->history = json_is_array(json_object_get(cfg, "history")) ?
			     json_deep_copy(json_object_get(cfg, "history")) : json_array();
	s->diff_ids = json_deep_copy(diffs);
	s->layers = json_array();
	json_array_foreach(layers, i, l)
	{
		const char *d = json_string_value(json_object_get(l, "digest"));
		json_int_t size = json_integer_value(json_object_get(l, "size"));
		if (!d || exec_ensure_blob(c, key, d, (uint64_t)size, err) < 0)
			return d ? -1 : kerr_set(err, KERR_BUILD, "%s: layer %zu has no digest", key, i);
		json_array_append_new(s->layers, oci_layer_descriptor(l));
		strlist_push_owned(&s->img->blobs, blobstore_path(c->o->bs, d));
	}
	if (json_string_value(json_object_get(cfg, "author")))
		s->author = xstrdup(json_string_value(json_object_get(cfg, "author")));
	s->cmd_inherited = json_object_get(s->config, "Cmd") != NULL;
	return 0;
}

int exec_base_image(struct exec_ctx *c, const char *ref,
		    struct stage_state *s, struct kerr *err)
{
	char *key = resolve_image_key(ref, err);
	const struct lock_image *li = key && c->o->lock ? lockfile_image(c->o->lock, key) : NULL;
	json_t *man = NULL, *cfg = NULL;
	int r = key ? 0 : -1;
	if (key && !li)
		r = kerr_set(err, KERR_BUILD, "%s is not pinned in the lockfile", key);
	if (!r)
		r = load_json_blob(c, key, li->manifest, true, &man, err);
	const char *cd = json_string_value(json_object_get(json_object_get(man, "config"), "digest"));
	if (!r && !cd)
		r = kerr_set(err, KERR_BUILD, "%s: manifest %s has no config", key, li->manifest);
	if (!r)
		r = load_json_blob(c, key, cd, false, &cfg, err);
	if (!r) {
		s->img = xcalloc(1, sizeof(*s->img));
		s->img->tree = &s->root;
		s->img->tmpdir = c->o->tmpdir;
		s->img->seq = &c->sh->tmp_seq;
		r = inherit(c, key, man, cfg, s, err);
	}
	if (!r)
		r = image_tree_load(s->img, err);
	if (!r) {
		s->base_name = xstrdup(key);
		s->base_digest = xstrdup(li->manifest);
	}
	json_decref(man);
	json_decref(cfg);
	free(key);
	return r;
}

int exec_stage_content(struct exec_ctx *c, struct stage_state *s,
		       const char *prefix, struct kerr *err)
{
	(void)c;
	return s->img ? image_tree_materialize(s->img, prefix, err) : 0;
}

int exec_image_state(struct exec_ctx *c, const char *ref,
		     struct stage_state **out, struct kerr *err)
{
	for (size_t i = 0; i < c->sh->nimages; i++) {
		if (!strcmp(c->sh->images[i].key, ref)) {
			*out = &c->sh->images[i].st;
			return 0;
		}
	}
	c->sh->images = xreallocarray(c->sh->images, c->sh->nimages + 1, sizeof(*c->sh->images));
	struct exec_image *im = &c->sh->images[c->sh->nimages++];
	memset(im, 0, sizeof(*im));
	im->key = xstrdup(ref);
	*out = &im->st;
	return exec_base_image(c, ref, &im->st, err);
}
