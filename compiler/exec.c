/* exec: the executor's driver (see exec.h): stages in order, one step at a
 * time with a progress line, history, then config and manifest. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../oci/image.h"
#include "exec_internal.h"

#define DEFAULT_PATH "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

const char *exec_workdir_of(const struct stage_state *st)
{
	const char *wd = json_string_value(json_object_get(st->config, "WorkingDir"));
	return wd && *wd ? wd : "/";
}

static char *rfc3339(int64_t epoch)
{
	char buf[64];
	struct tm tm;
	time_t t = (time_t)epoch;
	gmtime_r(&t, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
	return xstrdup(buf);
}

void exec_default_path(json_t *config)
{
	json_t *env = json_object_get(config, "Env");
	if (!json_is_array(env)) {
		env = json_array();
		json_object_set_new(config, "Env", env);
	}
	json_array_insert_new(env, 0, json_string(DEFAULT_PATH));
}

void exec_state_clear(struct stage_state *s)
{
	fs_tree_clear(&s->root);
	json_decref(s->config);
	json_decref(s->history);
	json_decref(s->diff_ids);
	json_decref(s->layers);
	free(s->author);
	if (s->img)
		image_tree_clear(s->img);
	free(s->img);
	free(s->base_name);
	free(s->base_digest);
	memset(s, 0, sizeof(*s));
}

/* A stage starts from scratch, a registry image, or the stage it
 * continues. */
static int stage_init(struct exec_ctx *c, const struct plan_stage *ps,
		      struct stage_state *s, struct kerr *err)
{
	if (ps->base_stage >= 0) {
		const struct stage_state *b = &c->sh->states[ps->base_stage];
		fs_tree_copy(&s->root, &b->root);
		s->config = json_deep_copy(b->config);
		s->history = json_deep_copy(b->history);
		s->diff_ids = json_deep_copy(b->diff_ids);
		s->layers = json_deep_copy(b->layers);
		s->author = b->author ? xstrdup(b->author) : NULL;
		s->cmd_inherited = json_object_get(s->config, "Cmd") != NULL;
		s->img = b->img ? image_tree_copy(b->img, &s->root) : NULL;
		s->base_name = b->base_name ? xstrdup(b->base_name) : NULL;
		s->base_digest = b->base_digest ? xstrdup(b->base_digest) : NULL;
		return 0;
	}
	if (strcmp(ps->base, "scratch"))
		return exec_base_image(c, ps->base, s, err) < 0 ?
			       kerr_prefix(err, "%s:%d: FROM %s", c->o->plan->file,
					   ps->line, ps->base) : 0;
	s->config = json_object();
	exec_default_path(s->config);
	s->history = json_array();
	s->diff_ids = json_array();
	s->layers = json_array();
	return 0;
}

/* ARG values reach RUN steps (never the config). */
static int arg_scope(struct exec_ctx *c, const struct plan_ins *ins)
{
	for (size_t i = 0; i < ins->args.n; i++) {
		char *eq = strchr(ins->args.v[i], '=');
		if (!eq)
			continue;
		char *k = xstrndup(ins->args.v[i], (size_t)(eq - ins->args.v[i]));
		env_set(&c->args, k, eq + 1);
		free(k);
	}
	return 0;
}

static int run_step(struct exec_ctx *c, const struct plan_ins *ins,
		    struct kerr *err)
{
	const char *kw = ins->keyword;
	if (!strcmp(kw, "COPY") || !strcmp(kw, "ADD"))
		return exec_copy(c, ins, err);
	if (!strcmp(kw, "WORKDIR"))
		return exec_workdir(c, ins, err);
	if (!strcmp(kw, "RUN"))
		return exec_run(c, ins, err);
	if (!strcmp(kw, "ARG"))
		return 0; /* its scope was taken before the key */
	step_fn fn = exec_meta_handler(kw);
	if (!fn)
		return kerr_set(err, KERR_BUILD, "%s is not supported yet", kw);
	return fn(c, ins, err);
}

char *exec_created_by(const struct plan_ins *ins)
{
	struct strbuf sb = STRBUF_INIT;
	bool pairs = !strcmp(ins->keyword, "ENV") || !strcmp(ins->keyword, "LABEL");
	sb_adds(&sb, ins->keyword);
	for (size_t i = 0; i < ins->flags.n; i++)
		sb_addf(&sb, " %s", ins->flags.v[i]);
	if (ins->json) {
		json_t *a = json_array();
		for (size_t i = 0; i < ins->args.n; i++)
			json_array_append_new(a, json_string(ins->args.v[i]));
		char *s = json_dumps(a, JSON_COMPACT);
		sb_addf(&sb, " %s", s);
		free(s);
		json_decref(a);
		return sb_detach(&sb, NULL);
	}
	for (size_t i = 0; i < ins->args.n; i++)
		sb_addf(&sb, pairs && i % 2 ? "=%s" : " %s", ins->args.v[i]);
	return sb_detach(&sb, NULL);
}

