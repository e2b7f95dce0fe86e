/* suite_heredoc: heredoc extraction from whole Dockerfiles and the two
 * helper vectors (conformance README section 1.4). */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../compiler/df_ast.h"
#include "harness.h"

static bool same_heredoc(const struct df_heredoc *h, json_t *w)
{
	const char *name = json_string_value(json_object_get(w, "name"));
	const char *content = json_string_value(json_object_get(w, "content"));
	return name && content && !strcmp(h->name, name) &&
	       !strcmp(h->content ? h->content : "", content) &&
	       (json_int_t)h->fd == json_integer_value(json_object_get(w, "fd")) &&
	       h->expand == json_is_true(json_object_get(w, "expand")) &&
	       h->chomp == json_is_true(json_object_get(w, "chomp"));
}

static bool same_heredocs(const struct df_node *n, json_t *want)
{
	if (json_is_null(want))
		return n->nheredocs == 0;
	if (n->nheredocs != json_array_size(want))
		return false;
	for (size_t i = 0; i < n->nheredocs; i++)
		if (!same_heredoc(&n->heredocs[i], json_array_get(want, i)))
			return false;
	return true;
}

static void check_extract(const char *root, const char *set, struct tally *t)
{
	char path[4096];
	struct kerr err = KERR_INIT;
	struct df_ast *ast = NULL;
	size_t len;
	snprintf(path, sizeof(path), "%s/buildkit-parser/heredoc/%s/Dockerfile",
		 root, set);
	char *buf = read_whole_file(path, &len);
	snprintf(path, sizeof(path),
		 "%s/buildkit-parser/heredoc/%s/expected-heredocs.json", root, set);
	json_t *want = json_load_file(path, 0, NULL);
	if (buf)
		df_parse("Dockerfile", buf, len, &ast, &err);
	tally_check(t, ast && json_array_size(want), "heredoc %s: %s", set,
		    ast ? "no expectations" : err.msg);
	size_t i;
	json_t *c;
	json_array_foreach(want, i, c)
	{
		size_t child = (size_t)json_integer_value(json_object_get(c, "child"));
		bool ok = ast && child < ast->root->nchildren &&
			  same_heredocs(ast->root->children[child],
					json_object_get(c, "heredocs"));
		tally_check(t, ok, "heredoc %s: child %zu (%s)", set, child,
			    json_string_value(json_object_get(c, "instruction")));
	}
	json_decref(want);
	df_ast_free(ast);
	free(buf);
}

static void check_word(json_t *c, int no, struct tally *t)
{
	const char *in = json_string_value(json_object_get(c, "input"));
	const char *result = json_string_value(json_object_get(c, "result"));
	const char *name = json_string_value(json_object_get(c, "name"));
	struct df_heredoc h = { 0 };
	struct kerr err = KERR_INIT;
	int r = df_heredoc_word(in ? in : "", &h, &err);
	bool ok = result && (!strcmp(result, "heredoc") ? r == 1 && name && !strcmp(h.name, name) :
			     !strcmp(result, "none") ? r == 0 : r < 0);
	tally_check(t, ok, "parse-heredoc-word line %d: %s gave %d", no, in, r);
	df_heredoc_clear(&h);
}

static void check_line(json_t *c, int no, struct tally *t)
{
	const char *in = json_string_value(json_object_get(c, "line"));
	json_t *names = json_object_get(c, "names");
	struct df_heredoc *docs = NULL;
	size_t n = 0;
	struct kerr err = KERR_INIT;
	int r = df_heredocs_from_line(in ? in : "", &docs, &n, &err);
	bool ok = r == 0 && n == json_array_size(names);
	for (size_t i = 0; ok && i < n; i++)
		ok = !strcmp(docs[i].name,
			     json_string_value(json_array_get(names, i)));
	tally_check(t, ok, "heredocs-from-line line %d: %s", no, in);
	for (size_t i = 0; i < n; i++)
		df_heredoc_clear(&docs[i]);
	free(docs);
}

static void each_jsonl(const char *root, const char *file, struct tally *t,
		       void (*fn)(json_t *, int, struct tally *))
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/buildkit-parser/heredoc/%s", root, file);
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	int no = 0;
	while (f && getline(&line, &cap, f) > 0) {
		json_t *c = json_loads(line, 0, NULL);
		fn(c, ++no, t);
		json_decref(c);
	}
	tally_check(t, no > 0, "heredoc: cannot read %s", path);
	free(line);
	if (f)
		fclose(f);
}

void suite_heredoc(const char *root, struct tally *t)
{
	check_extract(root, "extract", t);
	check_extract(root, "json-form", t);
	each_jsonl(root, "parse-heredoc-word.jsonl", t, check_word);
	each_jsonl(root, "heredocs-from-line.jsonl", t, check_line);
}
