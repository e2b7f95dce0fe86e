/* verify: `kiln verify`: rebuild from the context and its kiln.lock
 * (--locked implied) and compare the result with a published image; one
 * line when identical, else the differences, step by step. */
#ifndef KILN_VERIFY_H
#define KILN_VERIFY_H

#include "build.h"

struct verify_opts {
	const char *image; /* an OCI tarball or layout directory */
	bool json;
};

/* 0 identical, 1 different (printed), -1 with err on failure. */
int verify_run(struct build_opts *o, const struct verify_opts *v,
	       struct kerr *err);

#endif
