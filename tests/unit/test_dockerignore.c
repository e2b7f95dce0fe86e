/* test_dockerignore: unit tests of .dockerignore reading, compiling and
 * matching (moby/patternmatcher rules) and of go_path_match. */
/* cmocka.h needs these before it, in this order. */
/* clang-format off */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
/* clang-format on */
#include <stdlib.h>
#include <string.h>

#include "../../compiler/dockerignore.h"
#include "../../compiler/go_match.h"
#include "../../oci/strbuf.h"

/* Builds a matcher from a NULL-terminated list; NULL on error. */
static struct dockerignore *build(struct kerr *err, const char *const *pats)
{
	struct strlist l = STRLIST_INIT;
	struct dockerignore *d;
	for (; *pats; pats++)
		strlist_push(&l, *pats);
	d = dockerignore_new(&l, err);
	strlist_clear(&l);
	return d;
}

/* Runs dockerignore_matches; asserts it did not fail. */
static bool hits(const struct dockerignore *d, const char *path)
{
	struct kerr err = KERR_INIT;
	bool m = false;
	assert_int_equal(dockerignore_matches(d, path, &m, &err), 0);
	assert_int_equal(dockerignore_match(d, path), m);
	return m;
}

static void later_bang_pattern_reincludes_file_under_excluded_dir(void **state)
{
	static const char *const pats[] = {"docs", "!docs/README.md", NULL};
	struct kerr err = KERR_INIT;
	struct dockerignore *d = build(&err, pats);
	(void)state;
	assert_non_null(d);
	assert_false(hits(d, "docs/README.md"));
	assert_true(hits(d, "docs/other.md"));
	assert_true(hits(d, "docs/sub/README.md"));
	assert_false(hits(d, "src/main.c"));
	dockerignore_free(d);
}

static void last_applicable_pattern_wins_after_double_star(void **state)
{
	static const char *const pats[] = {"**", "!util/docker/web",
					   "util/docker/web/foo", NULL};
	struct kerr err = KERR_INIT;
	struct dockerignore *d = build(&err, pats);
	(void)state;
	assert_non_null(d);
	assert_true(hits(d, "anything/at/all"));
	assert_false(hits(d, "util/docker/web/bar"));
	assert_true(hits(d, "util/docker/web/foo"));
	assert_true(hits(d, "util/docker/web/foo/deeper"));
	dockerignore_free(d);
}

static void single_star_stays_in_one_dir_but_parents_still_match(void **state)
{
	static const char *const pats[] = {"a/*.txt", "b*", NULL};
	struct kerr err = KERR_INIT;
	struct dockerignore *d = build(&err, pats);
	(void)state;
	assert_true(hits(d, "a/file.txt"));
	assert_false(hits(d, "a/dir/file.txt"));
	assert_true(hits(d, "bin/anything/below")); /* the parent "bin" hits */
	assert_false(hits(d, "x/bin"));
	dockerignore_free(d);
}

static void a_lone_bang_is_an_error(void **state)
{
	static const char *const pats[] = {"ok", "  !  ", NULL};
	struct kerr err = KERR_INIT;
	(void)state;
	assert_null(build(&err, pats));
	assert_int_equal(err.code, KERR_USAGE);
	assert_non_null(strstr(err.msg, "\"!\""));
	assert_null(strchr(err.msg, '\n'));
}

static void
a_malformed_class_is_a_one_line_error_naming_the_pattern(void **state)
{
	static const char *const pats[] = {"good", "[a-b-c]\nx", NULL};
	struct kerr err = KERR_INIT;
	(void)state;
	assert_null(build(&err, pats));
	assert_int_equal(err.code, KERR_USAGE);
	assert_non_null(strstr(err.msg, "[a-b-c]\\x0ax"));
	assert_null(strchr(err.msg, '\n'));
}

