/* plan: the stage graph after expansion. Turns the syntax tree into typed
 * instructions with ARG/ENV applied, resolves stage references, and keeps
 * the closure the target needs (an unused broken stage does not fail). */
#ifndef KILN_PLAN_H
#define KILN_PLAN_H

#include <jansson.h>
#include <stdbool.h>

#include "df_ast.h"
#include "env_list.h"

struct plan_ins {
	char *keyword;          /* upper-case: "COPY" */
	int line;
	struct strlist flags;   /* "--name=value", values expanded */
	struct strlist args;    /* expanded; RUN/CMD/ENTRYPOINT/SHELL raw;
				 * ENV/LABEL: key, value, key, value...;
				 * ARG: name=value or name (unset) */
	bool json;              /* exec (JSON) form */
	const struct df_node *node; /* the syntax node (heredocs, original) */
	char **heredoc_bodies;  /* NULL-terminated; COPY/ADD bodies expanded
				 * when the delimiter was not quoted */
	int from_stage;         /* COPY --from / RUN --mount from: stage or -1 */
	char *from_image;       /* ...or an image reference, NULL */
};

struct plan_stage {
	int index;
	char *name;             /* lower-case, NULL when unnamed */
	char *base;             /* FROM argument after expansion */
	int base_stage;         /* index of the stage it continues, or -1 */
	char *platform;         /* FROM --platform, expanded; NULL */
	int line;
	struct plan_ins *ins;
	size_t nins;
	struct env_list env;    /* ENV as it stands at the stage's end */
	struct env_list args;   /* ARGs in scope at the stage's end */
	int *deps;              /* stages this one reads, ascending */
	size_t ndeps;
	struct kerr error;      /* set when the stage is broken */
	bool needed;            /* in the target's closure */
};

struct plan_opts {
	const char *target;          /* stage name; NULL = the last stage */
	struct env_list build_args;  /* --build-arg values */
	const char *platform;        /* target platform, e.g. "linux/amd64" */
	const char *build_platform;  /* the host's */
};

struct plan {
	char *file;
	struct plan_stage *stages;
	size_t nstages;
	int target;
	struct env_list meta_args;   /* ARGs before the first FROM */
	struct strlist unused_build_args;
};

/* Plans ast (the plan points into it: free the plan first); -1 with err "Dockerfile:N: ..." (KERR_USAGE) on failure. */
int plan_build(const struct df_ast *ast, const struct plan_opts *opts,
	       struct plan **out, struct kerr *err);
void plan_free(struct plan *p);
/* Plans an ONBUILD trigger's text as an instruction of stage index, as the
 * stage stands at its start (the ENV of the stage it continues). *ins
 * points into *ast: clear the instruction, then free the ast. */
int plan_trigger(const struct plan *p, int index, const char *text,
		 struct df_ast **ast, struct plan_ins *ins, struct kerr *err);
void plan_ins_clear(struct plan_ins *ins);
/* The stage graph as JSON (stages, instructions, deps, closure). */
json_t *plan_to_json(const struct plan *p);

/* Fills the automatic platform ARGs (BUILDPLATFORM, TARGETOS...). */
void plan_platform_args(struct env_list *env, const char *platform,
			const char *build_platform);
/* The host platform as os/arch[/variant]. */
const char *plan_host_platform(void);

#endif
