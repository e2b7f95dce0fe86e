/* go_match: Go's utf8.DecodeRune, strings.TrimSpace, filepath.Clean and
 * filepath.Match, transcribed rule for rule so that .dockerignore and COPY
 * wildcards behave as in Docker. Match never backtracks across stars, as in
 * Go: each chunk after a '*' is tried at each offset once. Like Go's
 * filepath.Match (unlike path.Match), a pattern is only checked as far as
 * matching got: Match("a*[", ".") is a plain mismatch, not an error. */
#include "go_match.h"

#include <string.h>

#include "../oci/strbuf.h"

size_t go_decode_rune(const char *s, size_t len, uint32_t *r)
{
	static const uint32_t min[] = {0, 0, 0x80, 0x800, 0x10000};
	const unsigned char *u = (const unsigned char *)s;
	size_t n = u[0] < 0x80	       ? 1
		   : (u[0] >> 5) == 6  ? 2
		   : (u[0] >> 4) == 14 ? 3
		   : (u[0] >> 3) == 30 ? 4
				       : 0;
	uint32_t c;
	*r = GO_RUNE_ERROR;
	if (!n || n > len)
		return 1;
	c = n == 1 ? u[0] : u[0] & (0x7fu >> n);
	for (size_t i = 1; i < n; i++) {
		if ((u[i] & 0xc0) != 0x80)
			return 1;
		c = c << 6 | (u[i] & 0x3f);
	}
	if (c < min[n] || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 1;
	*r = c;
	return n;
}

/* unicode.IsSpace, the set strings.TrimSpace strips. */
static bool is_space(uint32_t r)
{
	if (r == ' ' || (r >= '\t' && r <= '\r') || r == 0x85 || r == 0xa0)
		return true;
	return r == 0x1680 || (r >= 0x2000 && r <= 0x200a) || r == 0x2028 ||
	       r == 0x2029 || r == 0x202f || r == 0x205f || r == 0x3000;
}

/* Width of the space rune ending at s[len-1], as utf8.DecodeLastRune would
 * see it, or 0. A valid sequence there is the one DecodeLastRune finds. */
static size_t trailing_space(const char *s, size_t len)
{
	for (size_t k = 1; k <= 3 && k <= len; k++) {
		uint32_t r;
		if (go_decode_rune(s + len - k, k, &r) == k &&
		    r != GO_RUNE_ERROR)
			return is_space(r) ? k : 0;
	}
	return 0;
}

void go_trim_space(const char **s, size_t *len)
{
	uint32_t r;
	size_t w, k;
	while (*len > 0 && (w = go_decode_rune(*s, *len, &r)) && is_space(r)) {
		*s += w;
		*len -= w;
	}
	while ((k = trailing_space(*s, *len)) > 0)
		*len -= k;
}

/* Go's lazybuf-free Clean: the output never outgrows the input, except
 * that an empty result becomes ".". */
char *go_path_clean(const char *p, size_t n)
{
	char *out = xmalloc(n + 2);
	size_t w = 0, r = 0, dotdot = 0;
	bool rooted = n > 0 && p[0] == '/';
	if (rooted) {
		out[w++] = '/';
		r = dotdot = 1;
	}
	while (r < n) {
		if (p[r] == '/') {
			r++;
		} else if (p[r] == '.' && (r + 1 == n || p[r + 1] == '/')) {
			r++;
		} else if (p[r] == '.' && p[r + 1] == '.' &&
			   (r + 2 == n || p[r + 2] == '/')) {
			r += 2;
			if (w > dotdot) {
				w--;
				while (w > dotdot && out[w] != '/')
					w--;
			} else if (!rooted) {
				if (w > 0)
					out[w++] = '/';
				out[w++] = '.';
				out[w++] = '.';
				dotdot = w;
			}
		} else {
			if ((rooted && w != 1) || (!rooted && w != 0))
				out[w++] = '/';
			for (; r < n && p[r] != '/'; r++)
				out[w++] = p[r];
		}
	}
	if (w == 0)
		out[w++] = '.';
	out[w] = '\0';
	return out;
}

/* A byte range of the pattern or of the name. */
struct span {
	const char *s;
	size_t n;
};

/* Go's getEsc: one class character (maybe escaped) at c->s[*i]; the class
 * must go on after it. Returns -1 on a malformed class. */
static int get_esc(struct span c, size_t *i, uint32_t *r)
{
	size_t k = *i, w;
	if (k == c.n || c.s[k] == '-' || c.s[k] == ']')
		return -1;
	if (c.s[k] == '\\' && ++k == c.n)
		return -1;
	w = go_decode_rune(c.s + k, c.n - k, r);
	if (*r == GO_RUNE_ERROR && w == 1)
		return -1;
	k += w;
	if (k == c.n)
		return -1;
	*i = k;
	return 0;
}

/* The '[' case of matchChunk: *ci is at '['; consumes one rune of s unless
 * the match already failed. Returns -1 on a malformed class. */
static int match_class(struct span c, size_t *ci, struct span s, size_t *si,
		       bool *failed)
{
	uint32_t r = 0, lo, hi;
	size_t i = *ci + 1;
	bool negated = false, match = false;
	if (!*failed)
		*si += go_decode_rune(s.s + *si, s.n - *si, &r);
	if (i < c.n && c.s[i] == '^') {
		negated = true;
		i++;
	}
	for (size_t nrange = 0;; nrange++) {
		if (i < c.n && c.s[i] == ']' && nrange > 0) {
			i++;
			break;
		}
		if (get_esc(c, &i, &lo) < 0)
			return -1;
		hi = lo;
		if (c.s[i] == '-') {
			i++;
			if (get_esc(c, &i, &hi) < 0)
				return -1;
		}
		if (lo <= r && r <= hi)
			match = true;
	}
	if (match == negated)
		*failed = true;
	*ci = i;
	return 0;
}

/* Go's matchChunk: 1 and *rest = bytes consumed when chunk matches a prefix
 * of s, 0 when not, -1 on a malformed chunk (checked even after failing). */
static int match_chunk(struct span c, struct span s, size_t *rest)
{
	size_t ci = 0, si = 0;
	bool failed = false;
	while (ci < c.n) {
		if (!failed && si == s.n)
			failed = true;
		if (c.s[ci] == '[') {
			if (match_class(c, &ci, s, &si, &failed) < 0)
				return -1;
			continue;
		}
		if (c.s[ci] == '?') {
			if (!failed) {
				uint32_t r;
				failed = s.s[si] == '/';
				si += go_decode_rune(s.s + si, s.n - si, &r);
			}
			ci++;
			continue;
		}
		if (c.s[ci] == '\\' && ++ci == c.n)
			return -1;
		if (!failed && c.s[ci] != s.s[si++])
			failed = true;
		ci++;
	}
	if (failed)
		return 0;
	*rest = si;
	return 1;
}

/* Go's scanChunk: skips leading stars, then returns the chunk up to the next
 * unbracketed '*'; p is advanced past the chunk. */
static struct span scan_chunk(struct span *p, bool *star)
{
	struct span c;
	bool inrange = false;
	size_t i;
	*star = false;
	while (p->n > 0 && p->s[0] == '*') {
		p->s++;
		p->n--;
		*star = true;
	}
	for (i = 0; i < p->n; i++) {
		char ch = p->s[i];
		if (ch == '\\') {
			if (i + 1 < p->n)
				i++;
		} else if (ch == '[') {
			inrange = true;
		} else if (ch == ']') {
			inrange = false;
		} else if (ch == '*' && !inrange) {
			break;
		}
	}
	c.s = p->s;
	c.n = i;
	p->s += i;
	p->n -= i;
	return c;
}

/* After a star: tries the chunk at each later offset of s that does not
 * skip a '/'. 1 and s advanced on success, 0 on none, -1 when malformed. */
static int match_after_star(struct span c, struct span *s, bool last)
{
	for (size_t i = 0; i < s->n && s->s[i] != '/'; i++) {
		struct span t = {s->s + i + 1, s->n - i - 1};
		size_t used;
		int ok = match_chunk(c, t, &used);
		if (ok < 0)
			return -1;
		if (ok == 0 || (last && used < t.n))
			continue;
		s->s = t.s + used;
		s->n = t.n - used;
		return 1;
	}
	return 0;
}

/* 1 match, 0 no match, -1 malformed pattern. */
static int path_match(struct span p, struct span s)
{
	while (p.n > 0) {
		bool star;
		size_t used;
		struct span c = scan_chunk(&p, &star);
		if (star && c.n == 0)
			return memchr(s.s, '/', s.n) == NULL;
		int ok = match_chunk(c, s, &used);
		if (ok > 0 && (used == s.n || p.n > 0)) {
			s.s += used;
			s.n -= used;
			continue;
		}
		if (ok < 0)
			return -1;
		if (star) {
			ok = match_after_star(c, &s, p.n == 0);
			if (ok < 0)
				return -1;
			if (ok > 0)
				continue;
		}
		return 0; /* as filepath.Match: the rest of the pattern is not
			     checked */
	}
	return s.n == 0;
}

bool go_path_match(const char *pattern, const char *name, bool *bad_pattern)
{
	struct span p = {pattern, strlen(pattern)};
	struct span s = {name, strlen(name)};
	int r = path_match(p, s);
	if (bad_pattern)
		*bad_pattern = r < 0;
	return r > 0;
}
