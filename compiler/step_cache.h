/* step_cache: the build cache's records: one small JSON file per step key
 * (DIR/steps/<hex>) naming the layer that step made. Written atomically
 * after the layer's blob is in the store; a record whose blob is gone is a
 * miss, never a wrong hit. */
#ifndef KILN_STEP_CACHE_H
#define KILN_STEP_CACHE_H

#include <stdbool.h>
#include <stdint.h>

#include "../oci/blobstore.h"
#include "../oci/digest.h"

struct cached_layer {
	char digest[DIGEST_BUFSZ];
	char diff_id[DIGEST_BUFSZ];
	uint64_t size;
	char media_type[96];
};

/* *hit when key has a record whose blob bs holds; marks both used. */
int step_cache_get(const char *dir, struct blobstore *bs, const char *key,
		   struct cached_layer *out, bool *hit, struct kerr *err);
int step_cache_put(const char *dir, const char *key,
		   const struct cached_layer *l, struct kerr *err);

#endif
