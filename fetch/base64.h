/* base64: the standard alphabet with padding, as Docker's config.json
 * "auth" field and HTTP Basic credentials use it. */
#ifndef KILN_FETCH_BASE64_H
#define KILN_FETCH_BASE64_H

#include <stddef.h>

/* n bytes as base64, malloc'd and NUL-terminated. */
char *fetch_b64_encode(const void *data, size_t n);
/* Decodes s (padding optional, no whitespace); malloc'd, NUL-terminated,
 * length in *len. NULL when s is not base64. */
char *fetch_b64_decode(const char *s, size_t *len);

#endif
