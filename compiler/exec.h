/* exec: the executor. Builds the target's stages from the plan (and only
 * from it), step by step, into normalised layers, then the image config and
 * manifest, all stored in the blob store. */
#ifndef KILN_EXEC_H
#define KILN_EXEC_H

#include "../oci/blobstore.h"
#include "../oci/layer.h"
#include "../oci/layout_tar.h"
#include "../fetch/registry.h"
#include "context.h"
#include "lockfile.h"
#include "plan.h"

struct exec_opts {
	const struct plan *plan;
	struct build_context *ctx;
	struct blobstore *bs;
	int64_t epoch;                 /* SOURCE_DATE_EPOCH */
	enum layer_compression compression;
	const char *platform;          /* os/arch[/variant] of the image */
	const char *tmpdir;            /* scratch space, removed by the caller */
	bool quiet;                    /* no progress lines */
	const struct lockfile *lock;   /* the pinned external inputs */
	struct fetch_client *fc;       /* NULL: offline */
	const char *vendor;            /* an OCI layout to take blobs from */
	const char *cache_dir;         /* unpacked layers, cache mounts */
	bool network_none;             /* --network none (or --offline) */
	const struct env_list *secrets; /* --secret id -> host file */
	bool no_cache;                 /* --no-cache: never reuse a step */
};

/* Builds the plan's target; fills out with the stored manifest's digests. */
int exec_build(const struct exec_opts *o, struct oci_image_ref *out,
	       struct kerr *err);

#endif