static void add_history(struct exec_ctx *c, const struct plan_ins *ins,
			bool empty)
{
	char *created = rfc3339(c->o->epoch), *by = exec_created_by(ins);
	json_t *h = json_pack("{s:s, s:s}", "created", created, "created_by", by);
	if (empty)
		json_object_set_new(h, "empty_layer", json_true());
	json_array_append_new(c->st->history, h);
	free(created);
	free(by);
}

/* The ONBUILD triggers of the stage this one continues run first, and
 * are not passed on (as Docker does). */
static int run_triggers(struct exec_ctx *c, const struct plan_stage *ps,
			struct kerr *err)
{
	json_t *triggers = json_object_get(c->st->config, "OnBuild");
	size_t i;
	json_t *t;
	int r = 0;
	json_incref(triggers);
	json_object_del(c->st->config, "OnBuild");
	json_array_foreach(triggers, i, t)
	{
		struct df_ast *ast = NULL;
		struct plan_ins ins = { 0 };
		const char *text = json_string_value(t);
		if (!c->o->quiet)
			fprintf(stderr, "[%d/%d] ONBUILD trigger: %s\n", c->step,
				c->sh->steps, text);
		size_t layers = json_array_size(c->st->layers);
		r = plan_trigger(c->o->plan, ps->index, text ? text : "", &ast, &ins, err);
		c->line = text;
		c->printed = true;
		if (!r)
			exec_key_step(c, &ins);
		if (!r && (r = run_step(c, &ins, err)) == 0)
			add_history(c, &ins, json_array_size(c->st->layers) == layers);
		if (ins.keyword)
			plan_ins_clear(&ins);
		df_ast_free(ast);
		if (r < 0) {
			kerr_prefix(err, "%s:%d: ONBUILD trigger", c->o->plan->file, ps->line);
			break;
		}
	}
	json_decref(triggers);
	return r;
}

static int build_stage(struct exec_ctx *c, const struct plan_stage *ps,
		       struct kerr *err)
{
	struct stage_state *s = &c->sh->states[ps->index];
	c->st = s;
	c->ps = ps;
	env_clear(&c->args);
	if (!c->o->quiet)
		fprintf(stderr, "[%d/%d] FROM %s%s%s\n", ++c->sh->step, c->sh->steps,
			ps->base, ps->name ? " AS " : "", ps->name ? ps->name : "");
	if (stage_init(c, ps, s, err) < 0)
		return -1;
	exec_key_init(c, ps);
	if (run_triggers(c, ps, err) < 0)
		return -1;
	for (size_t i = 0; i < ps->nins; i++) {
		const struct plan_ins *ins = &ps->ins[i];
		size_t layers = json_array_size(s->layers);
		c->step = ++c->sh->step;
		c->line = ins->node->original;
		c->printed = false;
		if (!strcmp(ins->keyword, "ARG"))
			arg_scope(c, ins);
		exec_key_step(c, ins);
		int r = run_step(c, ins, err);
		exec_progress(c, false);
		if (r < 0)
			return kerr_prefix(err, "%s:%d", c->o->plan->file, ins->line);
		if (strcmp(ins->keyword, "ARG"))
			add_history(c, ins, json_array_size(s->layers) == layers);
	}
	memcpy(s->key, c->key, sizeof(s->key));
	s->built = true;
	return 0;
}

static json_t *image_config(struct exec_ctx *c, const struct stage_state *s)
{
	char *created = rfc3339(c->o->epoch);
	char *plat = xstrdup(c->o->platform);
	char *arch = strchr(plat, '/'), *variant = NULL;
	if (arch && (variant = strchr(++arch, '/')))
		*variant++ = '\0';
	if (arch)
		arch[-1] = '\0';
	json_t *cfg = json_pack("{s:s, s:s, s:s, s:O, s:{s:s, s:O}, s:O}",
				"architecture", arch ? arch : "amd64", "os", plat,
				"created", created, "config", s->config, "rootfs",
				"type", "layers", "diff_ids", s->diff_ids,
				"history", s->history);
	if (variant && *variant)
		json_object_set_new(cfg, "variant", json_string(variant));
	if (s->author)
		json_object_set_new(cfg, "author", json_string(s->author));
	free(created);
	free(plat);
	return cfg;
}

