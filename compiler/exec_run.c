/* exec_run: the RUN step (see exec_run.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../oci/fsutil.h"
#include "../oci/unpack.h"
#include "chown.h"
#include "copy.h"
#include "exec_run.h"
#include "sandbox.h"
#include "upper_diff.h"

/* Lower dirs, top first: each layer unpacked once into the cache. */
static int lowers(struct exec_ctx *c, struct strlist *out, struct kerr *err)
{
	json_t *diffs = c->st->diff_ids, *layers = c->st->layers;
	for (size_t i = json_array_size(diffs); i-- > 0;) {
		const char *diff = json_string_value(json_array_get(diffs, i));
		const char *dg = json_string_value(json_object_get(json_array_get(layers, i), "digest"));
		char *dir = diff ? layer_cache_dir(c->o->cache_dir, diff) : NULL;
		char *blob = dg ? blobstore_path(c->o->bs, dg) : NULL;
		struct stat st;
		int r = dir && blob ? 0 : kerr_set(err, KERR_BUILD, "layer %zu has no digest", i);
		if (!r && stat(dir, &st) < 0)
			r = layer_unpack(blob, dir, err);
		free(blob);
		if (r < 0) {
			free(dir);
			return -1;
		}
		strlist_push_owned(out, dir);
	}
	return 0;
}

/* Writes one tree entry below root (a RUN mount of a stage's files). */
static int write_entry(const char *root, const char *rel,
		       const struct layer_entry *e, struct kerr *err)
{
	struct strbuf path = STRBUF_INIT, data = STRBUF_INIT;
	int r = 0;
	sb_addf(&path, "%s/%s", root, rel);
	if (e->type == LAYER_DIR)
		r = fsutil_mkdir_p(path.buf, err);
	else if (e->type == LAYER_SYMLINK && symlink(e->link, path.buf) < 0)
		r = kerr_set(err, KERR_BUILD, "symlink %s: %s", path.buf, strerror(errno));
	else if (e->type == LAYER_FILE && !(r = fs_entry_read(e, &data, err))) {
		FILE *f = fopen(path.buf, "wb");
		if (!f || fwrite(data.buf ? data.buf : "", 1, data.len, f) != data.len)
			r = kerr_set(err, KERR_BUILD, "%s: %s", path.buf, strerror(errno));
		if (f)
			fclose(f);
		chmod(path.buf, e->mode);
	}
	sb_release(&path);
	sb_release(&data);
	return r;
}

/* RUN --mount=type=bind,from=<stage|image>: the source's files at or
 * below source=, written out to a scratch dir to bind. */
static int stage_files(struct exec_ctx *c, const struct plan_ins *ins,
		       const char *source, struct strbuf *out, struct kerr *err)
{
	struct stage_state *st = ins->from_stage >= 0 ? &c->sh->states[ins->from_stage] : NULL;
	if (!st && ins->from_image && exec_image_state(c, ins->from_image, &st, err) < 0)
		return -1;
	char *prefix = copy_clean_source(source);
	int r = !st ? kerr_set(err, KERR_BUILD, "--mount from=: no such stage or image") :
		!prefix ? kerr_set(err, KERR_USAGE, "--mount source=%s leaves the source", source) :
		exec_stage_content(c, st, prefix, err);
	size_t lo, hi, skip = prefix && *prefix ? strlen(prefix) + 1 : 0;
	sb_addf(out, "%s/mount-%d", c->o->tmpdir, c->sh->tmp_seq++);
	if (!r)
		r = fsutil_mkdir_p(out->buf, err);
	const struct layer_entry *self = !r && *prefix ? fs_tree_get(&st->root, prefix) : NULL;
	if (self && self->type != LAYER_DIR) {
		r = write_entry(out->buf, "f", self, err);
		sb_adds(out, "/f");
	}
	if (!r && !self && *prefix && !fs_tree_get(&st->root, prefix))
		r = kerr_set(err, KERR_BUILD, "--mount source=%s: not found", source);
	if (!r && (!self || self->type == LAYER_DIR)) {
		fs_tree_below(&st->root, prefix, &lo, &hi);
		for (size_t i = lo; !r && i < hi; i++)
			r = write_entry(out->buf, st->root.e[i].path + skip, &st->root.e[i], err);
	}
	free(prefix);
	return r;
}

