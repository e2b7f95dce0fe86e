/* fuzz_parse: libFuzzer target for the front end: the parser, its dump,
 * the planner (expansion, scoping, stage graph) and the shell lexer. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "../../compiler/plan.h"
#include "../../compiler/shell_lex.h"

static void fuzz_lexer(const char *text)
{
	struct shlex lx = SHLEX_INIT;
	struct env_list env = ENV_LIST_INIT;
	struct kerr err = KERR_INIT;
	struct strlist words = STRLIST_INIT;
	char *out = NULL;
	env_set(&env, "PWD", "/home");
	env_set(&env, "NULL", "");
	if (!shlex_word(&lx, text, &env, &out, NULL, &err))
		free(out);
	lx.escape = '`';
	lx.raw_quotes = lx.raw_escapes = true;
	shlex_words(&lx, text, &env, &words, &err);
	strlist_clear(&words);
	env_clear(&env);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct df_ast *ast = NULL;
	struct plan *plan = NULL;
	struct kerr err = KERR_INIT;
	struct plan_opts opts = { 0 };
	char *text = xmemdup0(data, size);
	fuzz_lexer(text);
	free(text);
	if (df_parse("Dockerfile", (const char *)data, size, &ast, &err) < 0)
		return 0;
	struct strbuf dump = STRBUF_INIT;
	df_node_dump(ast->root, &dump);
	sb_release(&dump);
	opts.platform = opts.build_platform = "linux/amd64";
	if (!plan_build(ast, &opts, &plan, &err)) {
		json_decref(plan_to_json(plan));
		plan_free(plan);
	}
	df_ast_free(ast);
	return 0;
}
