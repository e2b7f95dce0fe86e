/* dockerignore: .dockerignore reading, compiling and matching, transcribed
 * from moby/patternmatcher v0.6.1 (patternmatcher.go) and its ignorefile.
 *
 * A pattern with wildcards compiles, as in Go, to regexp text ("^...$");
 * kiln then parses that text with the subset of Go's regexp syntax the
 * translation can produce (literals, classes, \-escapes, (.*\/)?, repeats,
 * '|', anchors, \b) and matches it with a position-set scan that costs
 * O(items * runes), never backtracking. Go quirks kept on purpose:
 *  - only ".+()$" get escaped (Go's escapeBytes table cannot hold the bits
 *    for '|', '{', '}'), so "a|b*" is an alternation and "x{2}" a repeat;
 *  - '[' ... ']' pass through as Go regexp classes ([[:alpha:]], ranges
 *    checked lo <= hi), so a regexp error is only reported when matching
 *    reaches the pattern;
 *  - text/scanner skips a leading BOM and turns bad UTF-8 into U+FFFD.
 * Not supported (reported as a bad pattern): \p{...} Unicode classes, and
 * a repeat of a repeated rune set whose counts leave gaps, as in
 * "a{2}\Q\E{2,3}" (only an empty \Q\E can put a repeat on a repeat). */
#include "dockerignore.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../oci/strbuf.h"
#include "go_match.h"

enum re_op {
	RE_SET,
	RE_GROUP,
	RE_BEGIN,
	RE_END,
	RE_WORDB,
	RE_NWORDB,
	RE_NOP,
	RE_BAR
};

/* A set of runes: ranges, optionally negated. */
struct rune_set {
	uint32_t (*r)[2];
	size_t n, alloc;
	bool negate;
};

/* One regexp item: a rune set repeated min..max times (max -1: no bound),
 * the group (.*\/)?, an assertion, or a '|' between branches. */
struct re_item {
	enum re_op op;
	struct rune_set set;
	int min, max;
	int *lev; /* counted repeats applied, innermost first, for Go's limit */
	size_t nlev;
};

struct di_pat {
	char *text; /* cleaned, without the '!' */
	size_t len;
	bool exclusion;
	enum dockerignore_kind kind;
	char *regexp;	  /* Go regexp text, DOCKERIGNORE_REGEXP only */
	char *regexp_err; /* why it does not compile, or NULL */
	struct re_item *items;
	size_t nitems;
};

struct dockerignore {
	struct di_pat *pats;
	size_t n, alloc;
};

/* ---- ignorefile.ReadAll ------------------------------------------------ */

#define SCANNER_MAX_LINE 65536 /* bufio.MaxScanTokenSize */

/* Handles one line (CR and first-line BOM already dropped). */
static int read_line(const char *s, size_t n, size_t lineno,
		     struct strlist *out, struct kerr *err)
{
	struct strbuf sb = STRBUF_INIT;
	if (n > 0 && s[0] == '#')
		return 0;
	go_trim_space(&s, &n);
	if (n == 0)
		return 0;
	if (memchr(s, '\0', n))
		return kerr_set(err, KERR_USAGE,
				".dockerignore line %zu: NUL byte in pattern",
				lineno);
	if (s[0] == '!') {
		sb_addc(&sb, '!');
		s++;
		n--;
		go_trim_space(&s, &n);
	}
	if (n > 0) {
		char *clean = go_path_clean(s, n);
		sb_adds(&sb, clean + (clean[0] == '/' && clean[1] != '\0'));
		free(clean);
	}
	strlist_push_owned(out, sb_detach(&sb, NULL));
	return 0;
}

int dockerignore_read(const char *buf, size_t len, struct strlist *patterns,
		      struct kerr *err)
{
	size_t pos = 0, lineno = 0;
	while (pos < len) {
		const char *s = buf + pos;
		const char *nl = memchr(s, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - s) : len - pos;
		if (n >= SCANNER_MAX_LINE)
			return kerr_set(err, KERR_USAGE,
					"error reading .dockerignore: line "
					"%zu: bufio.Scanner: token too long",
					lineno + 1);
		pos += n + (nl != NULL);
		if (n > 0 && s[n - 1] == '\r')
			n--;
		if (lineno == 0 && n >= 3 && !memcmp(s, "\xEF\xBB\xBF", 3)) {
			s += 3;
			n -= 3;
		}
		if (read_line(s, n, ++lineno, patterns, err) < 0)
			return -1;
	}
	return 0;
}

/* ---- glob to Go regexp text (Pattern.compile) --------------------------- */

#define SCAN_EOF (-1)

/* Go's text/scanner as Pattern.compile uses it: runes, U+FFFD for a bad
 * byte, a BOM skipped at the very start. */
struct go_scan {
	const char *s;
	size_t n, pos;
	int32_t ch; /* -2 before the first Peek */
};

