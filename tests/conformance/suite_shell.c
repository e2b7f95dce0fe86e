/* suite_shell: runs buildkit-shell/ (README section 2) against the shell
 * lexer: envVarTest through shlex_word, wordsTest through shlex_words, and
 * process-word.jsonl through shlex_word with matched/unmatched names. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../compiler/shell_lex.h"
#include "../../oci/strbuf.h"
#include "harness.h"

/* One physical line of a text file; bufio.Scanner drops a final '\r'. */
struct line_iter {
	char *p, *end;
	int no;
};

static bool next_line(struct line_iter *it, char **line)
{
	if (it->p >= it->end)
		return false;
	char *nl = memchr(it->p, '\n', (size_t)(it->end - it->p));
	char *e = nl ? nl : it->end;
	if (e > it->p && e[-1] == '\r')
		e[-1] = '\0';
	*e = '\0';
	*line = it->p;
	it->p = nl ? nl + 1 : it->end;
	it->no++;
	return true;
}

/* Reads root/buildkit-shell/name; an unreadable file is one failure. */
static char *read_vectors(const char *root, const char *name, size_t *len,
			  struct tally *t)
{
	struct strbuf path = STRBUF_INIT;
	sb_addf(&path, "%s/buildkit-shell/%s", root, name);
	char *buf = read_whole_file(sb_str(&path), len);
	if (!buf)
		tally_check(t, false, "shell: cannot read %s", sb_str(&path));
	sb_release(&path);
	return buf;
}

/* Length of the Unicode space (Go's unicode.IsSpace) at p, or 0. */
static size_t space_at(const unsigned char *p, size_t n)
{
	if (n && (*p == ' ' || (*p >= '\t' && *p <= '\r')))
		return 1;
	if (n >= 2 && p[0] == 0xC2 && (p[1] == 0x85 || p[1] == 0xA0))
		return 2;
	if (n < 3)
		return 0;
	if (p[0] == 0xE2 && p[1] == 0x80 && p[2] <= 0x8A)
		return 3; /* U+2000..U+200A */
	if ((p[0] == 0xE2 && p[1] == 0x80 &&
	     (p[2] == 0xA8 || p[2] == 0xA9 || p[2] == 0xAF)) ||
	    (p[0] == 0xE1 && p[1] == 0x9A && p[2] == 0x80) ||
	    (p[0] == 0xE2 && p[1] == 0x81 && p[2] == 0x9F) ||
	    (p[0] == 0xE3 && p[1] == 0x80 && p[2] == 0x80))
		return 3;
	return 0;
}

/* Go strings.TrimSpace, in place. */
static char *trim_space(char *s)
{
	size_t n = strlen(s), k;
	while ((k = space_at((unsigned char *)s, n)) > 0) {
		s += k;
		n -= k;
	}
	for (bool cut = true; cut && n;) {
		cut = false;
		for (k = 1; k <= 3 && k <= n; k++) {
			if (space_at((unsigned char *)s + n - k, k) == k) {
				n -= k;
				cut = true;
				break;
			}
		}
	}
	s[n] = '\0';
	return s;
}

/* A C-quoted copy of s for failure messages. */
static const char *q(struct strbuf *sb, const char *s)
{
	sb_reset(sb);
	sb_addc(sb, '"');
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			sb_addf(sb, "\\%c", c);
		else if (c < 0x20 || c == 0x7F)
			sb_addf(sb, "\\x%02x", c);
		else
			sb_addc(sb, (char)c);
	}
	sb_addc(sb, '"');
	return s ? sb_str(sb) : "(null)";
}

/* The outcome for a failure message: the quoted result, or the error. */
static const char *outcome(struct strbuf *sb, int rc, const char *got,
			   const struct kerr *err)
{
	struct strbuf tmp = STRBUF_INIT;
	sb_reset(sb);
	sb_addf(sb, "%s%s", rc < 0 ? "error " : "",
		q(&tmp, rc < 0 ? err->msg : got));
	sb_release(&tmp);
	return sb_str(sb);
}

static void env_var_row(struct tally *t, int no, const char *src,
			const char *want, const struct env_list *env)
{
	struct shlex lx = SHLEX_INIT;
	struct kerr err = KERR_INIT;
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT, c = STRBUF_INIT;
	char *got = NULL;
	int rc = shlex_word(&lx, src, env, &got, NULL, &err);
	bool want_err = !strcmp(want, "error");
	bool ok = want_err ? rc < 0 : rc == 0 && !strcmp(got, want);
	tally_check(t, ok,
		    "shell: envVarTest line %d: input %s: want %s, got %s", no,
		    q(&a, src), want_err ? "an error" : q(&b, want),
		    outcome(&c, rc, got, &err));
	free(got);
	sb_release(&a);
	sb_release(&b);
	sb_release(&c);
}

