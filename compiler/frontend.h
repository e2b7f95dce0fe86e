/* frontend: reads a Dockerfile (a path, or "-" for stdin) and runs the
 * front end over it: parse, then plan. The one entry cmd/ calls. */
#ifndef KILN_FRONTEND_H
#define KILN_FRONTEND_H

#include "plan.h"

struct frontend_opts {
	const char *context;   /* build context dir, default "." */
	const char *file;      /* -f; NULL = CONTEXT/Dockerfile; "-" = stdin */
	struct plan_opts plan;
};

/* Reads and parses the Dockerfile. */
int frontend_parse(const struct frontend_opts *o, struct df_ast **ast,
		   struct kerr *err);
/* --build-arg K=V, or K taken from the environment (ignored if unset). */
void frontend_build_arg(struct frontend_opts *o, const char *spec);
void frontend_opts_clear(struct frontend_opts *o);

#endif
