/* env_list: an ordered name -> value map for ARG/ENV scopes and the shell
 * lexer. A name is either unset (absent) or set, possibly to "". */
#ifndef KILN_ENV_LIST_H
#define KILN_ENV_LIST_H

#include <stddef.h>

#include "../oci/strlist.h"

struct env_list {
	struct strlist keys;
	struct strlist vals;
};

#define ENV_LIST_INIT { STRLIST_INIT, STRLIST_INIT }

/* Sets name to value, replacing an earlier value in place (order kept). */
void env_set(struct env_list *e, const char *name, const char *value);
/* Returns the value, or NULL when name is unset. */
const char *env_get(const struct env_list *e, const char *name);
void env_copy(struct env_list *dst, const struct env_list *src);
void env_clear(struct env_list *e);

#endif
