/* harness: shared pieces of the conformance runner over ../shared/conformance.
 * Each suite adds to a tally and prints one FAIL line per failed vector. */
#ifndef KILN_HARNESS_H
#define KILN_HARNESS_H

#include <stdbool.h>
#include <stddef.h>

struct tally {
	int passed;
	int failed;
};

/* Counts one vector; on failure prints "FAIL <suite>: <what>". */
void tally_check(struct tally *t, bool ok, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Reads a whole file; NULL when it cannot be read. len may be NULL. */
char *read_whole_file(const char *path, size_t *len);

/* The suites; root is the conformance directory. */
void suite_parser(const char *root, struct tally *t);
void suite_heredoc(const char *root, struct tally *t);
void suite_shell(const char *root, struct tally *t);
void suite_real_dockerfiles(const char *root, struct tally *t);
void suite_dockerignore(const char *root, struct tally *t);

#endif
