/* env_list: ordered name -> value map (see env_list.h). */
#include "env_list.h"

#include <stdlib.h>
#include <string.h>

#include "../oci/strbuf.h"

static long env_find(const struct env_list *e, const char *name)
{
	for (size_t i = 0; i < e->keys.n; i++)
		if (!strcmp(e->keys.v[i], name))
			return (long)i;
	return -1;
}

void env_set(struct env_list *e, const char *name, const char *value)
{
	long i = env_find(e, name);
	if (i >= 0) {
		free(e->vals.v[i]);
		e->vals.v[i] = xstrdup(value);
		return;
	}
	strlist_push(&e->keys, name);
	strlist_push(&e->vals, value);
}

const char *env_get(const struct env_list *e, const char *name)
{
	long i = env_find(e, name);
	return i < 0 ? NULL : e->vals.v[i];
}

void env_copy(struct env_list *dst, const struct env_list *src)
{
	for (size_t i = 0; i < src->keys.n; i++)
		env_set(dst, src->keys.v[i], src->vals.v[i]);
}

void env_clear(struct env_list *e)
{
	strlist_clear(&e->keys);
	strlist_clear(&e->vals);
}
