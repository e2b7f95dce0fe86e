/* plan_stage: the planner's driver. Walks the syntax tree into stages,
 * resolves FROM <stage>, --from and mount references (backwards only, so
 * the graph has no cycles), and marks the closure the target needs. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "plan_internal.h"

static const char *const proxy_args[] = {
	"HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "FTP_PROXY",
	"ftp_proxy",  "NO_PROXY",   "no_proxy",    "ALL_PROXY",   "all_proxy",
	NULL
};

int ctx_expand(struct stage_ctx *c, const char *word, char **out,
	       struct kerr *err)
{
	struct env_list env = ENV_LIST_INIT;
	if (c->st) {
		env_copy(&env, &c->st->args);
		env_copy(&env, &c->st->env);
	} else {
		env_copy(&env, &c->plan->meta_args);
	}
	int r = shlex_word(&c->lx, word, &env, out, NULL, err);
	env_clear(&env);
	return r;
}

void plan_add_dep(struct plan_stage *st, int dep)
{
	size_t i = 0;
	while (i < st->ndeps && st->deps[i] < dep)
		i++;
	if (i < st->ndeps && st->deps[i] == dep)
		return;
	st->deps = xreallocarray(st->deps, st->ndeps + 1, sizeof(int));
	memmove(st->deps + i + 1, st->deps + i, (st->ndeps - i) * sizeof(int));
	st->deps[i] = dep;
	st->ndeps++;
}

static int find_stage(const struct plan *p, const char *name)
{
	for (size_t i = 0; i < p->nstages; i++)
		if (p->stages[i].name && !strcasecmp(p->stages[i].name, name))
			return (int)i;
	return -1;
}

int plan_resolve_from(struct stage_ctx *c, const char *ref, char **image,
		      struct kerr *err)
{
	int self = c->st->index, idx = find_stage(c->plan, ref);
	bool digits = *ref && strspn(ref, "0123456789") == strlen(ref);
	if (digits)
		idx = strlen(ref) < 6 ? atoi(ref) : 1 << 30;
	if (idx == self)
		return kerr_set(err, KERR_USAGE,
				"circular dependency: stage \"%s\" refers to itself",
				ref), -2;
	if (idx > self)
		return kerr_set(err, KERR_USAGE,
				digits ? "unknown stage %s: only earlier stages can be referenced" :
					 "stage \"%s\" is referenced before it is defined (forward reference)",
				ref), -2;
	if (idx >= 0)
		return idx;
	free(*image);
	*image = xstrdup(ref);
	return -1;
}

/* Stage names are known before any stage is planned, so that a forward
 * reference is an error rather than an image name. */
static void prescan_stages(struct plan *p, const struct df_node *root)
{
	for (size_t i = 0; i < root->nchildren; i++) {
		const struct df_node *n = root->children[i];
		if (strcmp(n->value, "from"))
			continue;
		p->stages = xreallocarray(p->stages, p->nstages + 1, sizeof(*p->stages));
		struct plan_stage *st = &p->stages[p->nstages];
		memset(st, 0, sizeof(*st));
		st->index = (int)p->nstages++;
		st->base_stage = -1;
		st->line = n->start_line;
		const struct df_node *as = n->next ? n->next->next : NULL;
		if (as && as->next && !strcasecmp(as->value, "as")) {
			st->name = xstrdup(as->next->value);
			for (char *s = st->name; *s; s++)
				*s = (char)tolower((unsigned char)*s);
		}
	}
}

static bool valid_stage_name(const char *s)
{
	if (!islower((unsigned char)*s))
		return false;
	for (s++; *s; s++)
		if (!islower((unsigned char)*s) && !isdigit((unsigned char)*s) &&
		    !strchr("-_.", *s))
			return false;
	return true;
}

