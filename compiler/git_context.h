/* git_context: a git repository as the build CONTEXT (`kiln build
 * https://…/x.git#ref:subdir`): the tree at the ref's commit written to a
 * scratch dir, which the build then reads like any context. */
#ifndef KILN_GIT_CONTEXT_H
#define KILN_GIT_CONTEXT_H

#include <stdbool.h>

#include "../oci/kerr.h"

/* *dir: the checkout (the caller removes it). */
int git_context_checkout(const char *src, const char *cache, bool quiet,
			 char **dir, struct kerr *err);

#endif
