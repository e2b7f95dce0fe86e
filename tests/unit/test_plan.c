/* test_plan: unit tests of the front end's planner: ARG/ENV scoping,
 * expansion, stage pruning, and the exact error messages. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "../../compiler/plan.h"

struct fixture {
	struct df_ast *ast;
	struct plan *plan;
	struct plan_opts opts;
	struct kerr err;
};

/* Parses and plans text; returns plan_build's result. */
static int plan_text(struct fixture *f, const char *text)
{
	f->opts.platform = f->opts.platform ? f->opts.platform : "linux/arm64/v8";
	f->opts.build_platform = "linux/amd64";
	if (df_parse("Dockerfile", text, strlen(text), &f->ast, &f->err) < 0)
		return -1;
	return plan_build(f->ast, &f->opts, &f->plan, &f->err);
}

static void done(struct fixture *f)
{
	plan_free(f->plan);
	df_ast_free(f->ast);
	env_clear(&f->opts.build_args);
}

static const struct plan_ins *ins(const struct fixture *f, int stage, int i)
{
	return &f->plan->stages[stage].ins[i];
}

static void global_arg_is_seen_by_from_only_until_redeclared(void **state)
{
	(void)state;
	struct fixture f = { 0 };
	assert_int_equal(plan_text(&f, "ARG IMG=alpine\nFROM $IMG\n"
				       "LABEL a=x${IMG}x\nARG IMG\nLABEL b=$IMG\n"), 0);
	assert_string_equal(f.plan->stages[0].base, "alpine");
	assert_string_equal(ins(&f, 0, 0)->args.v[1], "xx");
	assert_string_equal(ins(&f, 0, 2)->args.v[1], "alpine");
	done(&f);
}

static void build_arg_overrides_default_and_env_shadows_arg(void **state)
{
	(void)state;
	struct fixture f = { 0 };
	env_set(&f.opts.build_args, "V", "cli");
	assert_int_equal(plan_text(&f, "FROM scratch\nARG V=def\nLABEL a=$V\n"
				       "ENV V=env\nLABEL b=$V\n"), 0);
	assert_string_equal(ins(&f, 0, 1)->args.v[1], "cli");
	assert_string_equal(ins(&f, 0, 3)->args.v[1], "env");
	done(&f);
}

static void env_values_on_one_line_see_the_previous_environment(void **state)
{
	(void)state;
	struct fixture f = { 0 };
	assert_int_equal(plan_text(&f, "FROM scratch\nENV A=1\n"
				       "ENV A=2 B=$A\n"), 0);
	assert_string_equal(env_get(&f.plan->stages[0].env, "B"), "1");
	assert_string_equal(env_get(&f.plan->stages[0].env, "A"), "2");
	done(&f);
}

static void platform_args_need_a_declaration_inside_a_stage(void **state)
{
	(void)state;
	struct fixture f = { 0 };
	assert_int_equal(plan_text(&f, "FROM scratch\nLABEL a=[$TARGETARCH]\n"
				       "ARG TARGETARCH TARGETVARIANT BUILDOS\n"
				       "LABEL b=$TARGETARCH/$TARGETVARIANT/$BUILDOS\n"), 0);
	assert_string_equal(ins(&f, 0, 0)->args.v[1], "[]");
	assert_string_equal(ins(&f, 0, 2)->args.v[1], "arm64/v8/linux");
	done(&f);
}

static void run_and_cmd_text_is_never_expanded(void **state)
{
	(void)state;
	struct fixture f = { 0 };
	assert_int_equal(plan_text(&f, "FROM scratch\nENV X=1\nRUN echo $X\n"
				       "CMD echo ${X}\n"), 0);
	assert_string_equal(ins(&f, 0, 1)->args.v[0], "echo $X");
	assert_string_equal(ins(&f, 0, 2)->args.v[0], "echo ${X}");
	done(&f);
}

static void flags_are_expanded(void **state)
{
	(void)state;
	struct fixture f = { 0 };
	assert_int_equal(plan_text(&f, "FROM scratch AS b\nFROM scratch\n"
				       "ARG S=b U=10\nCOPY --from=$S --chown=${U}:${U} a b\n"), 0);
	assert_string_equal(ins(&f, 1, 1)->flags.v[0], "--from=b");
	assert_string_equal(ins(&f, 1, 1)->flags.v[1], "--chown=10:10");
	assert_int_equal(ins(&f, 1, 1)->from_stage, 0);
	done(&f);
}