static int plan_from(struct stage_ctx *c, const struct df_node *n,
		     struct plan_stage *st, struct kerr *err)
{
	size_t k = 0;
	for (const struct df_node *a = n->next; a; a = a->next)
		k++;
	if (k != 1 && !(k == 3 && !strcasecmp(n->next->next->value, "as")))
		return kerr_set(err, KERR_USAGE,
				"FROM requires either one or three arguments (FROM image [AS name])");
	if (st->name && !valid_stage_name(st->name))
		return kerr_set(err, KERR_USAGE,
				"invalid stage name \"%s\": must start with a letter and hold only letters, digits, '-', '_' and '.'",
				st->name);
	if (plan_check_flags("FROM", &n->flags, err) < 0 ||
	    ctx_expand(c, n->next->value, &st->base, err) < 0)
		return -1;
	for (size_t i = 0; i < n->flags.n; i++)
		if (!strncmp(n->flags.v[i], "--platform=", 11) &&
		    ctx_expand(c, n->flags.v[i] + 11, &st->platform, err) < 0)
			return -1;
	if (!*st->base)
		return kerr_set(err, KERR_USAGE, "FROM: base name is empty after expansion");
	int b = find_stage(c->plan, st->base);
	if (b >= st->index)
		return kerr_set(err, KERR_USAGE, b == st->index ?
				"circular dependency: stage \"%s\" is FROM itself" :
				"FROM %s: stage is defined later (forward reference)",
				st->base);
	if (b >= 0) {
		st->base_stage = b;
		plan_add_dep(st, b);
		env_copy(&st->env, &c->plan->stages[b].env);
	}
	return 0;
}

static void stage_error(struct stage_ctx *c, struct plan_stage *st,
			struct kerr *err, int line)
{
	if (kerr_isset(&st->error))
		return;
	kerr_prefix(err, "%s:%d", c->plan->file, line);
	st->error = *err;
	kerr_clear(err);
}

static bool is_known(const char *kw)
{
	static const char *const known[] = {
		"add", "arg", "cmd", "copy", "entrypoint", "env", "expose",
		"from", "healthcheck", "label", "maintainer", "onbuild", "run",
		"shell", "stopsignal", "user", "volume", "workdir", NULL
	};
	for (const char *const *k = known; *k; k++)
		if (!strcmp(*k, kw))
			return true;
	return false;
}

/* One instruction: a new stage on FROM, global ARGs before it, else an
 * instruction of the current stage. Errors inside a stage are recorded on
 * the stage and only matter when the target needs it. */
static int walk_node(struct stage_ctx *c, const struct df_node *n,
		     size_t *next_stage, struct kerr *err)
{
	if (!is_known(n->value))
		return kerr_set(err, KERR_USAGE, "unknown instruction \"%.*s\"",
				(int)strcspn(n->original, " \t\v\f\r"), n->original);
	if (!strcmp(n->value, "from")) {
		struct plan_stage *st = &c->plan->stages[(*next_stage)++];
		c->st = NULL;
		if (plan_from(c, n, st, err) < 0)
			stage_error(c, st, err, n->start_line);
		c->st = st;
		return 0;
	}
	if (!c->st && strcmp(n->value, "arg"))
		return kerr_set(err, KERR_USAGE,
				"%s: no build stage in current context (only ARG may come before the first FROM)",
				n->value);
	if (!c->st)
		return plan_arg(c, n, err);
	if (kerr_isset(&c->st->error))
		return 0;
	int r = !strcmp(n->value, "arg") ? plan_arg(c, n, err) :
					     plan_add_instruction(c, n, err);
	if (r < 0)
		stage_error(c, c->st, err, n->start_line);
	return 0;
}

static int pick_target(struct plan *p, const char *target, struct kerr *err)
{
	p->target = (int)p->nstages - 1;
	if (target && (p->target = find_stage(p, target)) < 0)
		return kerr_set(err, KERR_USAGE,
				"%s: target stage \"%s\" could not be found",
				p->file, target);
	return 0;
}

/* Marks the target's closure; the first broken stage in it fails. */
static int mark_closure(struct plan *p, struct kerr *err)
{
	p->stages[p->target].needed = true;
	for (int i = p->target; i >= 0; i--) {
		struct plan_stage *st = &p->stages[i];
		if (!st->needed)
			continue;
		for (size_t d = 0; d < st->ndeps; d++)
			p->stages[st->deps[d]].needed = true;
	}
	for (size_t i = 0; i < p->nstages; i++) {
		if (p->stages[i].needed && kerr_isset(&p->stages[i].error)) {
			*err = p->stages[i].error;
			return -1;
		}
	}
	return 0;
}

