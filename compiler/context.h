/* context: the build context as a file tree: every file under the context
 * directory that .dockerignore does not exclude, with modes normalised
 * (0644, 0755 when any x bit is set, directories 0755) and symlinks kept as
 * symlinks. The host's owners, times and umask never reach it. */
#ifndef KILN_CONTEXT_H
#define KILN_CONTEXT_H

#include "dockerignore.h"
#include "fs_tree.h"

struct build_context {
	char *root;        /* absolute; NULL for a context-less build */
	struct dockerignore *ignore;
	struct fs_tree tree;
	bool scanned;
};

/* dir NULL: no context (Dockerfile from stdin). */
int context_open(struct build_context *c, const char *dir, struct kerr *err);
/* The scanned tree (scanned once, on first use). */
int context_tree(struct build_context *c, struct fs_tree **out,
		 struct kerr *err);
void context_close(struct build_context *c);

#endif
