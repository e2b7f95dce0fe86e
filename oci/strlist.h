/* strlist: a growable, owning array of C strings. */
#ifndef KILN_STRLIST_H
#define KILN_STRLIST_H

#include <stdbool.h>
#include <stddef.h>

struct strlist {
	char **v;
	size_t n;
	size_t alloc;
};

#define STRLIST_INIT { NULL, 0, 0 }

/* Appends a copy of s. */
void strlist_push(struct strlist *l, const char *s);
/* Appends s itself; the list takes ownership. */
void strlist_push_owned(struct strlist *l, char *s);
bool strlist_has(const struct strlist *l, const char *s);
void strlist_clear(struct strlist *l);

#endif
