/* lock: `kiln lock`, the compiler pass alone: parse, plan, pin every
 * external input, write kiln.lock. */
#ifndef KILN_LOCK_H
#define KILN_LOCK_H

#include "pin.h"

struct lock_opts {
	struct frontend_opts fe;
	struct pin_opts pin;
	const char *cache_dir;
};

int lock_run(struct lock_opts *o, struct kerr *err);

#endif
