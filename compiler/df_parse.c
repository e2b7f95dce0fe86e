/* df_parse: the Dockerfile line reader of BuildKit's parser (parser.go):
 * parser directives, comments, continuations, heredoc bodies, line numbers. */
#include <ctype.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include "df_args.h"
#include "df_ast.h"

/* A cursor over the input, handing out physical lines. */
struct reader {
	const char *buf;
	size_t len, pos;
	int line;           /* lines consumed so far */
	struct df_ast *ast;
	bool directives_done;
	bool seen_escape, seen_syntax, seen_check;
};

/* Next physical line with its newline; false at EOF. */
static bool next_line(struct reader *r, const char **s, size_t *n)
{
	if (r->pos >= r->len)
		return false;
	const char *start = r->buf + r->pos;
	const char *nl = memchr(start, '\n', r->len - r->pos);
	*n = nl ? (size_t)(nl - start) + 1 : r->len - r->pos;
	*s = start;
	r->pos += *n;
	r->line++;
	return true;
}

/* trimNewline, and the BOM on the very first line. NULs are kept out of
 * the logical line, which is a C string from here on. */
static char *clean_line(struct reader *r, const char *s, size_t n)
{
	if (r->line == 1 && n >= 3 && !memcmp(s, "\xef\xbb\xbf", 3))
		s += 3, n -= 3;
	while (n && (s[n - 1] == '\n' || s[n - 1] == '\r'))
		n--;
	return xstrndup(s, n);
}

static const char *skip_space(const char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	return s;
}

static bool is_comment(const char *s)
{
	return *skip_space(s) == '#';
}

static int set_directive(struct reader *r, const char *key, const char *val,
			 struct kerr *err)
{
	struct df_directives *d = &r->ast->dir;
	bool *seen = !strcasecmp(key, "escape") ? &r->seen_escape :
		     !strcasecmp(key, "syntax") ? &r->seen_syntax :
		     !strcasecmp(key, "check")  ? &r->seen_check : NULL;
	if (!seen) {
		r->directives_done = true;
		return 0;
	}
	if (*seen)
		return kerr_set(err, KERR_USAGE,
				"only one %s parser directive can be used",
				key);
	*seen = true;
	if (seen == &r->seen_escape) {
		if (strcmp(val, "\\") && strcmp(val, "`"))
			return kerr_set(err, KERR_USAGE,
					"invalid escape token '%s' does not match ` or \\",
					val);
		d->escape = val[0];
	} else if (!strcasecmp(key, "syntax")) {
		d->syntax = xstrdup(val);
	} else {
		d->check = xstrdup(val);
	}
	return 0;
}

/* possibleParserDirective: "# key=value" lines before anything else. */
static int parse_directive(struct reader *r, const char *line,
			   struct kerr *err)
{
	static regex_t re;
	static bool compiled;
	regmatch_t m[3];
	if (r->directives_done)
		return 0;
	if (!compiled) {
		regcomp(&re, "^#[[:space:]]*([a-zA-Z][a-zA-Z0-9]*)[[:space:]]*=[[:space:]]*(.*[^[:space:]])[[:space:]]*$",
			REG_EXTENDED);
		compiled = true;
	}
	if (regexec(&re, line, 3, m, 0)) {
		r->directives_done = true;
		return 0;
	}
	char *key = xstrndup(line + m[1].rm_so, (size_t)(m[1].rm_eo - m[1].rm_so));
	char *val = xstrndup(line + m[2].rm_so, (size_t)(m[2].rm_eo - m[2].rm_so));
	int ret = set_directive(r, key, val, err);
	free(key);
	free(val);
	return ret;
}

/* trimContinuationCharacter: strips "E[ \t]*$" unless the E is itself
 * escaped; true when the logical line goes on. */
static bool trim_continuation(char *line, char escape)
{
	size_t n = strlen(line);
	while (n && (line[n - 1] == ' ' || line[n - 1] == '\t'))
		n--;
	if (!n || line[n - 1] != escape)
		return false;
	if (n >= 2 && line[n - 2] == escape)
		return false;
	line[n - 1] = '\0';
	return true;
}

/* Reads one physical line through processLine: newline and comment
 * stripped, directive checked. */
static int process_line(struct reader *r, const char *s, size_t n,
			bool strip_left, char **out, bool *was_comment,
			struct kerr *err)
{
	char *line = clean_line(r, s, n);
	if (strip_left)
		memmove(line, skip_space(line), strlen(skip_space(line)) + 1);
	int ret = parse_directive(r, line, err);
	*was_comment = is_comment(line);
	if (*was_comment)
		line[0] = '\0';
	*out = line;
	return ret;
}

