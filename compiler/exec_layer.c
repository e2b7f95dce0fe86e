/* exec_layer: commits one step's files as a layer of the stage: adds the
 * ancestor directories a layer carries, reuses the cached layer of the
 * same key or writes the normalised blob (and records it), and applies the
 * entries to the stage's tree. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../oci/image.h"
#include "exec_internal.h"
#include "step_cache.h"

/* Every ancestor directory of every entry is in the layer, as BuildKit's
 * diffs have them: taken from the stage when it exists, else made 0755 and
 * owned by uid:gid (COPY --chown owns the directories it creates). */
static void add_ancestors(struct fs_tree *stage, struct fs_tree *layer,
			  unsigned uid, unsigned gid)
{
	struct strlist dirs = STRLIST_INIT;
	for (size_t i = 0; i < layer->n; i++) {
		char *p = xstrdup(layer->e[i].path), *slash;
		while ((slash = strrchr(p, '/'))) {
			*slash = '\0';
			strlist_push(&dirs, p);
		}
		free(p);
	}
	for (size_t i = 0; i < dirs.n; i++) {
		if (fs_tree_get(layer, dirs.v[i]))
			continue;
		const struct layer_entry *have = fs_tree_get(stage, dirs.v[i]);
		struct layer_entry d = { 0 };
		if (have && have->type == LAYER_DIR) {
			fs_tree_put_copy(layer, have);
			continue;
		}
		d.path = xstrdup(dirs.v[i]);
		d.type = LAYER_DIR;
		d.mode = 0755;
		d.uid = uid;
		d.gid = gid;
		fs_tree_put(layer, &d);
	}
	strlist_clear(&dirs);
}

/* One entry of a committed layer onto the stage's tree: OCI whiteouts
 * remove, anything else replaces (and its bytes are no longer those of a
 * base layer). */
static void apply_entry(struct stage_state *s, const struct layer_entry *e)
{
	const char *slash = strrchr(e->path, '/');
	const char *base = slash ? slash + 1 : e->path;
	struct fs_tree *pending = s->img ? &s->img->pending : NULL;
	if (!strncmp(base, ".wh.", 4)) {
		bool opaque = !strcmp(base, ".wh..wh..opq");
		char *victim = opaque ? xstrndup(e->path, slash ? (size_t)(slash - e->path) : 0) :
			(slash ? xstrdup(e->path) : xstrdup(base + 4));
		if (!opaque && slash)
			memmove(victim + (slash - e->path) + 1, base + 4, strlen(base + 4) + 1);
		fs_tree_remove(&s->root, victim, !opaque);
		if (pending)
			fs_tree_remove(pending, victim, !opaque);
		free(victim);
		return;
	}
	if (pending)
		fs_tree_remove(pending, e->path, true);
	fs_tree_put_copy(&s->root, e);
}

static void append_layer(struct exec_ctx *c, const struct cached_layer *l)
{
	json_array_append_new(c->st->diff_ids, json_string(l->diff_id));
	json_array_append_new(c->st->layers, oci_descriptor(l->media_type,
							    l->digest, l->size));
}

/* Writes the layer blob and records it under the current key. */
static int write_layer(struct exec_ctx *c, struct fs_tree *layer,
		       struct kerr *err)
{
	struct layer_result res;
	struct cached_layer l;
	exec_unlock(c);
	int r = layer_write(layer->e, layer->n, c->o->epoch, c->o->compression,
			    c->o->bs, &res, err);
	exec_relock(c);
	if (r < 0)
		return -1;
	memcpy(l.digest, res.digest, sizeof(l.digest));
	memcpy(l.diff_id, res.diff_id, sizeof(l.diff_id));
	l.size = res.size;
	snprintf(l.media_type, sizeof(l.media_type), "%s", res.media_type);
	append_layer(c, &l);
	return step_cache_put(c->o->cache_dir, c->key, &l, err);
}

static int check_contents(const struct fs_tree *layer, struct kerr *err)
{
	for (size_t i = 0; i < layer->n; i++) {
		const struct layer_entry *e = &layer->e[i];
		if (e->type == LAYER_FILE && e->size && !e->src_path && !e->data)
			return kerr_set(err, KERR_BUILD,
					"internal error: the bytes of %s were not read from its layer",
					e->path);
	}
	return 0;
}

int exec_commit_layer(struct exec_ctx *c, struct fs_tree *layer,
		      unsigned uid, unsigned gid, struct kerr *err)
{
	struct cached_layer l;
	bool hit = false;
	if (check_contents(layer, err) < 0)
		return -1;
	add_ancestors(&c->st->root, layer, uid, gid);
	size_t lo, hi;
	fs_tree_below(layer, "", &lo, &hi); /* sorted, for a stable key */
	if (exec_key_entries(c, layer, err) < 0)
		return -1;
	if (!c->o->no_cache &&
	    step_cache_get(c->o->cache_dir, c->o->bs, c->key, &l, &hit, err) < 0)
		return -1;
	exec_progress(c, hit);
	if (hit)
		append_layer(c, &l);
	else if (write_layer(c, layer, err) < 0)
		return -1;
	for (size_t i = 0; i < layer->n; i++)
		apply_entry(c->st, &layer->e[i]);
	return 0;
}

int exec_commit_keyed(struct exec_ctx *c, struct fs_tree *layer,
		      struct kerr *err)
{
	if (check_contents(layer, err) < 0 || write_layer(c, layer, err) < 0)
		return -1;
	for (size_t i = 0; i < layer->n; i++)
		apply_entry(c->st, &layer->e[i]);
	return 0;
}

int exec_reuse_layer(struct exec_ctx *c, bool *hit, struct kerr *err)
{
	struct cached_layer l;
	struct stage_state *s = c->st;
	*hit = false;
	if (c->o->no_cache ||
	    step_cache_get(c->o->cache_dir, c->o->bs, c->key, &l, hit, err) < 0 || !*hit)
		return 0;
	if (!s->img) {
		s->img = xcalloc(1, sizeof(*s->img));
		s->img->tree = &s->root;
		s->img->tmpdir = c->o->tmpdir;
		s->img->seq = &c->sh->tmp_seq;
	}
	strlist_push_owned(&s->img->blobs, blobstore_path(c->o->bs, l.digest));
	append_layer(c, &l);
	return image_tree_add_layer(s->img, s->img->blobs.n - 1, err);
}