static int32_t scan_raw(struct go_scan *sc)
{
	uint32_t r;
	if (sc->pos >= sc->n)
		return SCAN_EOF;
	sc->pos += go_decode_rune(sc->s + sc->pos, sc->n - sc->pos, &r);
	return (int32_t)r;
}

static int32_t scan_peek(struct go_scan *sc)
{
	if (sc->ch == -2) {
		sc->ch = scan_raw(sc);
		if (sc->ch == 0xFEFF)
			sc->ch = scan_raw(sc);
	}
	return sc->ch;
}

static int32_t scan_next(struct go_scan *sc)
{
	int32_t ch = scan_peek(sc);
	if (ch != SCAN_EOF)
		sc->ch = scan_raw(sc);
	return ch;
}

static void sb_add_rune(struct strbuf *sb, uint32_t r)
{
	char b[4];
	size_t n = r < 0x80 ? 1 : r < 0x800 ? 2 : r < 0x10000 ? 3 : 4;
	static const unsigned char lead[] = {0, 0, 0xc0, 0xe0, 0xf0};
	for (size_t i = n - 1; i > 0; i--, r >>= 6)
		b[i] = (char)(0x80 | (r & 0x3f));
	b[0] = (char)(lead[n] | r);
	sb_add(sb, b, n);
}

/* A '*' was read: "**" (eating one '/') or a single star. */
static enum dockerignore_kind glob_star(struct go_scan *sc, struct strbuf *re,
					enum dockerignore_kind k, bool first)
{
	if (scan_peek(sc) != '*') {
		sb_adds(re, "[^/]*");
		return DOCKERIGNORE_REGEXP;
	}
	scan_next(sc);
	if (scan_peek(sc) == '/')
		scan_next(sc);
	if (scan_peek(sc) != SCAN_EOF) {
		sb_adds(re, "(.*/)?");
		k = DOCKERIGNORE_REGEXP;
	} else if (k == DOCKERIGNORE_EXACT) {
		k = DOCKERIGNORE_PREFIX;
	} else {
		sb_adds(re, ".*");
		k = DOCKERIGNORE_REGEXP;
	}
	return first ? DOCKERIGNORE_SUFFIX : k;
}

/* Writes Go's regexp text for pat into re and returns the match kind. */
static enum dockerignore_kind glob_to_regexp(const char *pat, struct strbuf *re)
{
	struct go_scan sc = {pat, strlen(pat), 0, -2};
	enum dockerignore_kind k = DOCKERIGNORE_EXACT;
	sb_addc(re, '^');
	for (size_t i = 0; scan_peek(&sc) != SCAN_EOF; i++) {
		int32_t ch = scan_next(&sc);
		if (ch == '*') {
			k = glob_star(&sc, re, k, i == 0);
		} else if (ch == '?') {
			sb_adds(re, "[^/]");
			k = DOCKERIGNORE_REGEXP;
		} else if (ch == '.' || ch == '+' || ch == '(' || ch == ')' ||
			   ch == '$') {
			sb_addc(re, '\\');
			sb_addc(re, (char)ch);
		} else if (ch == '\\') {
			sb_addc(re, '\\');
			if (scan_peek(&sc) != SCAN_EOF) {
				sb_add_rune(re, (uint32_t)scan_next(&sc));
				k = DOCKERIGNORE_REGEXP;
			}
		} else {
			if (ch == '[' || ch == ']')
				k = DOCKERIGNORE_REGEXP;
			sb_add_rune(re, (uint32_t)ch);
		}
	}
	if (k == DOCKERIGNORE_REGEXP)
		sb_addc(re, '$');
	return k;
}

/* ---- rune sets ---------------------------------------------------------- */

static void set_add(struct rune_set *set, uint32_t lo, uint32_t hi)
{
	if (set->n == set->alloc) {
		set->alloc = set->alloc ? 2 * set->alloc : 4;
		set->r = xreallocarray(set->r, set->alloc, sizeof(*set->r));
	}
	set->r[set->n][0] = lo;
	set->r[set->n][1] = hi;
	set->n++;
}

static bool set_has(const struct rune_set *set, uint32_t r)
{
	for (size_t i = 0; i < set->n; i++)
		if (set->r[i][0] <= r && r <= set->r[i][1])
			return !set->negate;
	return set->negate;
}

/* Go's ASCII Perl and POSIX classes: name, number of ranges, lo/hi bytes. */
static const struct re_group {
	const char *name;
	size_t n;
	const char *r;
} re_groups[] = {
    {"\\d", 1, "09"},
    {"\\s", 3, "\t\n\f\r  "},
    {"\\w", 4, "09AZ__az"},
    {"[:alnum:]", 3, "09AZaz"},
    {"[:alpha:]", 2, "AZaz"},
    {"[:ascii:]", 1, "\0\x7f"},
    {"[:blank:]", 2, "\t\t  "},
    {"[:cntrl:]", 2, "\0\x1f\x7f\x7f"},
    {"[:digit:]", 1, "09"},
    {"[:graph:]", 1, "!~"},
    {"[:lower:]", 1, "az"},
    {"[:print:]", 1, " ~"},
    {"[:punct:]", 4, "!/:@[`{~"},
    {"[:space:]", 2, "\t\r  "},
    {"[:upper:]", 1, "AZ"},
    {"[:word:]", 4, "09AZ__az"},
    {"[:xdigit:]", 3, "09AFaf"},
};

