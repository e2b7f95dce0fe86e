/* resolve: the compiler pass proper. Finds every external input of a plan
 * (registry base images, COPY --from=<image>, ADD URLs and git sources)
 * and pins each one
 * to a digest in the lockfile, keeping what the lock already says. */
#ifndef KILN_RESOLVE_H
#define KILN_RESOLVE_H

#include "../fetch/registry.h"
#include "../fetch/git.h"
#include "../fetch/url.h"
#include "lockfile.h"
#include "plan.h"

struct resolve_opts {
	const struct plan *plan;
	struct fetch_client *fc; /* NULL: offline, the lock must hold all */
	bool update;             /* re-resolve what the lock holds */
	bool locked;             /* nothing may be missing from the lock */
};

/* *changed when lf was added to. */
int resolve_plan(const struct resolve_opts *o, struct lockfile *lf,
		 bool *changed, struct kerr *err);
/* The lock key of an image reference: normalised, e.g.
 * docker.io/library/busybox:1.36; NULL (err set) when invalid. */
char *resolve_image_key(const char *ref, struct kerr *err);
/* True for the ADD sources fetched from the network. */
bool resolve_is_url(const char *s);

#endif
