/* plan_internal: what the planner's files share: the per-stage context
 * that expansion and instruction checks work in. Not for other layers. */
#ifndef KILN_PLAN_INTERNAL_H
#define KILN_PLAN_INTERNAL_H

#include "plan.h"
#include "shell_lex.h"

struct stage_ctx {
	struct plan *plan;
	struct plan_stage *st;
	const struct plan_opts *opts;
	struct shlex lx;
	struct strlist used_build_args;
};

/* Expands word with the stage's ARGs and ENV (ENV wins). */
int ctx_expand(struct stage_ctx *c, const char *word, char **out,
	       struct kerr *err);
/* Converts one instruction node inside a stage into st->ins. */
int plan_add_instruction(struct stage_ctx *c, const struct df_node *n,
			 struct kerr *err);
/* ARG inside a stage, or before the first FROM (c->st == NULL). */
int plan_arg(struct stage_ctx *c, const struct df_node *n, struct kerr *err);
/* Checks an instruction's flags against what it accepts. */
int plan_check_flags(const char *keyword, const struct strlist *flags,
		     struct kerr *err);
/* Resolves a --from value to an earlier stage (>= 0), an image (-1, with
 * *image set) or an error. */
int plan_resolve_from(struct stage_ctx *c, const char *ref, char **image,
		      struct kerr *err);
void plan_add_dep(struct plan_stage *st, int dep);

#endif
