/* image_tree: a registry image's file tree, read from its layer blobs
 * without unpacking them: one metadata-only pass (whiteouts applied), and
 * file contents spooled to the scratch dir only for the paths a step needs
 * (COPY --from, /etc/passwd for --chown). */
#ifndef KILN_IMAGE_TREE_H
#define KILN_IMAGE_TREE_H

#include "../oci/blobstore.h"
#include "fs_tree.h"

struct image_tree {
	struct fs_tree *tree;     /* the stage's tree, filled by load */
	struct strlist blobs;     /* layer blob paths, bottom first */
	struct fs_tree pending;   /* files whose bytes are still in a layer:
				   * an entry's size is that layer's number */
	const char *tmpdir;
	int *seq;                 /* names of spooled files */
};

/* Reads every layer's headers into it->tree. */
int image_tree_load(struct image_tree *it, struct kerr *err);
/* Reads layer k (of blobs) on top of what the tree holds. */
int image_tree_add_layer(struct image_tree *it, size_t k, struct kerr *err);
/* Spools the content of every still-unread file at or below prefix
 * ("" = all). */
int image_tree_materialize(struct image_tree *it, const char *prefix,
			   struct kerr *err);
/* A copy for a stage that continues another: same layers, same pending
 * files, its own tree. */
struct image_tree *image_tree_copy(const struct image_tree *it,
				   struct fs_tree *tree);
void image_tree_clear(struct image_tree *it);

#endif
