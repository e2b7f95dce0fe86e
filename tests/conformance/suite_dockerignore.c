/* suite_dockerignore: moby/patternmatcher's match tables (cases.tsv), the
 * pattern classification and regexp text (compile.tsv) and
 * ignorefile.ReadAll (readall/), conformance README section 3. Every
 * cases.tsv row runs with MatchesOrParentMatches semantics, which the
 * README says gives the same answer as Matches for all rows. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../compiler/dockerignore.h"
#include "../../oci/strbuf.h"
#include "harness.h"

/* Splits line at TABs into f (copies). */
static void split_tabs(const char *line, struct strlist *f)
{
	const char *tab;
	while ((tab = strchr(line, '\t')) != NULL) {
		strlist_push_owned(f, xstrndup(line, (size_t)(tab - line)));
		line = tab + 1;
	}
	strlist_push(f, line);
}

/* Cuts the next line out of buf (advancing *pos); returns it, or NULL at the
 * end. The line is valid until the next call. */
static char *next_line(char *buf, size_t *pos)
{
	char *s = buf + *pos, *nl;
	if (!*s)
		return NULL;
	nl = strchr(s, '\n');
	if (nl) {
		*nl = '\0';
		*pos += (size_t)(nl - s) + 1;
	} else {
		*pos += strlen(s);
	}
	return s;
}

/* New + MatchesOrParentMatches over the patterns in f->v[5..]. */
static const char *run_case(const struct strlist *f, struct kerr *err)
{
	struct strlist pats = STRLIST_INIT;
	struct dockerignore *d;
	bool matched = false;
	int rc = -1;
	for (size_t i = 5; i < f->n; i++)
		strlist_push(&pats, f->v[i]);
	d = dockerignore_new(&pats, err);
	if (d)
		rc = dockerignore_matches(d, f->v[4], &matched, err);
	dockerignore_free(d);
	strlist_clear(&pats);
	return rc < 0 ? "error" : matched ? "match" : "nomatch";
}

static char *read_suite_file(const char *root, const char *name,
			     struct tally *t)
{
	char path[4096];
	char *buf;
	snprintf(path, sizeof(path), "%s/dockerignore/%s", root, name);
	buf = read_whole_file(path, NULL);
	if (!buf)
		tally_check(t, false, "dockerignore %s: cannot read %s", name,
			    path);
	return buf;
}

static void check_cases(const char *root, struct tally *t)
{
	char *buf = read_suite_file(root, "cases.tsv", t), *line;
	size_t pos = 0;
	for (int lineno = 1; buf && (line = next_line(buf, &pos)); lineno++) {
		struct strlist f = STRLIST_INIT;
		struct kerr err = KERR_INIT;
		if (line[0] == '#' || line[0] == '\0')
			continue;
		split_tabs(line, &f);
		if (f.n < 5) {
			tally_check(
			    t, false,
			    "dockerignore cases.tsv line %d: malformed row",
			    lineno);
		} else {
			const char *got = run_case(&f, &err);
			tally_check(t, !strcmp(got, f.v[3]),
				    "dockerignore cases.tsv line %d: %s path "
				    "\"%s\": want %s, got %s%s%s",
				    lineno, f.v[0], f.v[4], f.v[3], got,
				    err.code ? ": " : "", err.msg);
		}
		strlist_clear(&f);
	}
	free(buf);
}

static const char *kind_name(enum dockerignore_kind k)
{
	switch (k) {
	case DOCKERIGNORE_EXACT:
		return "exactMatch";
	case DOCKERIGNORE_PREFIX:
		return "prefixMatch";
	case DOCKERIGNORE_SUFFIX:
		return "suffixMatch";
	case DOCKERIGNORE_REGEXP:
		return "regexpMatch";
	}
	return "?";
}

/* One compile.tsv row: pattern, match type, unix regexp, windows regexp. */
static void check_compile_row(const struct strlist *f, int lineno,
			      struct tally *t)
{
	struct strlist pats = STRLIST_INIT;
	struct kerr err = KERR_INIT;
	struct dockerignore *d;
	const char *kind = "error", *re = "-", *re_err = NULL;
	strlist_push(&pats, f->v[0]);
	d = dockerignore_new(&pats, &err);
	if (d && dockerignore_count(d) == 1) {
		kind = kind_name(dockerignore_kind(d, 0));
		re =
		    dockerignore_regexp(d, 0) ? dockerignore_regexp(d, 0) : "-";
		re_err = dockerignore_regexp_error(d, 0);
	}
	tally_check(t,
		    !strcmp(kind, f->v[1]) && !strcmp(re, f->v[2]) && !re_err,
		    "dockerignore compile.tsv line %d: pattern \"%s\": want %s "
		    "%s, got %s %s%s%s",
		    lineno, f->v[0], f->v[1], f->v[2], kind, re,
		    re_err ? " / regexp error: " : "", re_err ? re_err : "");
	dockerignore_free(d);
	strlist_clear(&pats);
}

static void check_compile(const char *root, struct tally *t)
{
	char *buf = read_suite_file(root, "compile.tsv", t), *line;
	size_t pos = 0;
	for (int lineno = 1; buf && (line = next_line(buf, &pos)); lineno++) {
		struct strlist f = STRLIST_INIT;
		if (line[0] == '#' || line[0] == '\0')
			continue;
		split_tabs(line, &f);
		if (f.n < 3)
			tally_check(
			    t, false,
			    "dockerignore compile.tsv line %d: malformed row",
			    lineno);
		else
			check_compile_row(&f, lineno, t);
		strlist_clear(&f);
	}
	free(buf);
}

static void check_readall(const char *root, struct tally *t)
{
	char path[4096];
	size_t len = 0;
	struct strlist pats = STRLIST_INIT;
	struct strbuf got = STRBUF_INIT;
	struct kerr err = KERR_INIT;
	snprintf(path, sizeof(path),
		 "%s/dockerignore/readall/input.dockerignore", root);
	char *in = read_whole_file(path, &len);
	char *want = read_suite_file(root, "readall/expected-patterns.txt", t);
	if (in && dockerignore_read(in, len, &pats, &err) == 0)
		for (size_t i = 0; i < pats.n; i++)
			sb_addf(&got, "%s\n", pats.v[i]);
	if (want)
		tally_check(t, in && !err.code && !strcmp(sb_str(&got), want),
			    "dockerignore readall: %s\n--- want\n%s--- got\n%s",
			    in ? err.msg : "cannot read input.dockerignore",
			    want, sb_str(&got));
	strlist_clear(&pats);
	sb_release(&got);
	free(in);
	free(want);
}

void suite_dockerignore(const char *root, struct tally *t)
{
	check_cases(root, t);
	check_compile(root, t);
	check_readall(root, t);
}
