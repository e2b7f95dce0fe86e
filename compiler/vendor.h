/* vendor: `kiln vendor`: every blob the lock pins (indexes, manifests,
 * configs, layers, URL sources) written into one OCI layout directory, so
 * that `kiln build --offline --vendor DIR` needs no network at all. */
#ifndef KILN_VENDOR_H
#define KILN_VENDOR_H

#include "../oci/kerr.h"
#include "../oci/strlist.h"

struct vendor_opts {
	const char *lock_path;   /* default ./kiln.lock */
	const char *out_dir;
	const char *cache_dir;   /* NULL: the default */
	struct strlist insecure;
	const char *platform;
};

int vendor_run(const struct vendor_opts *o, struct kerr *err);

#endif