/* Adds the group named name[0..n) ("\d", "[:alpha:]", negated "\D" or
 * "[:^alpha:]"); -1 when there is no such group. */
static int set_add_group(struct rune_set *set, const char *name, size_t n)
{
	char key[16];
	bool neg = false;
	uint32_t next = 0;
	if (n < 2 || n >= sizeof(key))
		return -1;
	memcpy(key, name, n);
	key[n] = '\0';
	if (key[0] == '\\' && key[1] >= 'A' && key[1] <= 'Z') {
		neg = true;
		key[1] = (char)(key[1] - 'A' + 'a');
	} else if (n > 3 && key[0] == '[' && key[2] == '^') {
		neg = true;
		memmove(key + 2, key + 3, n - 2);
	}
	for (size_t g = 0; g < sizeof(re_groups) / sizeof(re_groups[0]); g++) {
		const struct re_group *gr = &re_groups[g];
		if (strcmp(gr->name, key) != 0)
			continue;
		for (size_t i = 0; i < gr->n; i++) {
			uint32_t lo = (unsigned char)gr->r[2 * i],
				 hi = (unsigned char)gr->r[2 * i + 1];
			if (!neg)
				set_add(set, lo, hi);
			else if (lo > next)
				set_add(set, next, lo - 1);
			next = hi + 1;
		}
		if (neg)
			set_add(set, next, 0x10ffff);
		return 0;
	}
	return -1;
}

/* ---- Go regexp syntax, the subset Pattern.compile can produce ------------ */

struct re_parse {
	const char *s;
	size_t i, n;
	struct re_item *items;
	size_t nitems, alloc;
	bool last_repeat; /* the previous token was a repeat operator */
	const char *err;
};

static int re_fail(struct re_parse *ps, const char *msg)
{
	if (!ps->err)
		ps->err = msg;
	return -1;
}

static struct re_item *re_push(struct re_parse *ps, enum re_op op)
{
	struct re_item *it;
	if (ps->nitems == ps->alloc) {
		ps->alloc = ps->alloc ? 2 * ps->alloc : 8;
		ps->items =
		    xreallocarray(ps->items, ps->alloc, sizeof(*ps->items));
	}
	it = &ps->items[ps->nitems++];
	memset(it, 0, sizeof(*it));
	it->op = op;
	it->min = it->max = 1;
	return it;
}

static void re_literal(struct re_parse *ps, uint32_t r)
{
	set_add(&re_push(ps, RE_SET)->set, r, r);
}

/* Decodes the rune at s[*i]; bad UTF-8 is an error, as in Go's parser. */
static int re_rune(struct re_parse *ps, size_t *i, uint32_t *r)
{
	size_t w = go_decode_rune(ps->s + *i, ps->n - *i, r);
	if (*r == GO_RUNE_ERROR && w == 1)
		return re_fail(ps, "invalid UTF-8");
	*i += w;
	return 0;
}

static int unhex(uint32_t c)
{
	if (c >= '0' && c <= '9')
		return (int)(c - '0');
	if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
		return (int)((c | 0x20) - 'a' + 10);
	return -1;
}

static bool is_octal(const struct re_parse *ps, size_t i)
{
	return i < ps->n && ps->s[i] >= '0' && ps->s[i] <= '7';
}

/* \x.. escapes: *i is just past the 'x'. */
static int re_hex(struct re_parse *ps, size_t *i, uint32_t *r)
{
	uint32_t c, v = 0;
	int x, nhex = 0;
	if (*i == ps->n || re_rune(ps, i, &c) < 0)
		return re_fail(ps, "invalid escape sequence");
	if (c != '{') {
		x = unhex(c);
		if (*i == ps->n || re_rune(ps, i, &c) < 0 || x < 0 ||
		    unhex(c) < 0)
			return re_fail(ps, "invalid escape sequence");
		*r = (uint32_t)(x * 16 + unhex(c));
		return 0;
	}
	for (;;) {
		if (*i == ps->n || re_rune(ps, i, &c) < 0)
			return re_fail(ps, "invalid escape sequence");
		if (c == '}')
			break;
		if (unhex(c) < 0 ||
		    (v = v * 16 + (uint32_t)unhex(c)) > 0x10ffff)
			return re_fail(ps, "invalid escape sequence");
		nhex++;
	}
	*r = v;
	return nhex ? 0 : re_fail(ps, "invalid escape sequence");
}

