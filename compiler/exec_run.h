/* exec_run: the RUN step: the stage's layers unpacked once each into the
 * cache (keyed by diffID) as overlay lower dirs, the command run in kiln's
 * sandbox, the upper dir turned into the step's layer. */
#ifndef KILN_EXEC_RUN_H
#define KILN_EXEC_RUN_H

#include <sys/types.h>

#include "exec_internal.h"

#define RUN_MAX_GROUPS 64

struct run_user {
	uid_t uid;
	gid_t gid;
	gid_t groups[RUN_MAX_GROUPS];
	size_t n_groups;
};

/* Exec form as given; shell form through SHELL, heredocs in the script. */
void run_argv(const struct stage_state *st, const struct plan_ins *ins,
	      struct strlist *argv);
/* Image ENV, then the ARGs in scope that ENV does not shadow, a default
 * PATH, HOME (from /etc/passwd for uid), SOURCE_DATE_EPOCH. */
void run_env(struct stage_state *st, const struct env_list *args,
	     int64_t epoch, uid_t uid, struct strlist *env);
/* USER name[:group] or uid[:gid] from the stage's own files; a name
 * without a group takes its primary group, plus its supplementary ones. */
int run_user(struct fs_tree *root, const char *spec, struct run_user *u,
	     struct kerr *err);

#endif
