/* go_quote: Go's strconv.Quote, which BuildKit's parser dump uses for every
 * argument, so that kiln's dump matches its test results byte for byte. */
#include <locale.h>
#include <stdint.h>
#include <wctype.h>

#include "df_ast.h"
#include "go_match.h"

/* Go's unicode.IsPrint: letters, marks, numbers, punctuation, symbols and
 * U+0020; glibc's C.UTF-8 tables stand in for Go's. */
static int is_print(uint32_t r)
{
	static locale_t loc;
	if (r == ' ')
		return 1;
	if (r < 0x80)
		return r > 0x20 && r < 0x7f;
	if (!loc)
		loc = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
	if (!loc)
		return 0;
	return iswgraph_l((wint_t)r, loc) && !iswspace_l((wint_t)r, loc) &&
	       !(r >= 0x200b && r <= 0x200f) && r != 0xfeff && r != 0xad;
}

static void quote_rune(struct strbuf *out, uint32_t r)
{
	static const char esc[] = "abtnvfr";
	if (r == '"' || r == '\\') {
		sb_addc(out, '\\');
		sb_addc(out, (char)r);
	} else if (r >= 7 && r <= 13) {
		sb_addc(out, '\\');
		sb_addc(out, esc[r - 7]);
	} else if (r < 0x20 || r == 0x7f) {
		sb_addf(out, "\\x%02x", r);
	} else if (r < 0x10000) {
		sb_addf(out, "\\u%04x", r);
	} else {
		sb_addf(out, "\\U%08x", r);
	}
}

void go_quote(struct strbuf *out, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	sb_addc(out, '"');
	for (size_t i = 0; i < len;) {
		uint32_t r;
		size_t n = go_decode_rune(s + i, len - i, &r);
		if (r == GO_RUNE_ERROR && n == 1) {
			sb_addf(out, "\\x%02x", p[i]);
			i++;
			continue;
		}
		if (is_print(r) && r != '"' && r != '\\')
			sb_add(out, p + i, n);
		else
			quote_rune(out, r);
		i += n;
	}
	sb_addc(out, '"');
}
