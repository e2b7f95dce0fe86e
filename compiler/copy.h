/* copy: COPY/ADD source selection, as BuildKit does it: wildcards with Go
 * filepath.Match rules, a directory copies its contents, a file lands at
 * the destination or inside it, --chown/--chmod/--exclude/--parents. Works
 * on file trees (the context, a stage's root, heredoc files). */
#ifndef KILN_COPY_H
#define KILN_COPY_H

#include "dockerignore.h"
#include "fs_tree.h"

struct copy_opts {
	const char *what;       /* "COPY" or "ADD", for messages */
	const char *dest;       /* relative to the root, cleaned; "" = root */
	bool dest_is_dir;
	bool chown;             /* set uid/gid on everything copied */
	unsigned uid, gid;
	bool chmod;             /* set these permission bits exactly */
	unsigned mode;
	const struct dockerignore *exclude; /* NULL: none */
	bool parents;           /* keep the source's parent directories */
	size_t parents_skip;    /* set per source: the part before a "/./"
				 * pivot, which --parents does not keep */
	const char *origin;     /* "build context", "stage \"x\"": messages */
};

/* Puts into out the entries that copying src (a path or pattern, relative
 * to the tree's root) produces. -1 with err set on a missing source or a
 * source outside the tree. */
int copy_source(struct fs_tree *from, const char *src,
		const struct copy_opts *o, struct fs_tree *out,
		struct kerr *err);

/* True when s holds a filepath.Match metacharacter. */
bool copy_is_pattern(const char *s);

/* Cleans a source path relative to a tree root; NULL when it leaves it. */
char *copy_clean_source(const char *src);

#endif
