/* fs_tree: a file tree as kiln models it without touching disk: the build
 * context, a heredoc's files, or a stage's root filesystem (the sum of the
 * layers kiln wrote for it). Paths are relative, '/'-separated, sorted
 * bytewise on demand; putting a path again replaces it. */
#ifndef KILN_FS_TREE_H
#define KILN_FS_TREE_H

#include "../oci/layer.h"

struct fs_tree {
	struct layer_entry *e;
	size_t n;
	size_t alloc;
	bool sorted;
};

#define FS_TREE_INIT { NULL, 0, 0, true }

/* Takes over *e's members (the caller must not free them). */
void fs_tree_put(struct fs_tree *t, struct layer_entry *e);
/* A deep copy of e put into t. */
void fs_tree_put_copy(struct fs_tree *t, const struct layer_entry *e);
const struct layer_entry *fs_tree_get(struct fs_tree *t, const char *path);
/* Entries strictly below dir ("" = the whole tree): [*lo, *hi). */
void fs_tree_below(struct fs_tree *t, const char *dir, size_t *lo,
		   size_t *hi);
void fs_tree_copy(struct fs_tree *dst, const struct fs_tree *src);
/* Removes path itself (when self) and everything below it. */
void fs_tree_remove(struct fs_tree *t, const char *path, bool self);
void fs_tree_clear(struct fs_tree *t);
/* A deep copy of one entry. */
void layer_entry_copy(struct layer_entry *dst, const struct layer_entry *src);

#endif