/* Stores config and manifest; fills out. */
static int write_image(struct exec_ctx *c, const struct stage_state *s,
		       struct oci_image_ref *out, struct kerr *err)
{
	json_t *cfg = image_config(c, s);
	uint64_t size;
	int r = oci_put_json(c->o->bs, cfg, out->config_digest, &size, err);
	json_decref(cfg);
	if (r < 0)
		return -1;
	json_t *notes = s->base_name ?
		json_pack("{s:s, s:s}", "org.opencontainers.image.base.name",
			  s->base_name, "org.opencontainers.image.base.digest",
			  s->base_digest) : NULL;
	json_t *m = oci_manifest_new(oci_descriptor(OCI_MEDIA_CONFIG,
						    out->config_digest, size),
				     json_deep_copy(s->layers), notes);
	r = oci_put_json(c->o->bs, m, out->manifest_digest,
			 &out->manifest_size, err);
	json_decref(m);
	size_t i;
	json_t *l;
	json_array_foreach(s->layers, i, l)
		strlist_push(&out->layer_digests,
			     json_string_value(json_object_get(l, "digest")));
	return r;
}

static int count_steps(const struct plan *p)
{
	int n = 0;
	for (size_t i = 0; i < p->nstages; i++)
		if (p->stages[i].needed)
			n += 1 + (int)p->stages[i].nins;
	return n;
}

void exec_unlock(struct exec_ctx *c)
{
	if (c->sh->parallel)
		pthread_mutex_unlock(&c->sh->lock);
}

void exec_relock(struct exec_ctx *c)
{
	if (c->sh->parallel)
		pthread_mutex_lock(&c->sh->lock);
}

/* The next needed stage whose dependencies are built: its index, -1 to
 * wait for one, -2 when nothing is left to start. */
static int next_ready(const struct plan *p, const struct exec_shared *sh)
{
	bool left = false;
	for (int i = 0; i <= p->target && !sh->failed; i++) {
		const struct plan_stage *ps = &p->stages[i];
		if (!ps->needed || sh->started[i])
			continue;
		bool ready = true;
		for (size_t d = 0; d < ps->ndeps; d++)
			ready &= sh->states[ps->deps[d]].built;
		if (ready)
			return i;
		left = true;
	}
	return left ? -1 : -2;
}

/* A builder thread: takes ready stages until none is left. The lock is
 * held throughout but for the long parts of steps. */
static void *builder(void *arg)
{
	struct exec_ctx c = *(struct exec_ctx *)arg;
	struct exec_shared *sh = c.sh;
	const struct plan *p = c.o->plan;
	struct kerr err = KERR_INIT;
	pthread_mutex_lock(&sh->lock);
	for (int i; (i = next_ready(p, sh)) != -2;) {
		if (i < 0) {
			pthread_cond_wait(&sh->done, &sh->lock);
			continue;
		}
		sh->started[i] = true;
		if (build_stage(&c, &p->stages[i], &err) < 0 && !sh->failed) {
			sh->failed = true;
			sh->error = err;
		}
		pthread_cond_broadcast(&sh->done);
	}
	pthread_mutex_unlock(&sh->lock);
	env_clear(&c.args);
	return NULL;
}

/* Independent stages build at once, one thread each up to the cores. */
static void build_stages(struct exec_ctx *c)
{
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	int n = 0;
	for (int i = 0; i <= c->o->plan->target; i++)
		n += c->o->plan->stages[i].needed;
	n = n < cores ? n : (int)(cores > 0 ? cores : 1);
	c->sh->parallel = n > 1;
	if (n <= 1) {
		builder(c);
		return;
	}
	pthread_t *t = xcalloc((size_t)n, sizeof(*t));
	int started = 0;
	for (; started < n; started++)
		if (pthread_create(&t[started], NULL, builder, c))
			break;
	if (!started)
		builder(c);
	for (int i = 0; i < started; i++)
		pthread_join(t[i], NULL);
	free(t);
}

int exec_build(const struct exec_opts *o, struct oci_image_ref *out,
	       struct kerr *err)
{
	const struct plan *p = o->plan;
	struct exec_shared sh = { 0 };
	struct exec_ctx c = { .o = o, .sh = &sh };
	int r;
	sh.states = xcalloc(p->nstages, sizeof(*sh.states));
	sh.started = xcalloc(p->nstages, sizeof(*sh.started));
	sh.steps = count_steps(p);
	pthread_mutex_init(&sh.lock, NULL);
	pthread_cond_init(&sh.done, NULL);
	build_stages(&c);
	sh.parallel = false;
	r = sh.failed ? (*err = sh.error, -1) : 0;
	if (!r)
		r = write_image(&c, &sh.states[p->target], out, err);
	for (size_t i = 0; i < p->nstages; i++)
		exec_state_clear(&sh.states[i]);
	for (size_t i = 0; i < sh.nimages; i++) {
		exec_state_clear(&sh.images[i].st);
		free(sh.images[i].key);
	}
	free(sh.images);
	free(sh.states);
	free(sh.started);
	pthread_mutex_destroy(&sh.lock);
	pthread_cond_destroy(&sh.done);
	return r;
}
