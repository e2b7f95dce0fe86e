/* exec_layer: commits one step's files as a layer of the stage: adds the
 * ancestor directories a layer carries, writes the normalised blob, and
 * applies the entries to the stage's tree. */
#include <stdlib.h>
#include <string.h>

#include "../oci/image.h"
#include "exec_internal.h"

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

int exec_commit_layer(struct exec_ctx *c, struct fs_tree *layer,
		      unsigned uid, unsigned gid, struct kerr *err)
{
	struct layer_result res;
	for (size_t i = 0; i < layer->n; i++) {
		const struct layer_entry *e = &layer->e[i];
		if (e->type == LAYER_FILE && e->size && !e->src_path && !e->data)
			return kerr_set(err, KERR_BUILD,
					"internal error: the bytes of %s were not read from its layer",
					e->path);
	}
	add_ancestors(&c->st->root, layer, uid, gid);
	/* fs_tree_below sorts the tree: the writer gets it in order. */
	size_t lo, hi;
	fs_tree_below(layer, "", &lo, &hi);
	if (layer_write(layer->e, layer->n, c->o->epoch, c->o->compression,
			c->o->bs, &res, err) < 0)
		return -1;
	json_array_append_new(c->st->diff_ids, json_string(res.diff_id));
	json_array_append_new(c->st->layers, oci_descriptor(res.media_type,
							    res.digest, res.size));
	for (size_t i = 0; i < layer->n; i++)
		apply_entry(c->st, &layer->e[i]);
	return 0;
}
