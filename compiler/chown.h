/* chown: --chown=user[:group] to numeric ids, names looked up in the
 * stage's own /etc/passwd and /etc/group (never the host's). */
#ifndef KILN_CHOWN_H
#define KILN_CHOWN_H

#include "fs_tree.h"

/* As Docker documents: a user without a group (or a uid without a gid)
 * uses the same number as the gid. */
int chown_resolve(struct fs_tree *root, const char *spec, unsigned *uid,
		  unsigned *gid, struct kerr *err);
/* The primary group of user name in the tree's /etc/passwd. */
int passwd_primary_gid(struct fs_tree *root, const char *name, unsigned *gid,
		       struct kerr *err);
/* Appends an entry's content (a file in a tree) to out. */
int fs_entry_read(const struct layer_entry *e, struct strbuf *out,
		  struct kerr *err);

#endif