static int read_heredoc_bodies(struct reader *r, struct df_node *node,
			       const char *first, struct kerr *err);

static bool can_contain_heredoc(const struct df_node *n)
{
	if (!strcmp(n->value, "onbuild") && n->next && n->next->nchildren)
		n = n->next->children[0];
	return !n->json && (!strcmp(n->value, "run") ||
			    !strcmp(n->value, "copy") ||
			    !strcmp(n->value, "add"));
}

/* Joins continuation lines onto buf; returns -1 on a directive error. */
static int read_continuations(struct reader *r, struct strbuf *buf,
			      struct kerr *err)
{
	const char *s;
	size_t n;
	while (next_line(r, &s, &n)) {
		char *line;
		bool comment;
		if (process_line(r, s, n, false, &line, &comment, err) < 0) {
			free(line);
			return -1;
		}
		if (comment || !*skip_space(line)) {
			free(line);
			continue;
		}
		bool more = trim_continuation(line, r->ast->dir.escape);
		sb_adds(buf, line);
		free(line);
		if (!more)
			break;
	}
	return 0;
}

static int location(struct reader *r, struct kerr *err, int line)
{
	return kerr_prefix(err, "%s:%d", r->ast->file, line);
}

/* One instruction starting at physical line s (already counted); blank
 * and comment lines add nothing. */
static int parse_instruction(struct reader *r, const char *s, size_t n,
			     struct kerr *err)
{
	char *first;
	bool comment;
	struct strbuf buf = STRBUF_INIT;
	struct df_node *node = NULL;
	int start = r->line;
	if (process_line(r, s, n, true, &first, &comment, err) < 0)
		goto fail;
	bool more = trim_continuation(first, r->ast->dir.escape);
	if (!more && !*first) {
		free(first);
		return 0;
	}
	sb_adds(&buf, first);
	if (more && read_continuations(r, &buf, err) < 0)
		goto fail;
	if (df_node_from_line(sb_str(&buf), r->ast->dir.escape, &node, err) < 0)
		goto fail;
	if (can_contain_heredoc(node) && strstr(first, "<<") &&
	    read_heredoc_bodies(r, node, first, err) < 0)
		goto fail;
	node->start_line = start;
	node->end_line = r->line;
	df_node_add_child(r->ast->root, node);
	free(first);
	sb_release(&buf);
	return 0;
fail:
	df_node_free(node);
	free(first);
	sb_release(&buf);
	return location(r, err, start);
}

static int read_heredoc_bodies(struct reader *r, struct df_node *node,
			       const char *first, struct kerr *err)
{
	if (df_heredocs_from_line(first, &node->heredocs, &node->nheredocs,
				  err) < 0)
		return -1;
	for (size_t i = 0; i < node->nheredocs; i++) {
		struct df_heredoc *h = &node->heredocs[i];
		struct strbuf body = STRBUF_INIT;
		const char *s;
		size_t n;
		bool terminated = false;
		while (!terminated && next_line(r, &s, &n)) {
			size_t m = n;
			const char *t = s;
			while (m && (t[m - 1] == '\n' || t[m - 1] == '\r'))
				m--;
			while (h->chomp && m && *t == '\t')
				t++, m--;
			terminated = m == strlen(h->name) &&
				     !memcmp(t, h->name, m);
			if (!terminated)
				sb_add(&body, s, n);
		}
		h->content = sb_detach(&body, NULL);
		if (!terminated)
			return kerr_set(err, KERR_USAGE, "unterminated heredoc");
	}
	return 0;
}

int df_parse(const char *file, const char *buf, size_t len,
	     struct df_ast **out, struct kerr *err)
{
	struct df_ast *ast = xcalloc(1, sizeof(*ast));
	struct reader r = { .buf = buf, .len = len, .ast = ast };
	const char *s;
	size_t n;
	ast->file = xstrdup(file);
	ast->dir.escape = '\\';
	ast->root = df_node_new("", 0);
	ast->root->start_line = -1;
	while (next_line(&r, &s, &n)) {
		if (parse_instruction(&r, s, n, err) < 0) {
			df_ast_free(ast);
			return -1;
		}
	}
	if (!ast->root->nchildren) {
		df_ast_free(ast);
		kerr_set(err, KERR_USAGE, "file with no instructions");
		return kerr_prefix(err, "%s:%d", file, r.line);
	}
	*out = ast;
	return 0;
}

void df_ast_free(struct df_ast *ast)
{
	if (!ast)
		return;
	df_node_free(ast->root);
	free(ast->file);
	free(ast->dir.syntax);
	free(ast->dir.check);
	free(ast);
}