static void a_bad_regexp_is_an_error_only_when_matching_reaches_it(void **state)
{
	static const char *const pats[] = {"x", "[Local-Only]/", NULL};
	struct kerr err = KERR_INIT;
	struct dockerignore *d = build(&err, pats);
	bool m = false;
	(void)state;
	assert_non_null(
	    d); /* filepath.Match accepts l-O; Go's regexp does not */
	assert_non_null(dockerignore_regexp_error(d, 1));
	assert_int_equal(dockerignore_matches(d, "x", &m, &err), 0);
	assert_true(m); /* once matched, inclusions are skipped */
	assert_int_equal(dockerignore_matches(d, "y", &m, &err), -1);
	assert_non_null(strstr(err.msg, "[Local-Only]"));
	assert_false(dockerignore_match(d, "y"));
	dockerignore_free(d);
}

static void patterns_compile_to_gos_kinds_and_regexps(void **state)
{
	static const char *const pats[] = {"abc.def",  "dir/**", "**/foo",
					   "**/*.txt", "!a\\*b", NULL};
	struct kerr err = KERR_INIT;
	struct dockerignore *d = build(&err, pats);
	(void)state;
	assert_int_equal(dockerignore_count(d), 5);
	assert_int_equal(dockerignore_kind(d, 0), DOCKERIGNORE_EXACT);
	assert_int_equal(dockerignore_kind(d, 1), DOCKERIGNORE_PREFIX);
	assert_int_equal(dockerignore_kind(d, 2), DOCKERIGNORE_SUFFIX);
	assert_null(dockerignore_regexp(d, 2));
	assert_string_equal(dockerignore_regexp(d, 3), "^(.*/)?[^/]*\\.txt$");
	assert_true(dockerignore_exclusion(d, 4));
	assert_string_equal(dockerignore_pattern(d, 4), "a\\*b");
	assert_string_equal(dockerignore_regexp(d, 4), "^a\\*b$");
	dockerignore_free(d);
}

static void a_pipe_in_a_wildcard_pattern_is_a_go_alternation(void **state)
{
	/* Go's escape table cannot flag '|', so "a|b*" is ^a|b[^/]*$ */
	static const char *const pats[] = {"a|b*", NULL};
	struct kerr err = KERR_INIT;
	struct dockerignore *d = build(&err, pats);
	(void)state;
	assert_string_equal(dockerignore_regexp(d, 0), "^a|b[^/]*$");
	assert_true(hits(d, "apple"));
	assert_true(hits(d, "xb"));
	assert_true(hits(d, "xb/c")); /* its parent "xb" */
	assert_false(hits(d, "c/d"));
	assert_false(hits(d, "zzz"));
	dockerignore_free(d);
}

static void many_stars_against_a_long_path_do_not_blow_up(void **state)
{
	struct strbuf pat = STRBUF_INIT, path = STRBUF_INIT;
	struct strlist l = STRLIST_INIT;
	struct kerr err = KERR_INIT;
	(void)state;
	for (int i = 0; i < 200; i++)
		sb_adds(&pat, "*a?");
	sb_adds(&pat, "b");
	for (int i = 0; i < 4000; i++)
		sb_adds(&path, i % 50 ? "a" : "a/");
	strlist_push(&l, sb_str(&pat));
	struct dockerignore *d = dockerignore_new(&l, &err);
	assert_non_null(d);
	assert_false(hits(d, sb_str(&path)));
	assert_false(go_path_match(sb_str(&pat), sb_str(&path), NULL));
	dockerignore_free(d);
	strlist_clear(&l);
	sb_release(&pat);
	sb_release(&path);
}

static void
readall_drops_bom_comments_blank_lines_and_leading_slash(void **state)
{
	static const char text[] =
	    "\xEF\xBB\xBF# comment\r\n  /a/../b/  \n\n !  /c//d\n#x\n!\nlast";
	struct strlist l = STRLIST_INIT;
	struct kerr err = KERR_INIT;
	(void)state;
	assert_int_equal(dockerignore_read(text, sizeof(text) - 1, &l, &err),
			 0);
	assert_int_equal(l.n, 4);
	assert_string_equal(l.v[0], "b");
	assert_string_equal(l.v[1], "!c/d");
	assert_string_equal(l.v[2], "!");
	assert_string_equal(l.v[3], "last");
	strlist_clear(&l);
}

