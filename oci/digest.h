/* digest: streaming sha256 over OpenSSL's EVP, formatted the way OCI names
 * content ("sha256:" and 64 lowercase hex digits). */
#ifndef KILN_DIGEST_H
#define KILN_DIGEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kerr.h"

/* "sha256:" + 64 hex + NUL */
#define DIGEST_BUFSZ 72
#define DIGEST_PREFIX "sha256:"
#define DIGEST_PREFIX_LEN 7

struct evp_md_ctx_st;

struct sha256 {
	struct evp_md_ctx_st *ctx;
};

/* OpenSSL failing to set up sha256 is treated like allocation failure:
 * kiln aborts, as xmalloc does. */
void sha256_init(struct sha256 *h);
void sha256_update(struct sha256 *h, const void *buf, size_t n);
/* Writes "sha256:<hex>" into out and releases the context. */
void sha256_final(struct sha256 *h, char out[DIGEST_BUFSZ]);
/* Releases the context without a result; NULL context is fine. */
void sha256_release(struct sha256 *h);

/* Digest and size of a file's content, read in chunks; size may be NULL. */
int digest_file(const char *path, char out[DIGEST_BUFSZ], uint64_t *size,
		struct kerr *err);

/* Exactly "sha256:" and 64 lowercase hex digits. */
bool digest_valid(const char *d);

#endif
