/* base64: encoding and decoding for credentials (see base64.h). Written
 * out rather than taken from libresolv, which kiln does not link. */
#include "base64.h"

#include <stdlib.h>
#include <string.h>

#include "../oci/strbuf.h"

static const char alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

char *fetch_b64_encode(const void *data, size_t n)
{
	const unsigned char *p = data;
	char *out = xmalloc((n + 2) / 3 * 4 + 1), *o = out;

	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned)p[i] << 16;
		if (i + 1 < n)
			v |= (unsigned)p[i + 1] << 8;
		if (i + 2 < n)
			v |= p[i + 2];
		*o++ = alphabet[v >> 18 & 63];
		*o++ = alphabet[v >> 12 & 63];
		*o++ = i + 1 < n ? alphabet[v >> 6 & 63] : '=';
		*o++ = i + 2 < n ? alphabet[v & 63] : '=';
	}
	*o = '\0';
	return out;
}

static int sextet(char c)
{
	const char *at = c ? strchr(alphabet, c) : NULL;
	return at ? (int)(at - alphabet) : -1;
}

char *fetch_b64_decode(const char *s, size_t *len)
{
	size_t n = strlen(s), pad = 0;
	unsigned v = 0;
	int bits = 0;

	while (n && s[n - 1] == '=' && pad < 2)
		n--, pad++;
	/* Padding, when present, must complete the last quantum. */
	if (n % 4 == 1 || (pad && (n + pad) % 4))
		return NULL;
	char *out = xmalloc(n / 4 * 3 + 3), *o = out;
	for (size_t i = 0; i < n; i++) {
		int x = sextet(s[i]);
		if (x < 0) {
			free(out);
			return NULL;
		}
		v = (v << 6 | (unsigned)x) & 0xffffff;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			*o++ = (char)(v >> bits & 0xff);
		}
	}
	*o = '\0';
	*len = (size_t)(o - out);
	return out;
}
