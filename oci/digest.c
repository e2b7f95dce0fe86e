/* digest: sha256 over EVP, digests of files, digest syntax (see digest.h). */
#include "digest.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "fsutil.h"
#include "strbuf.h"

#define DIGEST_CHUNK (64 * 1024)

static void sha256_die(const char *what)
{
	fprintf(stderr, "kiln: fatal: sha256 %s failed in OpenSSL\n", what);
	abort();
}

void sha256_init(struct sha256 *h)
{
	h->ctx = EVP_MD_CTX_new();
	if (!h->ctx || !EVP_DigestInit_ex(h->ctx, EVP_sha256(), NULL))
		sha256_die("init");
}

void sha256_update(struct sha256 *h, const void *buf, size_t n)
{
	if (n && !EVP_DigestUpdate(h->ctx, buf, n))
		sha256_die("update");
}

void sha256_final(struct sha256 *h, char out[DIGEST_BUFSZ])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len = 0;

	if (!EVP_DigestFinal_ex(h->ctx, md, &len) || len != 32)
		sha256_die("final");
	sha256_release(h);
	memcpy(out, DIGEST_PREFIX, DIGEST_PREFIX_LEN);
	for (unsigned int i = 0; i < len; i++) {
		out[DIGEST_PREFIX_LEN + 2 * i] = hex[md[i] >> 4];
		out[DIGEST_PREFIX_LEN + 2 * i + 1] = hex[md[i] & 15];
	}
	out[DIGEST_PREFIX_LEN + 64] = '\0';
}

void sha256_release(struct sha256 *h)
{
	EVP_MD_CTX_free(h->ctx);
	h->ctx = NULL;
}

int digest_file(const char *path, char out[DIGEST_BUFSZ], uint64_t *size,
		struct kerr *err)
{
	autoclose int fd = open(path, O_RDONLY | O_CLOEXEC);
	autofree char *buf = NULL;
	struct sha256 h;
	uint64_t total = 0;
	ssize_t n;

	if (fd < 0)
		return kerr_set(err, KERR_BUILD, "opening %s: %s", path,
				strerror(errno));
	buf = xmalloc(DIGEST_CHUNK);
	sha256_init(&h);
	while ((n = fsutil_read(fd, buf, DIGEST_CHUNK)) != 0) {
		if (n < 0) {
			sha256_release(&h);
			return kerr_set(err, KERR_BUILD, "reading %s: %s", path,
					strerror(errno));
		}
		sha256_update(&h, buf, (size_t)n);
		total += (uint64_t)n;
	}
	sha256_final(&h, out);
	if (size)
		*size = total;
	return 0;
}

bool digest_valid(const char *d)
{
	if (!d || strncmp(d, DIGEST_PREFIX, DIGEST_PREFIX_LEN))
		return false;
	d += DIGEST_PREFIX_LEN;
	for (int i = 0; i < 64; i++)
		if (!((d[i] >= '0' && d[i] <= '9') ||
		      (d[i] >= 'a' && d[i] <= 'f')))
			return false;
	return d[64] == '\0';
}
