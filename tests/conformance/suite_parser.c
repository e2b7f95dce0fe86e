/* suite_parser: BuildKit's parser dumps (testfiles), negative cases, line
 * numbers and JSON-array vectors (conformance README section 1). */
#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../compiler/df_args.h"
#include "../../compiler/df_ast.h"
#include "harness.h"

/* Parses path; NULL with err set on failure or when it cannot be read. */
static struct df_ast *parse_file(const char *path, struct kerr *err)
{
	size_t len;
	char *buf = read_whole_file(path, &len);
	struct df_ast *ast = NULL;
	if (!buf) {
		kerr_set(err, 1, "%s: cannot read", path);
		return NULL;
	}
	df_parse("Dockerfile", buf, len, &ast, err);
	free(buf);
	return ast;
}

static void check_dump(const char *dir, const char *name, struct tally *t)
{
	char path[4096];
	struct kerr err = KERR_INIT;
	struct strbuf dump = STRBUF_INIT;
	snprintf(path, sizeof(path), "%s/%s/Dockerfile", dir, name);
	struct df_ast *ast = parse_file(path, &err);
	snprintf(path, sizeof(path), "%s/%s/result", dir, name);
	char *want = read_whole_file(path, NULL);
	if (ast) {
		df_node_dump(ast->root, &dump);
		sb_addc(&dump, '\n');
	}
	bool ok = ast && want && !strcmp(sb_str(&dump), want);
	tally_check(t, ok, "parser %s: %s\n--- want\n%s--- got\n%s", name,
		    ast ? "dump differs" : err.msg, want ? want : "",
		    sb_str(&dump));
	free(want);
	sb_release(&dump);
	df_ast_free(ast);
}

static void each_case(const char *dir, struct tally *t, bool negative)
{
	struct dirent **names;
	int n = scandir(dir, &names, NULL, alphasort);
	for (int i = 0; i < n; i++) {
		const char *name = names[i]->d_name;
		if (name[0] != '.' && !negative)
			check_dump(dir, name, t);
		if (name[0] != '.' && negative) {
			char path[4096];
			struct kerr err = KERR_INIT;
			snprintf(path, sizeof(path), "%s/%s/Dockerfile", dir,
				 name);
			struct df_ast *ast = parse_file(path, &err);
			tally_check(t, !ast, "parser negative %s: accepted",
				    name);
			df_ast_free(ast);
		}
		free(names[i]);
	}
	free(names);
	tally_check(t, n > 0, "parser: no cases in %s", dir);
}

static void check_lines(const char *root, struct tally *t)
{
	static const int want[4][2] = { { 5, 31 }, { 5, 5 }, { 11, 12 },
					{ 17, 31 } };
	char path[4096];
	struct kerr err = KERR_INIT;
	snprintf(path, sizeof(path), "%s/buildkit-parser/testfile-line/Dockerfile",
		 root);
	struct df_ast *ast = parse_file(path, &err);
	tally_check(t, ast && ast->root->nchildren == 3,
		    "line numbers: want 3 children");
	for (size_t i = 0; ast && ast->root->nchildren == 3 && i < 4; i++) {
		const struct df_node *n = i ? ast->root->children[i - 1] :
					      ast->root;
		tally_check(t, n->start_line == want[i][0] &&
				       n->end_line == want[i][1],
			    "line numbers: node %zu is %d-%d, want %d-%d", i,
			    n->start_line, n->end_line, want[i][0], want[i][1]);
	}
	df_ast_free(ast);
}

static bool same_values(const struct df_node *n, json_t *want)
{
	size_t i;
	json_t *v;
	json_array_foreach(want, i, v)
	{
		if (!n || n->value_len != json_string_length(v) ||
		    memcmp(n->value, json_string_value(v), n->value_len))
			return false;
		n = n->next;
	}
	return !n;
}

static void check_json_arrays(const char *root, struct tally *t)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/buildkit-parser/json-arrays.jsonl",
		 root);
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	int no = 0;
	while (f && getline(&line, &cap, f) > 0) {
		json_t *c = json_loads(line, JSON_ALLOW_NUL, NULL);
		struct df_node *n = NULL;
		struct kerr err = KERR_INIT;
		const char *in = json_string_value(json_object_get(c, "input"));
		no++;
		int r = df_parse_json_array(in ? in : "", &n, &err);
		bool valid = json_is_true(json_object_get(c, "valid"));
		bool ok = valid ? r == 1 && same_values(n, json_object_get(c, "expected")) :
				  r < 0;
		tally_check(t, ok, "json-arrays line %d: %s", no, in);
		df_node_free(n);
		json_decref(c);
	}
	tally_check(t, f && no > 0, "json-arrays: cannot read %s", path);
	free(line);
	if (f)
		fclose(f);
}

void suite_parser(const char *root, struct tally *t)
{
	char dir[4096];
	snprintf(dir, sizeof(dir), "%s/buildkit-parser/testfiles", root);
	each_case(dir, t, false);
	snprintf(dir, sizeof(dir), "%s/buildkit-parser/testfiles-negative",
		 root);
	each_case(dir, t, true);
	check_lines(root, t);
	check_json_arrays(root, t);
}