/* Go's parseEscape: *i is at the '\'. */
static int re_escape(struct re_parse *ps, size_t *i, uint32_t *r)
{
	static const char cesc[] = "a\af\fn\nr\rt\tv\v";
	uint32_t c;
	if (++*i == ps->n)
		return re_fail(ps, "trailing backslash at end of expression");
	if (re_rune(ps, i, &c) < 0)
		return -1;
	if (c < 0x80 && !((c | 0x20) >= 'a' && (c | 0x20) <= 'z') &&
	    !(c >= '0' && c <= '9')) {
		*r = c;
		return 0;
	}
	if (c >= '1' && c <= '7' && !is_octal(ps, *i))
		return re_fail(ps,
			       "invalid escape sequence"); /* a backreference */
	if (c >= '0' && c <= '7') {
		*r = c - '0';
		for (int k = 1; k < 3 && is_octal(ps, *i); k++)
			*r = *r * 8 + (uint32_t)(ps->s[(*i)++] - '0');
		return 0;
	}
	if (c == 'x')
		return re_hex(ps, i, r);
	for (size_t k = 0; k < sizeof(cesc) - 1; k += 2)
		if (c == (uint32_t)cesc[k]) {
			*r = (uint32_t)cesc[k + 1];
			return 0;
		}
	return re_fail(ps, "invalid escape sequence");
}

static bool is_perl_class(char c)
{
	return c && strchr("dDsSwW", c);
}

/* One character of a class, maybe escaped. */
static int re_class_char(struct re_parse *ps, size_t *i, uint32_t *r)
{
	if (*i == ps->n)
		return re_fail(ps, "missing closing ]");
	if (ps->s[*i] == '\\')
		return re_escape(ps, i, r);
	return re_rune(ps, i, r);
}

/* One element of a class: [:name:], \d-style group, a rune or a range. */
static int re_class_item(struct re_parse *ps, size_t *i, struct rune_set *set)
{
	const char *t = ps->s + *i;
	size_t left = ps->n - *i;
	uint32_t lo, hi;
	if (left > 2 && t[0] == '[' && t[1] == ':') {
		const char *end = memmem(t + 2, left - 2, ":]", 2);
		if (end) {
			*i += (size_t)(end - t) + 2;
			if (set_add_group(set, t, (size_t)(end - t) + 2) < 0)
				return re_fail(ps,
					       "invalid character class range");
			return 0;
		}
	}
	if (left >= 2 && t[0] == '\\' && (t[1] == 'p' || t[1] == 'P'))
		return re_fail(ps, "Unicode classes (\\p) are not supported");
	if (left >= 2 && t[0] == '\\' && is_perl_class(t[1])) {
		*i += 2;
		return set_add_group(set, t, 2);
	}
	if (re_class_char(ps, i, &lo) < 0)
		return -1;
	hi = lo;
	if (ps->n - *i >= 2 && ps->s[*i] == '-' && ps->s[*i + 1] != ']') {
		++*i;
		if (re_class_char(ps, i, &hi) < 0)
			return -1;
		if (hi < lo)
			return re_fail(ps, "invalid character class range");
	}
	set_add(set, lo, hi);
	return 0;
}

/* Go's parseClass: ps->i is at the '['. */
static int re_class(struct re_parse *ps)
{
	struct rune_set set = {NULL, 0, 0, false};
	size_t i = ps->i + 1;
	bool first = true;
	if (i < ps->n && ps->s[i] == '^') {
		set.negate = true;
		i++;
	}
	while (i == ps->n || ps->s[i] != ']' || first) {
		first = false;
		if (re_class_item(ps, &i, &set) < 0) {
			free(set.r);
			return -1;
		}
	}
	ps->i = i + 1;
	re_push(ps, RE_SET)->set = set;
	return 0;
}

/* Go's repeatIsValid: nested counted repeats may not ask for more than
 * 1000 copies of the innermost item. lev holds -1 for a {0} level. */
static bool repeat_valid(const struct re_item *it, int min, int max)
{
	int n = 1000, m = max < 0 ? min : max;
	if (max == 0)
		return true;
	if (m > n)
		return false;
	if (m > 0)
		n /= m;
	for (size_t i = it->nlev; i-- > 0;) {
		if (it->lev[i] < 0)
			return true;
		if (it->lev[i] > n)
			return false;
		if (it->lev[i] > 0)
			n /= it->lev[i];
	}
	return true;
}

/* (x{a,b}){c,d} as one count range lo..hi, when the counts it allows are
 * contiguous (always so for a first repeat, where a = b = 1). */
static bool nest_counts(int a, int b, int c, int d, int *lo, int *hi)
{
	if (d == 0 || b == 0) {
		*lo = *hi = 0;
		return true;
	}
	if (b < 0 && c == 0 && a > 1)
		return false;
	for (int k = c; b >= 0 && k <= (d < 0 ? c : d - 1); k++)
		if ((long)(k + 1) * a > (long)k * b + 1)
			return false;
	*lo = c * a;
	*hi = b < 0 || d < 0 ? -1 : d * b;
	return true;
}

