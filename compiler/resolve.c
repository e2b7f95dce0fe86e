/* resolve: pinning a plan's external inputs (see resolve.h). */
#include "resolve.h"

#include <stdlib.h>
#include <string.h>

#include "../oci/reference.h"

bool resolve_is_url(const char *s)
{
	return !strncmp(s, "http://", 7) || !strncmp(s, "https://", 8);
}

char *resolve_image_key(const char *ref, struct kerr *err)
{
	struct oci_ref r;
	if (oci_ref_parse(ref, &r, err) < 0)
		return NULL;
	char *key = oci_ref_string(&r);
	oci_ref_clear(&r);
	return key;
}

/* An input, and the line that names it, for --locked messages. */
enum input_kind { IN_IMAGE, IN_URL, IN_GIT };

struct input {
	char *key;
	enum input_kind kind;
	int line;
};

static void add_input(struct strlist *keys, struct input **in, size_t *n,
		      char *key, enum input_kind kind, int line)
{
	if (strlist_has(keys, key)) {
		free(key);
		return;
	}
	strlist_push(keys, key);
	*in = xreallocarray(*in, *n + 1, sizeof(**in));
	(*in)[(*n)++] = (struct input){ key, kind, line };
}

/* The inputs of the stages that matter: those the target needs, and any
 * other stage that planned without error. */
static int collect(const struct plan *p, struct input **in, size_t *n,
		   struct kerr *err)
{
	struct strlist keys = STRLIST_INIT;
	for (size_t s = 0; s < p->nstages; s++) {
		const struct plan_stage *st = &p->stages[s];
		if (!st->needed && kerr_isset(&st->error))
			continue;
		const char *img = st->base_stage < 0 && strcmp(st->base, "scratch") ? st->base : NULL;
		for (size_t i = 0; i <= st->nins; i++) {
			const struct plan_ins *ins = i ? &st->ins[i - 1] : NULL;
			const char *ref = ins ? ins->from_image : img;
			int line = ins ? ins->line : st->line;
			char *key = ref ? resolve_image_key(ref, err) : NULL;
			if (ref && !key) {
				strlist_clear(&keys);
				return kerr_prefix(err, "%s:%d", p->file, line);
			}
			if (key)
				add_input(&keys, in, n, key, IN_IMAGE, line);
			for (size_t a = 0; ins && !strcmp(ins->keyword, "ADD") && a + 1 < ins->args.n; a++) {
				const char *v = ins->args.v[a];
				if (fetch_git_is_source(v))
					add_input(&keys, in, n, xstrdup(v), IN_GIT, line);
				else if (resolve_is_url(v))
					add_input(&keys, in, n, xstrdup(v), IN_URL, line);
			}
		}
	}
	strlist_clear(&keys);
	return 0;
}

static int pin(const struct resolve_opts *o, const struct input *in,
	       struct lockfile *lf, struct kerr *err)
{
	if (in->kind == IN_GIT) {
		char *url, *ref, *sub, commit[41];
		fetch_git_split(in->key, &url, &ref, &sub);
		int r = fetch_git_resolve(url, ref, commit, err);
		if (!r)
			lockfile_set_git(lf, url, ref, commit);
		free(url), free(ref), free(sub);
		return r;
	}
	if (in->kind == IN_URL) {
		char digest[DIGEST_BUFSZ];
		uint64_t size;
		if (fetch_url(o->fc, in->key, NULL, digest, &size, err) < 0)
			return -1;
		lockfile_set_source(lf, in->key, digest, size);
		return 0;
	}
	struct fetch_image im = { 0 };
	if (fetch_resolve(o->fc, in->key, &im, err) < 0)
		return -1;
	lockfile_set_image(lf, in->key, im.index_digest, im.manifest_digest);
	fetch_image_clear(&im);
	return 0;
}

static bool in_lock(const struct lockfile *lf, const struct input *in)
{
	if (in->kind == IN_GIT) {
		char *url, *ref, *sub;
		fetch_git_split(in->key, &url, &ref, &sub);
		bool have = lockfile_git(lf, url, ref) != NULL;
		free(url), free(ref), free(sub);
		return have;
	}
	return in->kind == IN_URL ? lockfile_source(lf, in->key) != NULL :
				    lockfile_image(lf, in->key) != NULL;
}

int resolve_plan(const struct resolve_opts *o, struct lockfile *lf,
		 bool *changed, struct kerr *err)
{
	struct input *in = NULL;
	size_t n = 0;
	struct strbuf missing = STRBUF_INIT;
	int r = collect(o->plan, &in, &n, err);
	*changed = false;
	for (size_t i = 0; !r && i < n; i++) {
		bool have = in_lock(lf, &in[i]);
		if (have && !o->update)
			continue;
		if (!have && (o->locked || !o->fc)) {
			sb_addf(&missing, "%s%s (%s:%d)", missing.len ? ", " : "",
				in[i].key, o->plan->file, in[i].line);
			continue;
		}
		if (o->fc && (r = pin(o, &in[i], lf, err)) < 0)
			kerr_prefix(err, "%s:%d", o->plan->file, in[i].line);
		*changed = *changed || !r;
	}
	if (!r && missing.len)
		r = kerr_set(err, KERR_BUILD, "%s: not in the lockfile: %s",
			     o->locked ? "--locked" : "offline", missing.buf);
	for (size_t i = 0; i < n; i++)
		free(in[i].key);
	free(in);
	sb_release(&missing);
	return r;
}
