/* kerr: the error object every fallible kiln function fills (crun style).
 * A function returns -1 and sets the message; each caller on the way up may
 * prefix what it was doing, so the final line reads like a path. */
#ifndef KILN_KERR_H
#define KILN_KERR_H

#include <stdbool.h>

/* Exit codes: a failed build, bad usage or bad input. */
enum { KERR_BUILD = 1, KERR_USAGE = 2 };

struct kerr {
	int code;      /* exit code to use; 0 while no error is set */
	char msg[1024];
};

#define KERR_INIT { 0, { 0 } }

int kerr_set(struct kerr *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Prefixes "what: " to the message already set; returns -1. */
int kerr_prefix(struct kerr *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
bool kerr_isset(const struct kerr *err);
void kerr_clear(struct kerr *err);

#endif