/* Returns the W rows seen, or -1 for a malformed line (already counted). */
static int env_var_line(struct tally *t, int no, char *line,
			const struct env_list *env)
{
	char *f[3], *bar1, *bar2;
	if (line[0] == '#' || !*trim_space(line))
		return 0;
	bar1 = strchr(line, '|');
	bar2 = bar1 ? strchr(bar1 + 1, '|') : NULL;
	if (!bar2 || strchr(bar2 + 1, '|')) {
		tally_check(t, false, "shell: envVarTest line %d: not 3 fields",
			    no);
		return -1;
	}
	*bar1 = *bar2 = '\0';
	f[0] = trim_space(line);
	f[1] = trim_space(bar1 + 1);
	f[2] = trim_space(bar2 + 1);
	if (!strcmp(f[0], "W"))
		return 1;
	if (strcmp(f[0], "A") && strcmp(f[0], "U")) {
		tally_check(t, false, "shell: envVarTest line %d: platform %s",
			    no, f[0]);
		return -1;
	}
	env_var_row(t, no, f[1], f[2], env);
	return 0;
}

static void run_env_var_test(const char *root, struct tally *t)
{
	struct env_list env = ENV_LIST_INIT;
	size_t len;
	int windows = 0, before = t->passed + t->failed;
	char *buf = read_vectors(root, "envVarTest", &len, t), *line;
	if (!buf)
		return;
	env_set(&env, "PWD", "/home");
	env_set(&env, "SHELL", "bash");
	env_set(&env, "KOREAN", "한국어");
	env_set(&env, "NULL", "");
	struct line_iter it = {buf, buf + len, 0};
	while (next_line(&it, &line)) {
		int w = env_var_line(t, it.no, line, &env);
		windows += w > 0 ? w : 0;
	}
	if (t->passed + t->failed == before)
		tally_check(t, false, "shell: envVarTest: no vectors");
	printf("NOTE shell: %d Windows-only (W) rows not applicable on Linux\n",
	       windows);
	env_clear(&env);
	free(buf);
}

/* ENV NAME=value: the value runs to the end of the line. */
static void words_env(struct env_list *env, char *line)
{
	char *s = line + 3, *eq;
	while (*s == ' ')
		s++;
	eq = strchr(s, '=');
	if (eq)
		*eq = '\0';
	env_set(env, s, eq ? eq + 1 : "");
}

static void list_str(struct strbuf *sb, const struct strlist *l)
{
	sb_reset(sb);
	sb_addc(sb, '[');
	for (size_t i = 0; i < l->n; i++) {
		struct strbuf tmp = STRBUF_INIT;
		sb_addf(sb, "%s%s", i ? ", " : "", q(&tmp, l->v[i]));
		sb_release(&tmp);
	}
	sb_addc(sb, ']');
}

static void words_row(struct tally *t, int no, char *line,
		      const struct env_list *env)
{
	struct shlex lx = SHLEX_INIT;
	struct kerr err = KERR_INIT;
	struct strlist want = STRLIST_INIT, got = STRLIST_INIT;
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT, c = STRBUF_INIT;
	char *bar = strchr(line, '|'), *exp, *comma;
	if (!bar || strchr(bar + 1, '|')) {
		tally_check(t, false, "shell: wordsTest line %d: not one '|'",
			    no);
		return;
	}
	*bar = '\0';
	for (exp = bar + 1; *exp == ' '; exp++)
		;
	for (; (comma = strchr(exp, ',')); exp = comma + 1) {
		*comma = '\0';
		strlist_push(&want, exp);
	}
	strlist_push(&want, exp);
	char *in = trim_space(line);
	if (shlex_words(&lx, in, env, &got, &err) < 0)
		strlist_push(&got, "error");
	bool ok = got.n == want.n;
	for (size_t i = 0; ok && i < want.n; i++)
		ok = !strcmp(got.v[i], want.v[i]);
	list_str(&b, &want);
	list_str(&c, &got);
	tally_check(t, ok,
		    "shell: wordsTest line %d: input %s: want %s, got %s%s%s",
		    no, q(&a, in), b.buf, c.buf, err.code ? ": " : "", err.msg);
	strlist_clear(&want);
	strlist_clear(&got);
	sb_release(&a);
	sb_release(&b);
	sb_release(&c);
}

