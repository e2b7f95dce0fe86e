/* plan_ins: one instruction inside a stage: arity and form checks, word
 * expansion where BuildKit applies it, and ENV/stage references. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "plan_internal.h"

/* Instructions whose arguments are expanded (ARG and FROM elsewhere). */
static const char *const expanded[] = { "ADD", "COPY", "ENV", "EXPOSE",
					"LABEL", "STOPSIGNAL", "USER",
					"VOLUME", "WORKDIR", NULL };
static const char *const known[] = { "ADD", "ARG", "CMD", "COPY",
				     "ENTRYPOINT", "ENV", "EXPOSE", "FROM",
				     "HEALTHCHECK", "LABEL", "MAINTAINER",
				     "ONBUILD", "RUN", "SHELL", "STOPSIGNAL",
				     "USER", "VOLUME", "WORKDIR", NULL };

static bool in_list(const char *const *list, const char *s)
{
	for (; *list; list++)
		if (!strcmp(*list, s))
			return true;
	return false;
}

static size_t count_args(const struct df_node *n)
{
	size_t k = 0;
	for (const struct df_node *a = n->next; a; a = a->next)
		k++;
	return k;
}

/* Arity and form rules of BuildKit's instructions.Parse. */
static int check_shape(const char *kw, const struct df_node *n,
		       struct kerr *err)
{
	size_t k = count_args(n);
	if ((!strcmp(kw, "COPY") || !strcmp(kw, "ADD")) && k < 2 &&
	    !n->nheredocs)
		return kerr_set(err, KERR_USAGE,
				"%s requires at least two arguments, but only %s provided. Destination could not be determined",
				kw, k ? "one was" : "none were");
	if ((!strcmp(kw, "SHELL")) && !n->json)
		return kerr_set(err, KERR_USAGE,
				"SHELL requires the arguments to be in JSON form");
	if (k == 0 && (in_list(expanded, kw) || !strcmp(kw, "MAINTAINER") ||
		       !strcmp(kw, "HEALTHCHECK") || !strcmp(kw, "ONBUILD") ||
		       !strcmp(kw, "SHELL") || !strcmp(kw, "RUN")))
		return kerr_set(err, KERR_USAGE, "%s requires at least one argument",
				kw);
	if (!strcmp(kw, "HEALTHCHECK")) {
		const char *t = n->next->value;
		if (!strcasecmp(t, "NONE") && (k > 1 || n->flags.n))
			return kerr_set(err, KERR_USAGE,
					"HEALTHCHECK NONE takes no arguments");
		if (strcasecmp(t, "NONE") && strcasecmp(t, "CMD"))
			return kerr_set(err, KERR_USAGE,
					"HEALTHCHECK: unknown type \"%s\" (want CMD or NONE)", t);
		if (!strcasecmp(t, "CMD") && k < 2)
			return kerr_set(err, KERR_USAGE,
					"HEALTHCHECK CMD requires a command");
	}
	return 0;
}

static int check_onbuild(const struct df_node *n, struct kerr *err)
{
	const struct df_node *sub = n->next->children[0];
	if (!strcmp(sub->value, "onbuild"))
		return kerr_set(err, KERR_USAGE,
				"chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed");
	if (!strcmp(sub->value, "from") || !strcmp(sub->value, "maintainer"))
		return kerr_set(err, KERR_USAGE,
				"%s isn't allowed as an ONBUILD trigger", sub->value);
	return 0;
}

/* "--name=value": the value part expanded. */
static int expand_flags(struct stage_ctx *c, const struct df_node *n,
			struct plan_ins *ins, struct kerr *err)
{
	for (size_t i = 0; i < n->flags.n; i++) {
		const char *f = n->flags.v[i];
		const char *eq = strchr(f, '=');
		char *val;
		if (!eq) {
			strlist_push(&ins->flags, f);
			continue;
		}
		if (ctx_expand(c, eq + 1, &val, err) < 0)
			return -1;
		struct strbuf sb = STRBUF_INIT;
		sb_add(&sb, f, (size_t)(eq - f) + 1);
		sb_adds(&sb, val);
		free(val);
		strlist_push_owned(&ins->flags, sb_detach(&sb, NULL));
	}
	return 0;
}

static int expand_args(struct stage_ctx *c, const struct df_node *n,
		       struct plan_ins *ins, struct kerr *err)
{
	bool expand = in_list(expanded, ins->keyword);
	bool pairs = !strcmp(ins->keyword, "ENV") || !strcmp(ins->keyword, "LABEL");
	size_t k = 0;
	for (const struct df_node *a = n->next; a; a = a->next, k++) {
		char *v;
		if (pairs && k % 3 == 2)
			continue; /* the "=" or "" separator of key value sep */
		if (!strcmp(ins->keyword, "ONBUILD"))
			v = xstrdup(a->children[0]->original);
		else if (!expand || (a->value[0] == '<' && a->value[1] == '<' &&
				     n->nheredocs))
			v = xmemdup0(a->value, a->value_len);
		else if (ctx_expand(c, a->value, &v, err) < 0)
			return -1;
		strlist_push_owned(&ins->args, v);
	}
	return 0;
}