static void target_keeps_only_the_stages_it_needs(void **state)
{
	(void)state;
	struct fixture f = { 0 };
	f.opts.target = "B";
	assert_int_equal(plan_text(&f, "FROM scratch AS a\nFROM scratch AS broken\n"
				       "COPY --chown=${X:?no} a b\nFROM a AS b\n"
				       "COPY --from=0 /x /x\nFROM b\n"), 0);
	assert_int_equal(f.plan->target, 2);
	assert_true(f.plan->stages[0].needed);
	assert_false(f.plan->stages[1].needed);
	assert_true(f.plan->stages[2].needed);
	assert_false(f.plan->stages[3].needed);
	done(&f);
}

static void copy_from_an_unknown_name_is_an_image(void **state)
{
	(void)state;
	struct fixture f = { 0 };
	assert_int_equal(plan_text(&f, "FROM scratch\nCOPY --from=busybox:1 /b /b\n"), 0);
	assert_string_equal(ins(&f, 0, 0)->from_image, "busybox:1");
	assert_int_equal(f.plan->stages[0].ndeps, 0);
	done(&f);
}

/* Each error: the Dockerfile, then the exact message. */
static const char *const errors[][2] = {
	{ "FROM scratch\nCOPPY a b\n", "Dockerfile:2: unknown instruction \"COPPY\"" },
	{ "RUN x\nFROM scratch\n", "Dockerfile:1: run: no build stage in current context (only ARG may come before the first FROM)" },
	{ "ARG A\n", "Dockerfile: dockerfile contains no stages to build (no FROM)" },
	{ "FROM a b\n", "Dockerfile:1: FROM requires either one or three arguments (FROM image [AS name])" },
	{ "FROM scratch AS 1x\n", "Dockerfile:1: invalid stage name \"1x\": must start with a letter and hold only letters, digits, '-', '_' and '.'" },
	{ "FROM scratch\nCOPY a\n", "Dockerfile:2: COPY requires at least two arguments, but only one was provided. Destination could not be determined" },
	{ "FROM scratch\nCOPY --nope a b\n", "Dockerfile:2: COPY: unknown flag: --nope" },
	{ "FROM scratch\nSHELL sh -c\n", "Dockerfile:2: SHELL requires the arguments to be in JSON form" },
	{ "FROM scratch\nHEALTHCHECK --interval=xx CMD true\n", "Dockerfile:2: HEALTHCHECK: invalid value for --interval: \"xx\"" },
	{ "FROM scratch\nONBUILD ONBUILD RUN x\n", "Dockerfile:2: chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed" },
	{ "FROM scratch AS a\nCOPY --from=a x y\n", "Dockerfile:2: circular dependency: stage \"a\" refers to itself" },
	{ "FROM scratch\nFROM scratch\nCOPY --from=2 x y\n", "Dockerfile:3: unknown stage 2: only earlier stages can be referenced" },
	{ "FROM b AS a\nFROM scratch AS b\nFROM a\n", "Dockerfile:1: FROM b: stage is defined later (forward reference)" },
	{ "FROM scratch\nUSER ${U:?must be set}\n", "Dockerfile:2: U: must be set" },
	{ "FROM scratch\nENV k\n", "Dockerfile:2: ENV must have two arguments" },
};

static void each_error_names_file_line_and_cause(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(errors) / sizeof(errors[0]); i++) {
		struct fixture f = { 0 };
		assert_int_equal(plan_text(&f, errors[i][0]), -1);
		assert_int_equal(f.err.code, KERR_USAGE);
		if (strcmp(f.err.msg, errors[i][1]))
			fail_msg("input %zu: got \"%s\", want \"%s\"", i,
				 f.err.msg, errors[i][1]);
		done(&f);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(global_arg_is_seen_by_from_only_until_redeclared),
		cmocka_unit_test(build_arg_overrides_default_and_env_shadows_arg),
		cmocka_unit_test(env_values_on_one_line_see_the_previous_environment),
		cmocka_unit_test(platform_args_need_a_declaration_inside_a_stage),
		cmocka_unit_test(run_and_cmd_text_is_never_expanded),
		cmocka_unit_test(flags_are_expanded),
		cmocka_unit_test(target_keeps_only_the_stages_it_needs),
		cmocka_unit_test(copy_from_an_unknown_name_is_an_image),
		cmocka_unit_test(each_error_names_file_line_and_cause),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
