/* url: ADD <http(s) URL> sources, downloaded into the blob store. */
#ifndef KILN_FETCH_URL_H
#define KILN_FETCH_URL_H

#include "registry.h"

/* Downloads url into the store, checked against expect (a digest, or NULL
 * to learn it) while it streams; fills digest and size. With expect already
 * in the store nothing is fetched. */
int fetch_url(struct fetch_client *c, const char *url, const char *expect,
	      char digest[DIGEST_BUFSZ], uint64_t *size, struct kerr *err);

#endif