/* ENV k=v...: every value sees the environment from before the line. */
static void apply_env(struct stage_ctx *c, const struct plan_ins *ins)
{
	for (size_t i = 0; i + 1 < ins->args.n; i += 2)
		env_set(&c->st->env, ins->args.v[i], ins->args.v[i + 1]);
}

/* <<- : every line loses its leading tabs. */
static char *strip_tabs(const char *s)
{
	struct strbuf sb = STRBUF_INIT;
	for (bool bol = true; *s; s++) {
		if (bol && *s == '\t')
			continue;
		sb_addc(&sb, *s);
		bol = *s == '\n';
	}
	return sb_detach(&sb, NULL);
}

/* Expands COPY/ADD heredoc bodies whose delimiter was not quoted. */
static int expand_heredocs(struct stage_ctx *c, const struct df_node *n,
			   struct plan_ins *ins, struct kerr *err)
{
	struct shlex saved = c->lx;
	int ret = 0;
	ins->heredoc_bodies = xcalloc(n->nheredocs + 1, sizeof(char *));
	c->lx.raw_quotes = true;
	for (size_t i = 0; i < n->nheredocs && !ret; i++) {
		const struct df_heredoc *h = &n->heredocs[i];
		char *body = h->chomp ? strip_tabs(h->content) : xstrdup(h->content);
		if (h->expand && strcmp(ins->keyword, "RUN")) {
			ret = ctx_expand(c, body, &ins->heredoc_bodies[i], err);
			free(body);
		} else {
			ins->heredoc_bodies[i] = body;
		}
	}
	c->lx = saved;
	return ret;
}

/* COPY --from and RUN --mount=...,from=X make stage dependencies. */
static int resolve_refs(struct stage_ctx *c, struct plan_ins *ins,
			struct kerr *err)
{
	for (size_t i = 0; i < ins->flags.n; i++) {
		const char *f = ins->flags.v[i], *ref = NULL;
		if (!strncmp(f, "--from=", 7) && !strcmp(ins->keyword, "COPY"))
			ref = f + 7;
		if (!strncmp(f, "--mount=", 8)) {
			const char *p = strstr(f, "from=");
			while (p && p[-1] != ',' && p[-1] != '=')
				p = strstr(p + 1, "from=");
			ref = p ? p + 5 : NULL;
		}
		if (!ref)
			continue;
		char *name = xstrndup(ref, strcspn(ref, ","));
		int r = plan_resolve_from(c, name, &ins->from_image, err);
		free(name);
		if (r < -1)
			return -1;
		ins->from_stage = r;
		if (r >= 0)
			plan_add_dep(c->st, r);
	}
	return 0;
}

static int fill_instruction(struct stage_ctx *c, const struct df_node *n,
			    struct plan_ins *ins, struct kerr *err)
{
	if (check_shape(ins->keyword, n, err) < 0 ||
	    (!strcmp(ins->keyword, "ONBUILD") && check_onbuild(n, err) < 0) ||
	    plan_check_flags(ins->keyword, &n->flags, err) < 0 ||
	    expand_flags(c, n, ins, err) < 0 || expand_args(c, n, ins, err) < 0 ||
	    (n->nheredocs && expand_heredocs(c, n, ins, err) < 0) ||
	    resolve_refs(c, ins, err) < 0)
		return -1;
	if (!strcmp(ins->keyword, "ENV"))
		apply_env(c, ins);
	return 0;
}

int plan_add_instruction(struct stage_ctx *c, const struct df_node *n,
			 struct kerr *err)
{
	struct plan_stage *st = c->st;
	char kw[32];
	size_t i;
	for (i = 0; i + 1 < sizeof(kw) && n->value[i]; i++)
		kw[i] = (char)toupper((unsigned char)n->value[i]);
	kw[i] = '\0';
	if (!in_list(known, kw) || n->value[i])
		return kerr_set(err, KERR_USAGE, "unknown instruction \"%.*s\"",
				(int)strcspn(n->original, " \t\v\f\r"),
				n->original);
	st->ins = xreallocarray(st->ins, st->nins + 1, sizeof(*st->ins));
	struct plan_ins *ins = &st->ins[st->nins++];
	memset(ins, 0, sizeof(*ins));
	ins->keyword = xstrdup(kw);
	ins->line = n->start_line;
	ins->node = n;
	ins->json = n->json;
	ins->from_stage = -1;
	return fill_instruction(c, n, ins, err);
}
