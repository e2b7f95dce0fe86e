/* conformance: runs every public vector under ../shared/conformance against
 * kiln's front end and prints "N passed, N failed"; exit 1 on any failure. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "../../oci/strbuf.h"
#include "harness.h"

void tally_check(struct tally *t, bool ok, const char *fmt, ...)
{
	if (ok) {
		t->passed++;
		return;
	}
	t->failed++;
	va_list ap;
	va_start(ap, fmt);
	fputs("FAIL ", stdout);
	vprintf(fmt, ap);
	putchar('\n');
	va_end(ap);
}

char *read_whole_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	struct strbuf sb = STRBUF_INIT;
	char chunk[8192];
	size_t n;
	if (!f)
		return NULL;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		sb_add(&sb, chunk, n);
	fclose(f);
	return sb_detach(&sb, len);
}

int main(int argc, char **argv)
{
	const char *root = argc > 1 ? argv[1] : "../shared/conformance";
	struct tally t = { 0, 0 };
	suite_parser(root, &t);
	suite_heredoc(root, &t);
	suite_shell(root, &t);
	suite_real_dockerfiles(root, &t);
	suite_dockerignore(root, &t);
	printf("%d passed, %d failed\n", t.passed, t.failed);
	return t.failed ? 1 : 0;
}
