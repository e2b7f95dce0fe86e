/* exec_run_env: what a RUN step runs with: its argv (exec form, or the
 * shell form through SHELL with heredocs handed to the shell), its
 * environment (image ENV, the ARGs in scope, SOURCE_DATE_EPOCH) and its
 * user (names looked up in the stage's own /etc/passwd and /etc/group). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chown.h"
#include "exec_run.h"

void run_argv(const struct stage_state *st, const struct plan_ins *ins,
	      struct strlist *argv)
{
	if (ins->json) {
		for (size_t i = 0; i < ins->args.n; i++)
			strlist_push(argv, ins->args.v[i]);
		return;
	}
	json_t *shell = json_object_get(st->config, "Shell");
	size_t i;
	json_t *v;
	if (json_array_size(shell)) {
		json_array_foreach(shell, i, v)
			strlist_push(argv, json_string_value(v) ? json_string_value(v) : "");
	} else {
		strlist_push(argv, "/bin/sh");
		strlist_push(argv, "-c");
	}
	struct strbuf script = STRBUF_INIT;
	sb_adds(&script, ins->args.n ? ins->args.v[0] : "");
	for (size_t h = 0; ins->heredoc_bodies && ins->heredoc_bodies[h]; h++) {
		const char *body = ins->heredoc_bodies[h];
		size_t n = strlen(body);
		sb_addf(&script, "\n%s%s%s", body, n && body[n - 1] != '\n' ? "\n" : "",
			ins->node->heredocs[h].name);
	}
	strlist_push_owned(argv, sb_detach(&script, NULL));
}

static bool env_has(const struct strlist *env, const char *key)
{
	size_t n = strlen(key);
	for (size_t i = 0; i < env->n; i++)
		if (!strncmp(env->v[i], key, n) && env->v[i][n] == '=')
			return true;
	return false;
}

/* HOME from the stage's /etc/passwd entry of uid, "/" without one (as
 * runc does). */
static char *home_of(struct fs_tree *root, uid_t uid)
{
	const struct layer_entry *e = fs_tree_get(root, "etc/passwd");
	struct strbuf buf = STRBUF_INIT;
	struct kerr ignored = KERR_INIT;
	char *home = NULL;
	if (e && fs_entry_read(e, &buf, &ignored) == 0) {
		for (char *line = buf.buf, *next; line && *line && !home; line = next) {
			next = strchr(line, '\n');
			if (next)
				*next++ = '\0';
			char *f[7] = { line };
			for (int k = 1; k < 7 && f[k - 1]; k++)
				if ((f[k] = strchr(f[k - 1], ':')))
					*f[k]++ = '\0';
			if (f[5] && f[2] && strtoul(f[2], NULL, 10) == uid && *f[5])
				home = xstrdup(f[5]);
		}
	}
	sb_release(&buf);
	return home ? home : xstrdup("/");
}

void run_env(struct stage_state *st, const struct env_list *args,
	     int64_t epoch, uid_t uid, struct strlist *env)
{
	size_t i;
	json_t *v;
	json_array_foreach(json_object_get(st->config, "Env"), i, v)
		if (json_string_value(v))
			strlist_push(env, json_string_value(v));
	for (i = 0; i < args->keys.n; i++) {
		if (env_has(env, args->keys.v[i]))
			continue; /* ENV shadows ARG */
		struct strbuf kv = STRBUF_INIT;
		sb_addf(&kv, "%s=%s", args->keys.v[i], args->vals.v[i]);
		strlist_push_owned(env, sb_detach(&kv, NULL));
	}
	if (!env_has(env, "PATH"))
		strlist_push(env, "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
	if (!env_has(env, "HOME")) {
		char *home = home_of(&st->root, uid);
		struct strbuf kv = STRBUF_INIT;
		sb_addf(&kv, "HOME=%s", home);
		strlist_push_owned(env, sb_detach(&kv, NULL));
		free(home);
	}
	if (!env_has(env, "SOURCE_DATE_EPOCH")) {
		char buf[64];
		snprintf(buf, sizeof(buf), "SOURCE_DATE_EPOCH=%lld", (long long)epoch);
		strlist_push(env, buf);
	}
}

/* The groups of /etc/group that list user as a member. */
static void member_groups(struct fs_tree *root, const char *user,
			  struct run_user *u)
{
	const struct layer_entry *e = fs_tree_get(root, "etc/group");
	struct strbuf buf = STRBUF_INIT;
	struct kerr ignored = KERR_INIT;
	if (!e || fs_entry_read(e, &buf, &ignored) < 0) {
		sb_release(&buf);
		return;
	}
	for (char *line = buf.buf, *next; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		char *f[4] = { line };
		for (int k = 1; k < 4 && f[k - 1]; k++)
			if ((f[k] = strchr(f[k - 1], ':')))
				*f[k]++ = '\0';
		for (char *m = f[3] ? strtok(f[3], ",") : NULL; m; m = strtok(NULL, ","))
			if (!strcmp(m, user) && u->n_groups < RUN_MAX_GROUPS &&
			    strtoul(f[2], NULL, 10) != u->gid)
				u->groups[u->n_groups++] = (gid_t)strtoul(f[2], NULL, 10);
	}
	sb_release(&buf);
}

int run_user(struct fs_tree *root, const char *spec, struct run_user *u,
	     struct kerr *err)
{
	unsigned uid = 0, gid = 0;
	memset(u, 0, sizeof(*u));
	if (!spec || !*spec)
		return 0;
	char *name = xstrndup(spec, strcspn(spec, ":"));
	int r = chown_resolve(root, spec, &uid, &gid, err);
	if (!r && !strchr(spec, ':') && strspn(name, "0123456789") != strlen(name))
		r = passwd_primary_gid(root, name, &gid, err);
	u->uid = uid;
	u->gid = gid;
	u->groups[u->n_groups++] = gid; /* the primary group, as runc lists it */
	if (!r)
		member_groups(root, name, u);
	free(name);
	return r < 0 ? kerr_prefix(err, "USER %s", spec) : 0;
}
