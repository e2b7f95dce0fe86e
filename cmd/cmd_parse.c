/* cmd_parse: `kiln parse` — argument parsing only; prints the syntax tree
 * (BuildKit's dump format) or, with --json, the planned stage graph. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "../compiler/frontend.h"
#include "commands.h"

static int print_result(const struct df_ast *ast, struct frontend_opts *o,
			bool json, struct kerr *err)
{
	if (!json) {
		struct strbuf sb = STRBUF_INIT;
		df_node_dump(ast->root, &sb);
		printf("%s\n", sb_str(&sb));
		sb_release(&sb);
		return 0;
	}
	struct plan *p;
	if (plan_build(ast, &o->plan, &p, err) < 0)
		return -1;
	for (size_t i = 0; i < p->unused_build_args.n; i++)
		fprintf(stderr, "kiln: warning: build-arg %s was not consumed\n",
			p->unused_build_args.v[i]);
	json_t *j = plan_to_json(p);
	json_dumpf(j, stdout, JSON_SORT_KEYS | JSON_INDENT(2));
	putchar('\n');
	json_decref(j);
	plan_free(p);
	return 0;
}

int cmd_parse(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "file", required_argument, NULL, 'f' },
		{ "json", no_argument, NULL, 'j' },
		{ "target", required_argument, NULL, 't' },
		{ "build-arg", required_argument, NULL, 'b' },
		{ "platform", required_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 },
	};
	struct frontend_opts o = { 0 };
	struct kerr err = KERR_INIT;
	bool json = false;
	int c;
	while ((c = getopt_long(argc, argv, "f:", opts, NULL)) != -1) {
		switch (c) {
		case 'f': o.file = optarg; break;
		case 'j': json = true; break;
		case 't': o.plan.target = optarg; break;
		case 'b': frontend_build_arg(&o, optarg); break;
		case 'p': o.plan.platform = optarg; break;
		default: frontend_opts_clear(&o); return 2;
		}
	}
	if (argc - optind > 1) {
		fputs("kiln: parse: too many arguments (want one CONTEXT)\n", stderr);
		frontend_opts_clear(&o);
		return 2;
	}
	o.context = optind < argc ? argv[optind] : ".";
	struct df_ast *ast = NULL;
	int r = frontend_parse(&o, &ast, &err);
	if (!r)
		r = print_result(ast, &o, json, &err);
	df_ast_free(ast);
	frontend_opts_clear(&o);
	if (r < 0)
		fprintf(stderr, "kiln: %s\n", err.msg);
	return r < 0 ? err.code : 0;
}