/* Applies a repeat operator (counted: {n,m}) to the previous item. */
static int re_repeat(struct re_parse *ps, int min, int max, bool counted)
{
	struct re_item *it = ps->nitems ? &ps->items[ps->nitems - 1] : NULL;
	if (ps->last_repeat)
		return re_fail(ps, "invalid nested repetition operator");
	if (!it || it->op == RE_BAR)
		return re_fail(ps, "missing argument to repetition operator");
	if (counted && (min >= 2 || max >= 2) && !repeat_valid(it, min, max))
		return re_fail(ps, "invalid repeat count");
	if (ps->i < ps->n && ps->s[ps->i] == '?')
		ps->i++; /* non-greedy: the same set of matches */
	if (counted) {
		it->lev =
		    xreallocarray(it->lev, it->nlev + 1, sizeof(*it->lev));
		it->lev[it->nlev++] = max == 0 ? -1 : max < 0 ? min : max;
	}
	if (it->op == RE_SET &&
	    !nest_counts(it->min, it->max, min, max, &min, &max))
		return re_fail(
		    ps,
		    "nested repeat with gaps (via \\Q\\E) is not supported");
	if (it->op == RE_SET) {
		it->min = min;
		it->max = max;
	} else if (it->op == RE_GROUP ? max == 0 : min == 0) {
		it->op = RE_NOP; /* zero-width or empty: repeats change nothing
				    else */
	}
	return 0;
}

/* Go's parseInt: digits without a leading zero; -1 when too big. */
static bool re_int(struct re_parse *ps, size_t *i, int *v)
{
	size_t start = *i;
	if (*i == ps->n || ps->s[*i] < '0' || ps->s[*i] > '9')
		return false;
	if (ps->n - *i >= 2 && ps->s[*i] == '0' && ps->s[*i + 1] >= '0' &&
	    ps->s[*i + 1] <= '9')
		return false;
	for (*v = 0; *i < ps->n && ps->s[*i] >= '0' && ps->s[*i] <= '9'; ++*i)
		if (*v >= 0)
			*v = *v >= 100000000 ? -1 : *v * 10 + (ps->s[*i] - '0');
	return *i > start;
}

/* "{n}", "{n,}" or "{n,m}" at ps->i is a repeat; otherwise '{' is literal. */
static int re_brace(struct re_parse *ps, bool *repeat)
{
	size_t i = ps->i + 1;
	int min = 0, max = 0;
	bool ok = re_int(ps, &i, &min) && i < ps->n;
	if (ok && ps->s[i] != ',') {
		max = min;
	} else if (ok && ++i < ps->n && ps->s[i] == '}') {
		max = -1;
	} else if (ok && (ok = re_int(ps, &i, &max)) && max < 0) {
		min = -1;
	}
	if (!ok || i >= ps->n || ps->s[i] != '}') {
		re_literal(ps, '{');
		ps->i++;
		return 0;
	}
	if (min < 0 || min > 1000 || max > 1000 || (max >= 0 && min > max))
		return re_fail(ps, "invalid repeat count");
	ps->i = i + 1;
	*repeat = true;
	return re_repeat(ps, min, max, true);
}

/* \Q...\E: everything up to \E (or the end) is literal. */
static int re_quote(struct re_parse *ps)
{
	size_t i = ps->i + 2;
	const char *e = memmem(ps->s + i, ps->n - i, "\\E", 2);
	size_t end = e ? (size_t)(e - ps->s) : ps->n;
	uint32_t r;
	while (i < end) {
		if (re_rune(ps, &i, &r) < 0)
			return -1;
		re_literal(ps, r);
	}
	ps->i = e ? end + 2 : end;
	return 0;
}

static int re_backslash(struct re_parse *ps)
{
	static const char ops[] = "AbBz";
	static const enum re_op op[] = {RE_BEGIN, RE_WORDB, RE_NWORDB, RE_END};
	char c = ps->i + 1 < ps->n ? ps->s[ps->i + 1] : '\0';
	uint32_t r;
	if (c && strchr(ops, c)) {
		re_push(ps, op[strchr(ops, c) - ops]);
		ps->i += 2;
		return 0;
	}
	if (c == 'Q')
		return re_quote(ps);
	if (c == 'C')
		return re_fail(ps, "invalid escape sequence");
	if (c == 'p' || c == 'P')
		return re_fail(ps, "Unicode classes (\\p) are not supported");
	if (is_perl_class(c)) {
		set_add_group(&re_push(ps, RE_SET)->set, ps->s + ps->i, 2);
		ps->i += 2;
		return 0;
	}
	if (re_escape(ps, &ps->i, &r) < 0)
		return -1;
	re_literal(ps, r);
	return 0;
}

