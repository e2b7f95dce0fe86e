/* base64: encoding and decoding for credentials (see base64.h), on
 * OpenSSL's EVP_EncodeBlock/EVP_DecodeBlock; this file only adds what
 * they leave out: optional padding and the length without padding. */
#include "base64.h"

#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

#include "../oci/strbuf.h"

char *fetch_b64_encode(const void *data, size_t n)
{
	char *out = xmalloc((n + 2) / 3 * 4 + 1);
	EVP_EncodeBlock((unsigned char *)out, data, (int)n);
	return out;
}

char *fetch_b64_decode(const char *s, size_t *len)
{
	size_t n = strlen(s), pad = 0;
	while (n && s[n - 1] == '=' && pad < 2)
		n--, pad++;
	/* Padding, when present, must complete the last quantum. */
	if (n % 4 == 1 || (pad && (n + pad) % 4) ||
	    strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/") != n)
		return NULL;
	struct strbuf in = STRBUF_INIT;
	sb_add(&in, s, n);
	while (in.len % 4)
		sb_addc(&in, '=');
	char *out = xmalloc(in.len / 4 * 3 + 1);
	int got = in.len ? EVP_DecodeBlock((unsigned char *)out, (unsigned char *)in.buf, (int)in.len) : 0;
	size_t trim = in.len && in.buf[in.len - 1] == '=' ? (in.buf[in.len - 2] == '=' ? 2 : 1) : 0;
	sb_release(&in);
	if (got < 0) {
		free(out);
		return NULL;
	}
	*len = (size_t)got - trim;
	out[*len] = '\0';
	return out;
}
