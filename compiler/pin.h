/* pin: the compiler pass as `kiln build` and `kiln lock` run it: read
 * kiln.lock, resolve what it lacks (or everything, with --update), write
 * it back when it changed; --locked and --offline refuse to resolve. */
#ifndef KILN_PIN_H
#define KILN_PIN_H

#include "../oci/layer.h"
#include "frontend.h"
#include "lockfile.h"
#include "resolve.h"

struct pin_opts {
	const char *lock_path;   /* NULL: kiln.lock beside the Dockerfile */
	bool update;             /* re-resolve every input */
	bool locked;             /* nothing may be missing */
	bool offline;            /* no network at all */
	bool write_always;       /* kiln lock: write even when unchanged */
	bool progress;           /* blob download lines on stderr */
	bool no_lock_file;       /* a git context: the lock stays in memory */
	struct strlist insecure; /* --insecure-registry */
	enum layer_compression compression;
};

/* The lock path for a Dockerfile: beside it, or in the context for a
 * Dockerfile on stdin; NULL when neither is a file system path. */
char *pin_lock_path(const struct pin_opts *o, const struct frontend_opts *fe);

/* Fills lf and, unless offline, *fc (the caller frees it). */
int pin_plan(const struct pin_opts *o, const struct frontend_opts *fe,
	     const struct plan *p, struct blobstore *bs, struct lockfile *lf,
	     struct fetch_client **fc, struct kerr *err);

#endif