/* One token at ps->i; *repeat tells whether it was a repeat operator. */
static int re_token(struct re_parse *ps, bool *repeat)
{
	static const enum re_op simple[] = {
	    ['|'] = RE_BAR, ['^'] = RE_BEGIN, ['$'] = RE_END};
	char c = ps->s[ps->i];
	uint32_t r;
	if (c == '|' || c == '^' || c == '$') {
		re_push(ps, simple[(unsigned char)c]);
		ps->i++;
		return 0;
	}
	if (c == '.') {
		struct re_item *it = re_push(ps, RE_SET);
		set_add(&it->set, '\n', '\n');
		it->set.negate = true;
		ps->i++;
		return 0;
	}
	if (c == '(') { /* only Pattern.compile's own (.*\/)? */
		if (ps->n - ps->i < 6 ||
		    memcmp(ps->s + ps->i, "(.*/)?", 6) != 0)
			return re_fail(ps, "unsupported group");
		re_push(ps, RE_GROUP)->min = 0;
		ps->i += 6;
		*repeat = true;
		return 0;
	}
	if (c == ')')
		return re_fail(ps, "unexpected )");
	if (c == '*' || c == '+' || c == '?') {
		ps->i++;
		*repeat = true;
		return re_repeat(ps, c == '+', c == '?' ? 1 : -1, false);
	}
	if (c == '{')
		return re_brace(ps, repeat);
	if (c == '[')
		return re_class(ps);
	if (c == '\\')
		return re_backslash(ps);
	if (re_rune(ps, &ps->i, &r) < 0)
		return -1;
	re_literal(ps, r);
	return 0;
}

static void items_free(struct re_item *items, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(items[i].set.r);
		free(items[i].lev);
	}
	free(items);
}

/* Parses p->regexp into p->items, or sets p->regexp_err. */
static void re_compile(struct di_pat *p)
{
	struct re_parse ps = {p->regexp, 0,   strlen(p->regexp), NULL, 0, 0,
			      false,	 NULL};
	while (ps.i < ps.n) {
		bool repeat = false;
		if (re_token(&ps, &repeat) < 0)
			break;
		ps.last_repeat = repeat;
	}
	if (ps.err) {
		items_free(ps.items, ps.nitems);
		p->regexp_err = xstrdup(ps.err);
		return;
	}
	p->items = ps.items;
	p->nitems = ps.nitems;
}

/* ---- matching the items: sets of reachable positions --------------------- */

/* A decoded text and the scratch rows of one scan. */
struct re_text {
	uint32_t *r;
	size_t m; /* runes */
	bool *a, *b;
	size_t *cnt;
};

static void text_init(struct re_text *x, const char *s, size_t n)
{
	x->r = xreallocarray(NULL, n + 1, sizeof(*x->r));
	x->a = xmalloc(n + 1);
	x->b = xmalloc(n + 1);
	x->cnt = xreallocarray(NULL, n + 2, sizeof(*x->cnt));
	x->m = 0;
	for (size_t i = 0; i < n; x->m++)
		i += go_decode_rune(s + i, n - i, &x->r[x->m]);
}

static void text_release(struct re_text *x)
{
	free(x->r);
	free(x->a);
	free(x->b);
	free(x->cnt);
}

/* A rune set repeated min..max times: from a reachable p, every q such
 * that runes p..q-1 are all in the set and min <= q-p <= max. */
static void step_set(const struct re_item *it, struct re_text *x,
		     const bool *cur, bool *next)
{
	size_t run = 0, min = (size_t)it->min;
	x->cnt[0] = 0;
	for (size_t j = 0; j <= x->m; j++)
		x->cnt[j + 1] = x->cnt[j] + cur[j];
	for (size_t j = 0; j <= x->m; j++) {
		size_t lo;
		if (j > 0 && !set_has(&it->set, x->r[j - 1]))
			run = j;
		next[j] = false;
		if (j < min)
			continue;
		lo = run;
		if (it->max >= 0 && j >= (size_t)it->max &&
		    j - (size_t)it->max > lo)
			lo = j - (size_t)it->max;
		next[j] = lo <= j - min && x->cnt[j - min + 1] > x->cnt[lo];
	}
}

/* (.*\/)?: stay, or skip runes without '\n' up to and including a '/'. */
static void step_group(const struct re_text *x, const bool *cur, bool *next)
{
	bool open = false; /* some reachable p with no '\n' in p..j-1 */
	for (size_t j = 0; j <= x->m; j++) {
		bool slash = j > 0 && x->r[j - 1] == '/';
		next[j] = cur[j] || (slash && open);
		open = (cur[j] || open) && j < x->m && x->r[j] != '\n';
	}
}

