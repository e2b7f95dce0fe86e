/* cache_admin: `kiln cache du` and `kiln cache prune`: what the cache dir
 * holds (blobs, unpacked layers, step records, RUN cache mounts), and
 * removing the least recently used entries down to a size. */
#ifndef KILN_CACHE_ADMIN_H
#define KILN_CACHE_ADMIN_H

#include <stdint.h>
#include <stdio.h>

#include "../oci/kerr.h"

int cache_du(const char *dir, FILE *out, struct kerr *err);
/* keep: bytes to keep at most (0: empty the cache). */
int cache_prune(const char *dir, uint64_t keep, FILE *out, struct kerr *err);
/* "500M", "2G", "1024" -> bytes. */
int cache_parse_size(const char *s, uint64_t *out, struct kerr *err);

#endif
