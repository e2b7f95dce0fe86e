/* plan_json: the stage graph as JSON, for `kiln parse --json` and tests. */
#include "plan.h"

static json_t *strlist_json(const struct strlist *l)
{
	json_t *a = json_array();
	for (size_t i = 0; i < l->n; i++)
		json_array_append_new(a, json_string(l->v[i]));
	return a;
}

static json_t *env_json(const struct env_list *e)
{
	json_t *o = json_object();
	for (size_t i = 0; i < e->keys.n; i++)
		json_object_set_new(o, e->keys.v[i], json_string(e->vals.v[i]));
	return o;
}

static json_t *heredocs_json(const struct plan_ins *ins)
{
	json_t *a = json_array();
	for (size_t i = 0; ins->heredoc_bodies && ins->heredoc_bodies[i]; i++) {
		const struct df_heredoc *h = &ins->node->heredocs[i];
		json_array_append_new(a, json_pack("{s:s, s:s, s:b, s:b, s:i}",
						   "name", h->name, "content",
						   ins->heredoc_bodies[i],
						   "expand", h->expand, "chomp",
						   h->chomp, "fd", (int)h->fd));
	}
	return a;
}

static json_t *ins_json(const struct plan_ins *ins)
{
	json_t *o = json_pack("{s:s, s:i, s:o, s:o, s:b}", "instruction",
			      ins->keyword, "line", ins->line, "flags",
			      strlist_json(&ins->flags), "args",
			      strlist_json(&ins->args), "json", ins->json);
	if (ins->heredoc_bodies)
		json_object_set_new(o, "heredocs", heredocs_json(ins));
	if (ins->from_stage >= 0)
		json_object_set_new(o, "from_stage", json_integer(ins->from_stage));
	if (ins->from_image)
		json_object_set_new(o, "from_image", json_string(ins->from_image));
	return o;
}

static json_t *stage_json(const struct plan_stage *st)
{
	json_t *ins = json_array(), *deps = json_array();
	for (size_t i = 0; i < st->nins; i++)
		json_array_append_new(ins, ins_json(&st->ins[i]));
	for (size_t i = 0; i < st->ndeps; i++)
		json_array_append_new(deps, json_integer(st->deps[i]));
	json_t *o = json_pack("{s:i, s:o, s:o, s:i, s:o, s:o, s:b, s:o, s:o}",
			      "index", st->index, "name",
			      st->name ? json_string(st->name) : json_null(),
			      "base", st->base ? json_string(st->base) : json_null(),
			      "line", st->line, "instructions", ins, "deps", deps,
			      "needed", st->needed, "env", env_json(&st->env),
			      "args", env_json(&st->args));
	json_object_set_new(o, "base_stage", st->base_stage >= 0 ?
				   json_integer(st->base_stage) : json_null());
	json_object_set_new(o, "platform", st->platform ?
				   json_string(st->platform) : json_null());
	if (kerr_isset(&st->error))
		json_object_set_new(o, "error", json_string(st->error.msg));
	return o;
}

json_t *plan_to_json(const struct plan *p)
{
	json_t *stages = json_array(), *closure = json_array();
	for (size_t i = 0; i < p->nstages; i++) {
		json_array_append_new(stages, stage_json(&p->stages[i]));
		if (p->stages[i].needed)
			json_array_append_new(closure, json_integer((json_int_t)i));
	}
	return json_pack("{s:o, s:i, s:o, s:o, s:o}", "stages", stages,
			 "target", p->target, "closure", closure, "meta_args",
			 env_json(&p->meta_args), "unused_build_args",
			 strlist_json(&p->unused_build_args));
}