static const char *mount_opt(const char *spec, const char *key, char *buf,
			     size_t len)
{
	size_t k = strlen(key);
	for (const char *p = spec; p && *p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL) {
		if (!strncmp(p, key, k) && p[k] == '=') {
			snprintf(buf, len, "%.*s", (int)strcspn(p + k + 1, ","), p + k + 1);
			return buf;
		}
	}
	return NULL;
}

/* --mount=type=bind (from the context, a stage or an image), cache,
 * tmpfs, secret. */
static int one_mount(struct exec_ctx *c, const struct plan_ins *ins,
		     const char *spec,
		     struct sandbox_mount *m, struct strlist *keep,
		     struct kerr *err)
{
	char type[32] = "bind", target[1024], source[1024], id[256];
	mount_opt(spec, "type", type, sizeof(type));
	if (!mount_opt(spec, "target", target, sizeof(target)) &&
	    !mount_opt(spec, "dst", target, sizeof(target)) &&
	    !mount_opt(spec, "destination", target, sizeof(target)))
		target[0] = '\0';
	struct strbuf src = STRBUF_INIT;
	memset(m, 0, sizeof(*m));
	if (!strcmp(type, "tmpfs")) {
		m->type = SANDBOX_MOUNT_TMPFS;
	} else if (!strcmp(type, "cache")) {
		const char *i = mount_opt(spec, "id", id, sizeof(id)) ? id : target;
		sb_addf(&src, "%s/mounts/cache/", c->o->cache_dir);
		for (; *i; i++)
			sb_addc(&src, *i == '/' ? '_' : *i);
		if (fsutil_mkdir_p(src.buf, err) < 0)
			return -1;
	} else if (!strcmp(type, "secret")) {
		const char *want = mount_opt(spec, "id", id, sizeof(id));
		const char *file = want ? env_get(c->o->secrets, id) : NULL;
		if (!file)
			return kerr_set(err, KERR_BUILD, "RUN --mount=%s: no --secret id=%s given", spec, want ? id : "");
		sb_adds(&src, file);
		if (!*target)
			snprintf(target, sizeof(target), "/run/secrets/%s", id);
		m->readonly = true;
	} else if (!strcmp(type, "bind") && !mount_opt(spec, "from", id, sizeof(id)) && c->o->ctx->root) {
		char *clean = copy_clean_source(mount_opt(spec, "source", source, sizeof(source)) ? source : "");
		if (!clean)
			return kerr_set(err, KERR_USAGE, "RUN --mount=%s: source is outside the build context", spec);
		sb_addf(&src, "%s/%s", c->o->ctx->root, clean);
		free(clean);
		m->readonly = !strstr(spec, ",rw") && !strstr(spec, "readwrite");
	} else if (!strcmp(type, "bind") && mount_opt(spec, "from", id, sizeof(id))) {
		if (stage_files(c, ins, mount_opt(spec, "source", source, sizeof(source)) ?
				source : "", &src, err) < 0)
			return kerr_prefix(err, "RUN --mount=%s", spec);
		m->readonly = !strstr(spec, ",rw") && !strstr(spec, "readwrite");
	} else {
		return kerr_set(err, KERR_BUILD, "RUN --mount=%s: not supported yet", spec);
	}
	if (!*target)
		return kerr_set(err, KERR_USAGE, "RUN --mount=%s: no target", spec);
	strlist_push(keep, target);
	m->target = keep->v[keep->n - 1];
	if (src.len) {
		strlist_push_owned(keep, sb_detach(&src, NULL));
		m->source = keep->v[keep->n - 1];
	}
	sb_release(&src);
	return 0;
}

