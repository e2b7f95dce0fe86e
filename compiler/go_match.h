/* go_match: the pieces of Go's standard library whose exact rules kiln must
 * reproduce for .dockerignore and COPY wildcards: utf8.DecodeRune,
 * strings.TrimSpace, filepath.Clean and filepath.Match (Unix flavour). */
#ifndef KILN_GO_MATCH_H
#define KILN_GO_MATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GO_RUNE_ERROR 0xFFFDu

/* utf8.DecodeRune: decodes the rune at s (len > 0) into *r and returns its
 * width; an invalid or truncated sequence yields GO_RUNE_ERROR, width 1. */
size_t go_decode_rune(const char *s, size_t len, uint32_t *r);

/* strings.TrimSpace on the byte range (*s, *len), narrowed in place. */
void go_trim_space(const char **s, size_t *len);

/* filepath.Clean with '/' separators; the result is malloc'd. */
char *go_path_clean(const char *path, size_t len);

/* filepath.Match on Unix: '*' and '?' never match '/', '[...]' classes
 * with '^' negation and ranges, '\' escapes. On a malformed pattern
 * (Go's ErrBadPattern) returns false and sets *bad_pattern when non-NULL;
 * otherwise clears it. As in Go, only the chunks matching reached are
 * checked ("a*[" against "." is a mismatch). O(len(pattern) * len(name)). */
bool go_path_match(const char *pattern, const char *name, bool *bad_pattern);

#endif
