/* dockerignore: Docker's .dockerignore rules as moby/patternmatcher v0.6.1
 * and its ignorefile.ReadAll implement them: reading the file, compiling
 * each pattern (exact, prefix, suffix or Go regexp) and matching a path or
 * any of its parent directories, the last applicable pattern winning. */
#ifndef KILN_DOCKERIGNORE_H
#define KILN_DOCKERIGNORE_H

#include <stdbool.h>
#include <stddef.h>

#include "../oci/kerr.h"
#include "../oci/strlist.h"

/* How a pattern is matched (patternmatcher's matchType). */
enum dockerignore_kind {
	DOCKERIGNORE_EXACT = 1, /* path == pattern */
	DOCKERIGNORE_PREFIX,	/* "dir/" then "**": path starts with "dir/" */
	DOCKERIGNORE_SUFFIX,	/* "**" then "x": path ends with "x" */
	DOCKERIGNORE_REGEXP, /* anchored Go regexp, see dockerignore_regexp */
};

struct dockerignore;

/* ignorefile.ReadAll: appends the patterns of a .dockerignore file held in
 * buf (BOM, '#' comments, TrimSpace, '!', Clean, leading '/' dropped).
 * Returns 0, or -1 with err set (a line of 64 KiB or more, as Go's
 * bufio.Scanner; a NUL byte in a pattern). On error, patterns may hold
 * what was read so far; the caller clears it either way. */
int dockerignore_read(const char *buf, size_t len, struct strlist *patterns,
		      struct kerr *err);

/* patternmatcher.New: NULL with err set (KERR_USAGE, one line naming the
 * pattern) on a lone "!" or a pattern filepath.Match rejects. A pattern
 * whose Go regexp does not compile is accepted here; as in Go, it is an
 * error only when matching reaches it (see dockerignore_matches). */
struct dockerignore *dockerignore_new(const struct strlist *patterns,
				      struct kerr *err);

/* MatchesOrParentMatches, with path used as given ('/'-separated, relative
 * to the context). Sets *matched; returns 0, or -1 with err set when a
 * pattern whose regexp is invalid is evaluated (Go's ErrBadPattern). */
int dockerignore_matches(const struct dockerignore *d, const char *path,
			 bool *matched, struct kerr *err);

/* dockerignore_matches without the error: a pattern with an invalid
 * regexp never hits. */
bool dockerignore_match(const struct dockerignore *d, const char *path);

/* The compiled patterns, in order (empty ones were dropped). */
size_t dockerignore_count(const struct dockerignore *d);
/* The cleaned pattern, without its '!'. */
const char *dockerignore_pattern(const struct dockerignore *d, size_t i);
bool dockerignore_exclusion(const struct dockerignore *d, size_t i);
enum dockerignore_kind dockerignore_kind(const struct dockerignore *d,
					 size_t i);
/* Go regexp text for a DOCKERIGNORE_REGEXP pattern, e.g. "^[^/]*\.go$";
 * NULL for the other kinds. */
const char *dockerignore_regexp(const struct dockerignore *d, size_t i);
/* Why that regexp does not compile, or NULL when it does. */
const char *dockerignore_regexp_error(const struct dockerignore *d, size_t i);

void dockerignore_free(struct dockerignore *d);

#endif