static bool is_word(const struct re_text *x, size_t j)
{
	uint32_t c = j < x->m ? x->r[j] : 0;
	return c == '_' || (c >= '0' && c <= '9') ||
	       ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

static bool assert_holds(enum re_op op, const struct re_text *x, size_t j)
{
	bool wb = (j > 0 && is_word(x, j - 1)) != is_word(x, j);
	switch (op) {
	case RE_BEGIN:
		return j == 0;
	case RE_END:
		return j == x->m;
	case RE_WORDB:
		return wb;
	case RE_NWORDB:
		return !wb;
	default:
		return true;
	}
}

/* Runs items[lo, hi) from every start; returns the row of end positions. */
static const bool *run_branch(const struct di_pat *p, size_t lo, size_t hi,
			      struct re_text *x)
{
	bool *cur = x->a, *next = x->b, *tmp;
	memset(cur, 1, x->m + 1);
	for (size_t k = lo; k < hi; k++) {
		const struct re_item *it = &p->items[k];
		if (it->op == RE_SET)
			step_set(it, x, cur, next);
		else if (it->op == RE_GROUP)
			step_group(x, cur, next);
		else
			for (size_t j = 0; j <= x->m; j++)
				next[j] = cur[j] && assert_holds(it->op, x, j);
		tmp = cur;
		cur = next;
		next = tmp;
	}
	return cur;
}

static size_t branch_end(const struct di_pat *p, size_t lo)
{
	while (lo < p->nitems && p->items[lo].op != RE_BAR)
		lo++;
	return lo;
}

/* regexp.MatchString on s[0..n). */
static bool re_match(const struct di_pat *p, const char *s, size_t n)
{
	struct re_text x;
	bool hit = false;
	text_init(&x, s, n);
	for (size_t lo = 0, hi; lo <= p->nitems && !hit; lo = hi + 1) {
		const bool *end = run_branch(p, lo, hi = branch_end(p, lo), &x);
		for (size_t j = 0; j <= x.m && !hit; j++)
			hit = end[j];
	}
	text_release(&x);
	return hit;
}

/* Whether items[lo, hi) all match the empty string at j taken as the end
 * of the text: what must follow a \z (or the final '$'). */
static bool tail_empty(const struct di_pat *p, size_t lo, size_t hi,
		       const struct re_text *x, size_t j)
{
	for (size_t k = lo; k < hi; k++) {
		const struct re_item *it = &p->items[k];
		if (it->op == RE_SET
			? it->min > 0
			: it->op != RE_END && !assert_holds(it->op, x, j))
			return false;
	}
	return true;
}

/* Whether the regexp matches some prefix of s that ends before a '/' or at
 * the end, in one scan of s. Until a branch's first end-of-text item, the
 * reachable positions up to a prefix end k are the same in the prefix as
 * in s (at k, both see a non-word rune next); from that item on, the prefix
 * must end at k and the rest of the branch match empty there. */
static bool re_match_prefixes(const struct di_pat *p, const char *s, size_t n)
{
	struct re_text x;
	bool hit = false;
	text_init(&x, s, n);
	for (size_t lo = 0, hi; lo <= p->nitems && !hit; lo = hi + 1) {
		size_t e = lo;
		hi = branch_end(p, lo);
		while (e < hi && p->items[e].op != RE_END)
			e++;
		const bool *end = run_branch(p, lo, e, &x);
		for (size_t j = 0; j <= x.m && !hit; j++)
			hit = end[j] &&
			      (e == hi || ((j == x.m || x.r[j] == '/') &&
					   tail_empty(p, e + 1, hi, &x, j)));
	}
	text_release(&x);
	return hit;
}

/* ---- patterns ------------------------------------------------------------ */

/* Pattern.match on s[0..n). */
static bool pat_hit(const struct di_pat *p, const char *s, size_t n)
{
	const char *suf;
	size_t sl;
	switch (p->kind) {
	case DOCKERIGNORE_EXACT:
		return n == p->len && !memcmp(s, p->text, n);
	case DOCKERIGNORE_PREFIX: /* "x**": at least two bytes */
		return n >= p->len - 2 && !memcmp(s, p->text, p->len - 2);
	case DOCKERIGNORE_SUFFIX: /* "**x" */
		suf = p->text + 2;
		sl = p->len - 2;
		if (n >= sl && !memcmp(s + n - sl, suf, sl))
			return true;
		return sl > 0 && suf[0] == '/' && n == sl - 1 &&
		       !memcmp(s, suf + 1, n);
	default:
		return re_match(p, s, n);
	}
}

/* Whether p hits a parent: each prefix of the cleaned parent dir par that
 * ends before a '/' or at its end ("a", "a/b", ...). */
static bool pat_hit_parents(const struct di_pat *p, const char *par, size_t n)
{
	if (p->kind == DOCKERIGNORE_REGEXP)
		return re_match_prefixes(p, par, n);
	for (size_t k = 0; k <= n; k++)
		if ((k == n || par[k] == '/') && pat_hit(p, par, k))
			return true;
	return false;
}

static void sb_quote(struct strbuf *sb, const char *s, size_t n)
{
	sb_addc(sb, '"');
	for (size_t i = 0; i < n && i < 256; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\')
			sb_addc(sb, '\\');
		if (c < 0x20 || c == 0x7f)
			sb_addf(sb, "\\x%02x", c);
		else
			sb_addc(sb, (char)c);
	}
	sb_adds(sb, n > 256 ? "\"..." : "\"");
}

static int pattern_error(struct kerr *err, const char *s, size_t n,
			 const char *why)
{
	struct strbuf sb = STRBUF_INIT;
	sb_quote(&sb, s, n);
	kerr_set(err, KERR_USAGE, "bad .dockerignore pattern %s: %s",
		 sb_str(&sb), why);
	sb_release(&sb);
	return -1;
}

static void pat_compile(struct di_pat *p)
{
	struct strbuf re = STRBUF_INIT;
	p->kind = glob_to_regexp(p->text, &re);
	if (p->kind != DOCKERIGNORE_REGEXP) {
		sb_release(&re);
		return;
	}
	p->regexp = sb_detach(&re, NULL);
	re_compile(p);
}

/* New's loop body for one pattern. */
static int add_pattern(struct dockerignore *d, const char *raw,
		       struct kerr *err)
{
	const char *s = raw;
	size_t n = strlen(raw);
	bool bad, excl;
	char *clean;
	go_trim_space(&s, &n);
	if (n == 0)
		return 0;
	clean = go_path_clean(s, n);
	excl = clean[0] == '!';
	if (excl && clean[1] == '\0') {
		free(clean);
		return pattern_error(err, s, n, "illegal exclusion pattern");
	}
	go_path_match(clean + excl, ".", &bad);
	if (bad) {
		free(clean);
		return pattern_error(err, s, n, "syntax error in pattern");
	}
	if (d->n == d->alloc) {
		d->alloc = d->alloc ? 2 * d->alloc : 8;
		d->pats = xreallocarray(d->pats, d->alloc, sizeof(*d->pats));
	}
	struct di_pat *p = memset(&d->pats[d->n++], 0, sizeof(*d->pats));
	p->exclusion = excl;
	p->text = xstrdup(clean + excl);
	p->len = strlen(p->text);
	free(clean);
	pat_compile(p);
	return 0;
}

struct dockerignore *dockerignore_new(const struct strlist *patterns,
				      struct kerr *err)
{
	struct dockerignore *d = xcalloc(1, sizeof(*d));
	for (size_t i = 0; patterns && i < patterns->n; i++) {
		if (add_pattern(d, patterns->v[i], err) < 0) {
			dockerignore_free(d);
			return NULL;
		}
	}
	return d;
}

/* MatchesOrParentMatches; a bad regexp is an error when strict, else a
 * pattern that never hits. */
static int match_path(const struct dockerignore *d, const char *path,
		      bool strict, bool *matched, struct kerr *err)
{
	const char *slash = strrchr(path, '/');
	char *par = go_path_clean(path, slash ? (size_t)(slash - path) + 1 : 0);
	size_t n = strlen(path), pn = strlen(par);
	bool m = false, has_par = strcmp(par, ".") != 0;
	for (size_t i = 0; d && i < d->n; i++) {
		const struct di_pat *p = &d->pats[i];
		if (p->exclusion != m)
			continue;
		if (p->regexp_err && strict) {
			free(par);
			return pattern_error(err, p->text, p->len,
					     "syntax error in pattern");
		}
		if (p->regexp_err)
			continue;
		if (pat_hit(p, path, n) ||
		    (has_par && pat_hit_parents(p, par, pn)))
			m = !p->exclusion;
	}
	free(par);
	*matched = m;
	return 0;
}

int dockerignore_matches(const struct dockerignore *d, const char *path,
			 bool *matched, struct kerr *err)
{
	return match_path(d, path, true, matched, err);
}

bool dockerignore_match(const struct dockerignore *d, const char *path)
{
	bool m = false;
	match_path(d, path, false, &m, NULL);
	return m;
}

size_t dockerignore_count(const struct dockerignore *d)
{
	return d ? d->n : 0;
}

const char *dockerignore_pattern(const struct dockerignore *d, size_t i)
{
	return d->pats[i].text;
}

bool dockerignore_exclusion(const struct dockerignore *d, size_t i)
{
	return d->pats[i].exclusion;
}

enum dockerignore_kind dockerignore_kind(const struct dockerignore *d, size_t i)
{
	return d->pats[i].kind;
}

const char *dockerignore_regexp(const struct dockerignore *d, size_t i)
{
	return d->pats[i].regexp;
}

const char *dockerignore_regexp_error(const struct dockerignore *d, size_t i)
{
	return d->pats[i].regexp_err;
}

void dockerignore_free(struct dockerignore *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->n; i++) {
		free(d->pats[i].text);
		free(d->pats[i].regexp);
		free(d->pats[i].regexp_err);
		items_free(d->pats[i].items, d->pats[i].nitems);
	}
	free(d->pats);
	free(d);
}
