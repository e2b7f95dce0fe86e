/* plan_args: ARG scoping. ARGs before the first FROM are visible only to
 * FROM lines unless a stage re-declares them; --build-arg overrides a
 * default; the automatic platform ARGs live in the global scope. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "plan_internal.h"

const char *plan_host_platform(void)
{
	static char buf[96];
	struct utsname u;
	const char *arch = "amd64";
	if (!uname(&u)) {
		if (!strcmp(u.machine, "aarch64"))
			arch = "arm64";
		else if (!strncmp(u.machine, "armv7", 5))
			arch = "arm/v7";
		else if (!strcmp(u.machine, "i686") || !strcmp(u.machine, "i386"))
			arch = "386";
		else if (!strcmp(u.machine, "s390x") || !strcmp(u.machine, "ppc64le") ||
			 !strcmp(u.machine, "riscv64"))
			arch = u.machine;
	}
	snprintf(buf, sizeof(buf), "linux/%s", arch);
	return buf;
}

/* Sets PREFIXPLATFORM, PREFIXOS, PREFIXARCH, PREFIXVARIANT from os/arch/v. */
static void set_platform(struct env_list *env, const char *prefix,
			 const char *platform)
{
	char key[32], *copy = xstrdup(platform);
	char *os = copy, *arch = strchr(copy, '/'), *variant = NULL;
	if (arch) {
		*arch++ = '\0';
		variant = strchr(arch, '/');
		if (variant)
			*variant++ = '\0';
	}
	snprintf(key, sizeof(key), "%sPLATFORM", prefix);
	env_set(env, key, platform);
	snprintf(key, sizeof(key), "%sOS", prefix);
	env_set(env, key, os);
	snprintf(key, sizeof(key), "%sARCH", prefix);
	env_set(env, key, arch ? arch : "");
	snprintf(key, sizeof(key), "%sVARIANT", prefix);
	env_set(env, key, variant ? variant : "");
	free(copy);
}

void plan_platform_args(struct env_list *env, const char *platform,
			const char *build_platform)
{
	set_platform(env, "BUILD", build_platform);
	set_platform(env, "TARGET", platform);
}

/* The value an ARG gets: --build-arg, else its default, else (in a stage)
 * the global ARG of that name. NULL: declared but unset. */
static int arg_value(struct stage_ctx *c, const char *name, const char *def,
		     char **out, struct kerr *err)
{
	const char *v = env_get(&c->opts->build_args, name);
	*out = NULL;
	if (v) {
		if (!strlist_has(&c->used_build_args, name))
			strlist_push(&c->used_build_args, name);
		*out = xstrdup(v);
		return 0;
	}
	if (def)
		return ctx_expand(c, def, out, err);
	if (c->st && (v = env_get(&c->plan->meta_args, name)))
		*out = xstrdup(v);
	return 0;
}

static int declare(struct stage_ctx *c, const char *word, struct strlist *shown,
		   struct kerr *err)
{
	const char *eq = strchr(word, '=');
	char *name = xstrndup(word, eq ? (size_t)(eq - word) : strlen(word));
	char *key = NULL, *val = NULL;
	int ret = ctx_expand(c, name, &key, err);
	if (!ret && !*key)
		ret = kerr_set(err, KERR_USAGE, "ARG requires a name");
	if (!ret)
		ret = arg_value(c, key, eq ? eq + 1 : NULL, &val, err);
	if (!ret) {
		struct env_list *scope = c->st ? &c->st->args : &c->plan->meta_args;
		if (val)
			env_set(scope, key, val);
		struct strbuf sb = STRBUF_INIT;
		sb_addf(&sb, "%s%s%s", key, val ? "=" : "", val ? val : "");
		strlist_push_owned(shown, sb_detach(&sb, NULL));
	}
	free(name);
	free(key);
	free(val);
	return ret;
}

int plan_arg(struct stage_ctx *c, const struct df_node *n, struct kerr *err)
{
	struct strlist shown = STRLIST_INIT;
	if (!n->next)
		return kerr_set(err, KERR_USAGE, "ARG requires at least one argument");
	if (n->flags.n)
		return plan_check_flags("ARG", &n->flags, err);
	for (const struct df_node *a = n->next; a; a = a->next) {
		if (declare(c, a->value, &shown, err) < 0) {
			strlist_clear(&shown);
			return -1;
		}
	}
	if (!c->st) {
		strlist_clear(&shown);
		return 0;
	}
	struct plan_stage *st = c->st;
	st->ins = xreallocarray(st->ins, st->nins + 1, sizeof(*st->ins));
	struct plan_ins *ins = &st->ins[st->nins++];
	memset(ins, 0, sizeof(*ins));
	ins->keyword = xstrdup("ARG");
	ins->line = n->start_line;
	ins->node = n;
	ins->from_stage = -1;
	ins->args = shown;
	return 0;
}