static void run_words_test(const char *root, struct tally *t)
{
	struct env_list env = ENV_LIST_INIT;
	size_t len;
	int before = t->passed + t->failed;
	char *buf = read_vectors(root, "wordsTest", &len, t), *line;
	if (!buf)
		return;
	struct line_iter it = {buf, buf + len, 0};
	while (next_line(&it, &line)) {
		if (line[0] == '#')
			continue;
		if (!strncmp(line, "ENV ", 4))
			words_env(&env, line);
		else
			words_row(t, it.no, line, &env);
	}
	if (t->passed + t->failed == before)
		tally_check(t, false, "shell: wordsTest: no vectors");
	env_clear(&env);
	free(buf);
}

/* want (a JSON array, or NULL for no check) equals the set got. */
static bool same_set(const json_t *want, const struct strlist *got)
{
	if (!want)
		return true;
	if (!json_is_array(want) || json_array_size(want) != got->n)
		return false;
	for (size_t i = 0; i < got->n; i++) {
		const char *s = json_string_value(json_array_get(want, i));
		if (!s || !strlist_has(got, s))
			return false;
	}
	return true;
}

static bool pw_check(const json_t *row, int rc, const char *got,
		     const struct shlex_matches *m, const struct kerr *err)
{
	const char *contains =
	    json_string_value(json_object_get(row, "error_contains"));
	if (json_is_true(json_object_get(row, "error")))
		return rc < 0 && (!contains || strstr(err->msg, contains));
	const char *want = json_string_value(json_object_get(row, "expected"));
	return rc == 0 && want && !strcmp(got, want) &&
	       same_set(json_object_get(row, "matched"), &m->matched) &&
	       same_set(json_object_get(row, "unmatched"), &m->unmatched);
}

static void env_from_json(struct env_list *env, json_t *obj)
{
	for (void *it = json_object_iter(obj); it;
	     it = json_object_iter_next(obj, it)) {
		const char *v = json_string_value(json_object_iter_value(it));
		env_set(env, json_object_iter_key(it), v ? v : "");
	}
}

static void process_word_row(struct tally *t, int no, const json_t *row)
{
	struct shlex lx = SHLEX_INIT;
	struct kerr err = KERR_INIT;
	struct env_list env = ENV_LIST_INIT;
	struct shlex_matches m = {STRLIST_INIT, STRLIST_INIT};
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT, c = STRBUF_INIT;
	struct strbuf d = STRBUF_INIT, e = STRBUF_INIT;
	const char *in = json_string_value(json_object_get(row, "input"));
	char *got = NULL, *want = NULL;
	env_from_json(&env, json_object_get(row, "env"));
	int rc = in ? shlex_word(&lx, in, &env, &got, &m, &err) : -1;
	bool ok = in && pw_check(row, rc, got, &m, &err);
	want = json_dumps(row, JSON_COMPACT | JSON_ENSURE_ASCII);
	list_str(&d, &m.matched);
	list_str(&e, &m.unmatched);
	tally_check(t, ok,
		    "shell: process-word.jsonl line %d: input %s: want %s, "
		    "got %s (matched %s, unmatched %s)",
		    no, q(&a, in), want ? want : "?",
		    outcome(&c, rc, got, &err), d.buf, e.buf);
	free(want);
	free(got);
	env_clear(&env);
	shlex_matches_clear(&m);
	sb_release(&a);
	sb_release(&b);
	sb_release(&c);
	sb_release(&d);
	sb_release(&e);
}

static void run_process_word(const char *root, struct tally *t)
{
	size_t len;
	int before = t->passed + t->failed;
	char *buf = read_vectors(root, "process-word.jsonl", &len, t), *line;
	if (!buf)
		return;
	struct line_iter it = {buf, buf + len, 0};
	while (next_line(&it, &line)) {
		json_error_t jerr = {0};
		if (!*trim_space(line))
			continue;
		json_t *row = json_loads(line, 0, &jerr);
		if (json_is_object(row))
			process_word_row(t, it.no, row);
		else
			tally_check(t, false,
				    "shell: process-word.jsonl line "
				    "%d: bad JSON: %s",
				    it.no, jerr.text);
		json_decref(row);
	}
	if (t->passed + t->failed == before)
		tally_check(t, false, "shell: process-word.jsonl: no vectors");
	free(buf);
}

void suite_shell(const char *root, struct tally *t)
{
	run_env_var_test(root, t);
	run_words_test(root, t);
	run_process_word(root, t);
}