static void note_unused(struct plan *p, const struct stage_ctx *c)
{
	const struct env_list *b = &c->opts->build_args;
	for (size_t i = 0; i < b->keys.n; i++) {
		bool proxy = false;
		for (const char *const *k = proxy_args; *k; k++)
			proxy |= !strcmp(*k, b->keys.v[i]);
		if (!proxy && !strlist_has(&c->used_build_args, b->keys.v[i]))
			strlist_push(&p->unused_build_args, b->keys.v[i]);
	}
}

static int walk(struct stage_ctx *c, const struct df_ast *ast,
		struct kerr *err)
{
	size_t next_stage = 0;
	plan_platform_args(&c->plan->meta_args, c->opts->platform ?
				c->opts->platform : plan_host_platform(),
			   c->opts->build_platform ? c->opts->build_platform :
				plan_host_platform());
	for (size_t i = 0; i < ast->root->nchildren; i++) {
		const struct df_node *n = ast->root->children[i];
		if (walk_node(c, n, &next_stage, err) < 0)
			return kerr_prefix(err, "%s:%d", ast->file, n->start_line);
	}
	if (!c->plan->nstages)
		return kerr_set(err, KERR_USAGE,
				"%s: dockerfile contains no stages to build (no FROM)",
				ast->file);
	return 0;
}

int plan_build(const struct df_ast *ast, const struct plan_opts *opts,
	       struct plan **out, struct kerr *err)
{
	struct plan *p = xcalloc(1, sizeof(*p));
	struct stage_ctx c = { .plan = p, .opts = opts };
	c.lx = (struct shlex)SHLEX_INIT;
	c.lx.escape = ast->dir.escape;
	p->file = xstrdup(ast->file);
	prescan_stages(p, ast->root);
	int r = walk(&c, ast, err);
	if (!r)
		r = pick_target(p, opts->target, err);
	if (!r)
		r = mark_closure(p, err);
	note_unused(p, &c);
	strlist_clear(&c.used_build_args);
	if (r < 0) {
		plan_free(p);
		return -1;
	}
	*out = p;
	return 0;
}

void plan_ins_clear(struct plan_ins *ins)
{
	free(ins->keyword);
	strlist_clear(&ins->flags);
	strlist_clear(&ins->args);
	for (size_t i = 0; ins->heredoc_bodies && ins->heredoc_bodies[i]; i++)
		free(ins->heredoc_bodies[i]);
	free(ins->heredoc_bodies);
	free(ins->from_image);
}

void plan_free(struct plan *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->nstages; i++) {
		struct plan_stage *st = &p->stages[i];
		for (size_t j = 0; j < st->nins; j++)
			plan_ins_clear(&st->ins[j]);
		free(st->ins);
		free(st->name);
		free(st->base);
		free(st->platform);
		free(st->deps);
		env_clear(&st->env);
		env_clear(&st->args);
	}
	free(p->stages);
	free(p->file);
	env_clear(&p->meta_args);
	strlist_clear(&p->unused_build_args);
	free(p);
}

int plan_trigger(const struct plan *p, int index, const char *text,
		 struct df_ast **ast, struct plan_ins *ins, struct kerr *err)
{
	const struct plan_stage *st = &p->stages[index];
	struct plan_stage tmp = { .index = index, .base_stage = st->base_stage };
	struct plan_opts opts = { 0 };
	struct stage_ctx c = { .plan = (struct plan *)p, .st = &tmp, .opts = &opts };
	int r = df_parse(p->file, text, strlen(text), ast, err);
	c.lx = (struct shlex)SHLEX_INIT;
	if (st->base_stage >= 0)
		env_copy(&tmp.env, &p->stages[st->base_stage].env);
	if (!r && (*ast)->root->nchildren != 1)
		r = kerr_set(err, KERR_USAGE, "ONBUILD trigger \"%s\" is not one instruction", text);
	if (!r && !is_known((*ast)->root->children[0]->value))
		r = kerr_set(err, KERR_USAGE, "ONBUILD trigger \"%s\": unknown instruction", text);
	if (!r)
		r = plan_add_instruction(&c, (*ast)->root->children[0], err);
	if (!r)
		*ins = tmp.ins[0];
	else if (tmp.nins)
		plan_ins_clear(&tmp.ins[0]);
	free(tmp.ins);
	free(tmp.deps);
	env_clear(&tmp.env);
	env_clear(&tmp.args);
	strlist_clear(&c.used_build_args);
	return r;
}