static void readall_rejects_a_line_bufio_cannot_hold(void **state)
{
	size_t n = 65536;
	char *big = malloc(n);
	struct strlist l = STRLIST_INIT;
	struct kerr err = KERR_INIT;
	(void)state;
	memset(big, 'a', n);
	assert_int_equal(dockerignore_read(big, n - 1, &l, &err), 0);
	assert_int_equal(dockerignore_read(big, n, &l, &err), -1);
	assert_non_null(strstr(err.msg, "token too long"));
	strlist_clear(&l);
	free(big);
}

static void
go_path_match_treats_bracket_bracket_as_a_literal_bracket(void **state)
{
	bool bad = true;
	(void)state;
	assert_true(go_path_match("[[]", "[", &bad));
	assert_false(bad);
	assert_false(go_path_match("[[]", "a", &bad));
	assert_true(go_path_match("a\\*b", "a*b", NULL));
	assert_false(go_path_match("a\\*b", "axb", NULL));
	assert_true(go_path_match("[\\]a]", "]", NULL));
	assert_true(go_path_match("[^a-c]x", "dx", NULL));
}

static void go_path_match_star_and_question_never_cross_a_slash(void **state)
{
	(void)state;
	assert_true(go_path_match("a*/b", "abc/b", NULL));
	assert_false(go_path_match("a*/b", "a/c/b", NULL));
	assert_false(go_path_match("a?b", "a/b", NULL));
	assert_true(go_path_match("a?b",
				  "a\xE2\x98\xBA"
				  "b",
				  NULL));
	assert_false(go_path_match("*", "a/b", NULL));
}

static void
go_path_match_flags_bad_patterns_only_where_matching_got(void **state)
{
	bool bad = false;
	(void)state;
	assert_false(go_path_match("[]a]", "]", &bad));
	assert_true(bad);
	assert_false(go_path_match("\\", "a", &bad));
	assert_true(bad);
	assert_false(go_path_match("[x-]", "x", &bad));
	assert_true(bad);
	assert_false(go_path_match("a*[", ".", &bad)); /* Go stops at "a" */
	assert_false(bad);
}

static void go_path_clean_and_trim_space_follow_go(void **state)
{
	char *c;
	const char *s = "\xC2\xA0\t x y \xE3\x80\x80";
	size_t n = strlen(s);
	(void)state;
	c = go_path_clean("a//b/./../c/", 12);
	assert_string_equal(c, "a/c");
	free(c);
	c = go_path_clean("/../x", 5);
	assert_string_equal(c, "/x");
	free(c);
	c = go_path_clean("", 0);
	assert_string_equal(c, ".");
	free(c);
	go_trim_space(&s, &n);
	assert_int_equal(n, 3);
	assert_memory_equal(s, "x y", 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(
		later_bang_pattern_reincludes_file_under_excluded_dir),
	    cmocka_unit_test(last_applicable_pattern_wins_after_double_star),
	    cmocka_unit_test(
		single_star_stays_in_one_dir_but_parents_still_match),
	    cmocka_unit_test(a_lone_bang_is_an_error),
	    cmocka_unit_test(
		a_malformed_class_is_a_one_line_error_naming_the_pattern),
	    cmocka_unit_test(
		a_bad_regexp_is_an_error_only_when_matching_reaches_it),
	    cmocka_unit_test(patterns_compile_to_gos_kinds_and_regexps),
	    cmocka_unit_test(a_pipe_in_a_wildcard_pattern_is_a_go_alternation),
	    cmocka_unit_test(many_stars_against_a_long_path_do_not_blow_up),
	    cmocka_unit_test(
		readall_drops_bom_comments_blank_lines_and_leading_slash),
	    cmocka_unit_test(readall_rejects_a_line_bufio_cannot_hold),
	    cmocka_unit_test(
		go_path_match_treats_bracket_bracket_as_a_literal_bracket),
	    cmocka_unit_test(
		go_path_match_star_and_question_never_cross_a_slash),
	    cmocka_unit_test(
		go_path_match_flags_bad_patterns_only_where_matching_got),
	    cmocka_unit_test(go_path_clean_and_trim_space_follow_go),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
