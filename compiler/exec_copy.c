/* exec_copy: the steps that write files: COPY, ADD (local files and tar
 * archives) and WORKDIR, each committed as one normalised layer. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chown.h"
#include "copy.h"
#include "exec_run.h"
#include "go_match.h"
#include "resolve.h"

struct copy_flags {
	const char *chown, *chmod;
	struct strlist exclude;
	bool parents;
};

static void read_flags(const struct plan_ins *ins, struct copy_flags *f)
{
	memset(f, 0, sizeof(*f));
	for (size_t i = 0; i < ins->flags.n; i++) {
		const char *v = ins->flags.v[i];
		if (!strncmp(v, "--chown=", 8))
			f->chown = v + 8;
		else if (!strncmp(v, "--chmod=", 8))
			f->chmod = v + 8;
		else if (!strncmp(v, "--exclude=", 10))
			strlist_push(&f->exclude, v + 10);
		else if (!strcmp(v, "--parents") || !strcmp(v, "--parents=true"))
			f->parents = true;
	}
}

static int parse_chmod(const char *s, unsigned *mode, struct kerr *err)
{
	char *end;
	unsigned long v = strtoul(s, &end, 8);
	if (!*s || *end || v > 07777)
		return kerr_set(err, KERR_USAGE,
				"--chmod=%s: want an octal mode such as 0755", s);
	*mode = (unsigned)v;
	return 0;
}

/* Fills the copy options: destination, owner, mode, exclusions. */
static int setup(struct exec_ctx *c, const struct plan_ins *ins,
		 const struct copy_flags *f, struct copy_opts *o,
		 struct kerr *err)
{
	size_t nsrc = ins->args.n - 1;
	bool pattern = false;
	for (size_t i = 0; i < nsrc; i++)
		pattern |= copy_is_pattern(ins->args.v[i]);
	char *dest = exec_resolve_path(c->st, ins->args.v[nsrc], &o->dest_is_dir);
	const struct layer_entry *de = fs_tree_get(&c->st->root, dest);
	o->dest = dest;
	o->dest_is_dir |= !*dest || (de && de->type == LAYER_DIR);
	if ((nsrc > 1 || pattern) && !o->dest_is_dir)
		return kerr_set(err, KERR_USAGE,
				"%s: with more than one source file, the destination must be a directory and end with a /",
				ins->keyword);
	if (f->chown && chown_resolve(&c->st->root, f->chown, &o->uid, &o->gid, err) < 0)
		return -1;
	o->chown = f->chown != NULL;
	if (f->chmod && parse_chmod(f->chmod, &o->mode, err) < 0)
		return -1;
	o->chmod = f->chmod != NULL;
	o->parents = f->parents;
	o->what = ins->keyword;
	if (f->exclude.n && !(o->exclude = dockerignore_new(&f->exclude, err)))
		return -1;
	return 0;
}

/* The state a source is read from: a stage or an image; NULL for the
 * build context. */
static int source_state(struct exec_ctx *c, const struct plan_ins *ins,
			struct stage_state **st, struct copy_opts *o,
			struct kerr *err)
{
	static char origin[160];
	*st = NULL;
	o->origin = "build context";
	if (ins->from_image) {
		snprintf(origin, sizeof(origin), "image %s", ins->from_image);
		o->origin = origin;
		return exec_image_state(c, ins->from_image, st, err);
	}
	if (ins->from_stage >= 0) {
		const struct plan_stage *ps = &c->o->plan->stages[ins->from_stage];
		*st = &c->sh->states[ins->from_stage];
		if (ps->name)
			snprintf(origin, sizeof(origin), "stage \"%s\"", ps->name);
		else
			snprintf(origin, sizeof(origin), "stage %d", ps->index);
		o->origin = origin;
	}
	return 0;
}

/* The bytes of what a source names, read out of a registry image's layers
 * when the source tree is one. */
static int source_content(struct exec_ctx *c, struct stage_state *st,
			  const char *src, struct kerr *err)
{
	if (!st)
		return 0;
	char *clean = copy_clean_source(src);
	int r = exec_stage_content(c, st, clean && !copy_is_pattern(clean) ? clean : "", err);
	free(clean);
	return r;
}

static int copy_heredoc(const struct plan_ins *ins, size_t *hd,
			const struct copy_opts *o, struct fs_tree *layer,
			struct kerr *err)
{
	struct fs_tree t = FS_TREE_INIT;
	struct layer_entry e = { 0 };
	const struct df_heredoc *h = &ins->node->heredocs[*hd];
	e.path = xstrdup(h->name);
	e.type = LAYER_FILE;
	e.mode = 0644;
	e.data = xstrdup(ins->heredoc_bodies[*hd]);
	e.size = strlen(e.data);
	fs_tree_put(&t, &e);
	struct copy_opts ho = *o;
	ho.origin = "heredoc";
	int r = copy_source(&t, h->name, &ho, layer, err);
	fs_tree_clear(&t);
	(*hd)++;
	return r;
}

