/* git: ADD <git repository>[#ref[:subdir]] sources, through the git
 * command: a ref resolved to a commit (the lock pins it), the commit
 * fetched into a bare repository in the cache, its tree written as a tar. */
#ifndef KILN_FETCH_GIT_H
#define KILN_FETCH_GIT_H

#include <stdbool.h>

#include "../oci/kerr.h"

/* https://…/x.git[#…], git://…, ssh://…, git@host:path. */
bool fetch_git_is_source(const char *s);
/* Splits "URL#ref:subdir"; ref and subdir are "" when absent. */
void fetch_git_split(const char *src, char **url, char **ref, char **subdir);
/* The commit ref names now (the default branch for ""). */
int fetch_git_resolve(const char *url, const char *ref, char commit[41],
		      struct kerr *err);
/* The commit's tree (or subdir of it) as a tar at out; the commit is
 * fetched into cache_dir/git/ unless it is already there (offline: must
 * be). */
int fetch_git_archive(const char *cache_dir, const char *url, const char *ref,
		      const char *commit, const char *subdir, bool offline,
		      const char *out, struct kerr *err);

#endif