static enum sandbox_network network_of(struct exec_ctx *c,
				       const struct plan_ins *ins)
{
	for (size_t i = 0; i < ins->flags.n; i++) {
		if (!strcmp(ins->flags.v[i], "--network=none"))
			return SANDBOX_NET_NONE;
		if (!strcmp(ins->flags.v[i], "--network=host"))
			return c->o->network_none ? SANDBOX_NET_NONE : SANDBOX_NET_HOST;
	}
	return c->o->network_none ? SANDBOX_NET_NONE : SANDBOX_NET_HOST;
}

/* Applies the step's layer: what the sandbox changed, as layer entries. */
static int commit_upper(struct exec_ctx *c, const char *upper,
			struct kerr *err)
{
	struct fs_tree layer = FS_TREE_INIT;
	int r = upper_diff(upper, c->o->epoch, &layer, err);
	if (!r)
		r = exec_commit_keyed(c, &layer, err);
	fs_tree_clear(&layer);
	return r;
}

struct run_parts {
	struct strlist lowers, argv, env, keep;
	struct sandbox_mount mounts[16];
	size_t n_mounts;
	struct run_user user;
	struct strbuf upper, work, prefix;
};

static int prepare(struct exec_ctx *c, const struct plan_ins *ins,
		   struct run_parts *p, struct kerr *err)
{
	const char *user = json_string_value(json_object_get(c->st->config, "User"));
	int r = lowers(c, &p->lowers, err);
	for (size_t i = 0; !r && i < ins->flags.n; i++) {
		if (strncmp(ins->flags.v[i], "--mount=", 8))
			continue;
		if (p->n_mounts == 16)
			return kerr_set(err, KERR_USAGE, "RUN: more than 16 --mount");
		r = one_mount(c, ins, ins->flags.v[i] + 8, &p->mounts[p->n_mounts++], &p->keep, err);
	}
	if (!r)
		r = exec_stage_content(c, c->st, "etc/passwd", err) ||
		    exec_stage_content(c, c->st, "etc/group", err) ? -1 : 0;
	if (!r && user && *user)
		r = run_user(&c->st->root, user, &p->user, err);
	run_argv(c->st, ins, &p->argv);
	run_env(c->st, &c->args, c->o->epoch, p->user.uid, &p->env);
	strlist_push_owned(&p->argv, NULL);
	strlist_push_owned(&p->env, NULL);
	int n = c->sh->tmp_seq++;
	sb_addf(&p->upper, "%s/run-%d/upper", c->o->tmpdir, n);
	sb_addf(&p->work, "%s/run-%d/work", c->o->tmpdir, n);
	sb_addf(&p->prefix, "[%d/%d] ", c->step, c->sh->steps);
	return r;
}

int exec_run(struct exec_ctx *c, const struct plan_ins *ins, struct kerr *err)
{
	struct run_parts p;
	bool hit;
	if (exec_reuse_layer(c, &hit, err) < 0)
		return -1;
	exec_progress(c, hit);
	if (hit)
		return 0;
	memset(&p, 0, sizeof(p));
	int r = prepare(c, ins, &p, err);
	struct sandbox_opts so = {
		.lowers = (const char *const *)p.lowers.v, .n_lowers = p.lowers.n,
		.upper = p.upper.buf, .work = p.work.buf, .argv = p.argv.v,
		.env = p.env.v, .cwd = exec_workdir_of(c->st), .uid = p.user.uid,
		.gid = p.user.gid, .groups = p.user.groups, .n_groups = p.user.n_groups,
		.network = network_of(c, ins), .mounts = p.mounts,
		.n_mounts = p.n_mounts, .prefix = p.prefix.buf, .quiet = c->o->quiet,
	};
	if (!r) {
		exec_unlock(c);
		r = sandbox_run(&so, err);
		exec_relock(c);
	}
	if (!r)
		r = commit_upper(c, p.upper.buf, err);
	strlist_clear(&p.lowers);
	strlist_clear(&p.argv);
	strlist_clear(&p.env);
	strlist_clear(&p.keep);
	sb_release(&p.upper);
	sb_release(&p.work);
	sb_release(&p.prefix);
	return r;
}