static int copy_one(struct exec_ctx *c, const struct plan_ins *ins,
		    const char *src, struct fs_tree *tree,
		    const struct copy_opts *o, struct fs_tree *layer,
		    struct kerr *err)
{
	bool add = !strcmp(ins->keyword, "ADD");
	if (add && fetch_git_is_source(src))
		return exec_add_git(c, src, o, layer, err);
	if (add && resolve_is_url(src))
		return exec_add_url(c, ins, src, o, layer, err);
	if (add && ins->from_stage < 0 && !ins->from_image && !copy_is_pattern(src)) {
		char *clean = copy_clean_source(src);
		const struct layer_entry *e = clean ? fs_tree_get(tree, clean) : NULL;
		free(clean);
		if (e && e->type == LAYER_FILE && e->src_path) {
			int r = add_archive(c, e->src_path, o->dest, layer, err);
			if (r <= 0)
				return r;
		}
	}
	return copy_source(tree, src, o, layer, err);
}

int exec_copy(struct exec_ctx *c, const struct plan_ins *ins, struct kerr *err)
{
	struct copy_flags f;
	struct copy_opts o = { 0 };
	struct fs_tree layer = FS_TREE_INIT, *tree = NULL;
	struct stage_state *from = NULL;
	size_t hd = 0;
	read_flags(ins, &f);
	int r = f.chown && (exec_stage_content(c, c->st, "etc/passwd", err) < 0 ||
			    exec_stage_content(c, c->st, "etc/group", err) < 0) ? -1 : 0;
	if (!r)
		r = setup(c, ins, &f, &o, err);
	if (!r)
		r = source_state(c, ins, &from, &o, err);
	if (!r)
		r = from ? (tree = &from->root, 0) : context_tree(c->o->ctx, &tree, err);
	for (size_t i = 0; !r && i + 1 < ins->args.n; i++) {
		const char *src = ins->args.v[i];
		bool heredoc = ins->heredoc_bodies && hd < ins->node->nheredocs &&
			       !strncmp(src, "<<", 2);
		r = heredoc ? copy_heredoc(ins, &hd, &o, &layer, err) :
			      source_content(c, from, src, err);
		if (!r && !heredoc)
			r = copy_one(c, ins, src, tree, &o, &layer, err);
	}
	/* A destination directory that exists keeps what it was. */
	const struct layer_entry *have = fs_tree_get(&c->st->root, o.dest ? o.dest : "");
	if (!r && have && have->type == LAYER_DIR && fs_tree_get(&layer, o.dest))
		fs_tree_put_copy(&layer, have);
	if (!r)
		r = exec_commit_layer(c, &layer, o.uid, o.gid, err);
	fs_tree_clear(&layer);
	dockerignore_free((struct dockerignore *)o.exclude);
	strlist_clear(&f.exclude);
	free((char *)o.dest);
	return r;
}

int exec_workdir(struct exec_ctx *c, const struct plan_ins *ins,
		 struct kerr *err)
{
	bool is_dir;
	char *dir = exec_resolve_path(c->st, ins->args.v[0], &is_dir);
	struct strbuf wd = STRBUF_INIT;
	sb_addf(&wd, "/%s", dir);
	json_object_set_new(c->st->config, "WorkingDir", json_string(wd.buf));
	sb_release(&wd);
	const struct layer_entry *e = fs_tree_get(&c->st->root, dir);
	const char *user = json_string_value(json_object_get(c->st->config, "User"));
	struct run_user u = { 0 };
	int r = 0;
	/* As BuildKit: the directories WORKDIR makes belong to USER. */
	if (*dir && !e && user && *user)
		r = exec_stage_content(c, c->st, "etc/passwd", err) ||
		    exec_stage_content(c, c->st, "etc/group", err) ||
		    run_user(&c->st->root, user, &u, err) ? -1 : 0;
	if (!r && *dir && !e) {
		struct fs_tree layer = FS_TREE_INIT;
		struct layer_entry d = { 0 };
		d.path = xstrdup(dir);
		d.type = LAYER_DIR;
		d.mode = 0755;
		d.uid = u.uid;
		d.gid = u.gid;
		fs_tree_put(&layer, &d);
		r = exec_commit_layer(c, &layer, u.uid, u.gid, err);
		fs_tree_clear(&layer);
	} else if (e && e->type != LAYER_DIR) {
		r = kerr_set(err, KERR_BUILD, "WORKDIR %s: not a directory", ins->args.v[0]);
	}
	free(dir);
	return r;
}

char *exec_resolve_path(const struct stage_state *st, const char *p,
			bool *is_dir)
{
	size_t n = strlen(p);
	struct strbuf sb = STRBUF_INIT;
	*is_dir = (n && p[n - 1] == '/') || !strcmp(p, ".") ||
		  (n >= 2 && !strcmp(p + n - 2, "/."));
	if (*p != '/')
		sb_addf(&sb, "%s/", exec_workdir_of(st));
	sb_adds(&sb, p);
	char *clean = go_path_clean(sb.buf, sb.len);
	sb_release(&sb);
	char *rel = xstrdup(clean + strspn(clean, "/"));
	free(clean);
	return rel;
}
