/* copy: COPY/ADD source selection onto file trees (see copy.h). */
#include "copy.h"

#include <stdlib.h>
#include <string.h>

#include "go_match.h"

bool copy_is_pattern(const char *s)
{
	return strpbrk(s, "*?[\\") != NULL;
}

char *copy_clean_source(const char *src)
{
	while (*src == '/')
		src++;
	char *c = go_path_clean(src, strlen(src));
	if (!strcmp(c, ".."))
		c[0] = '\0', free(c), c = NULL;
	else if (!strncmp(c, "../", 3))
		free(c), c = NULL;
	else if (!strcmp(c, "."))
		c[0] = '\0';
	return c;
}

static char *join(const char *a, const char *b)
{
	struct strbuf sb = STRBUF_INIT;
	sb_addf(&sb, "%s%s%s", a, *a && *b ? "/" : "", b);
	return sb_detach(&sb, NULL);
}

/* A hard link is copied as the file it links to. */
static const struct layer_entry *resolve_hardlink(struct fs_tree *from,
						  const struct layer_entry *e)
{
	const struct layer_entry *t = e;
	for (int hops = 0; t && t->type == LAYER_HARDLINK && hops < 8; hops++)
		t = fs_tree_get(from, t->link);
	return t && t->type != LAYER_HARDLINK ? t : e;
}

static void emit(struct fs_tree *from, const struct layer_entry *src,
		 char *target, const struct copy_opts *o, struct fs_tree *out)
{
	struct layer_entry e;
	const struct layer_entry *content = resolve_hardlink(from, src);
	layer_entry_copy(&e, content);
	e.mode = src->mode;
	free(e.path);
	e.path = target;
	if (o->chown)
		e.uid = o->uid, e.gid = o->gid;
	if (o->chmod && e.type != LAYER_SYMLINK)
		e.mode = o->mode;
	fs_tree_put(out, &e);
}

/* The destination of a directory's contents is made as BuildKit makes it:
 * 0755, owned by --chown, not --chmod'ed (only what is copied is). */
static void made_dir(const char *path, const struct copy_opts *o,
		     struct fs_tree *out)
{
	struct layer_entry d = { 0 };
	d.path = xstrdup(path);
	d.type = LAYER_DIR;
	d.mode = 0755;
	if (o->chown)
		d.uid = o->uid, d.gid = o->gid;
	fs_tree_put(out, &d);
}

static bool excluded(const struct copy_opts *o, const char *rel)
{
	return o->exclude && dockerignore_match(o->exclude, rel);
}

/* One matched source: a directory's contents, or the entry itself. name
 * is the source as matched, real where its symlinks led (within the tree).
 * --exclude patterns match paths relative to the source. */
static void copy_match(struct fs_tree *from, const char *name,
		       const char *real, const struct layer_entry *e,
		       const struct copy_opts *o, struct fs_tree *out)
{
	size_t skip_name = strlen(name) > o->parents_skip ? o->parents_skip : strlen(name);
	char *base = o->parents ? join(o->dest, name + skip_name) : xstrdup(o->dest);
	const char *slash = strrchr(name, '/');
	const char *leaf = slash ? slash + 1 : name;
	if (!e || e->type == LAYER_DIR) {
		size_t lo, hi;
		if (e && *base)
			made_dir(base, o, out);
		fs_tree_below(from, real, &lo, &hi);
		size_t skip = *real ? strlen(real) + 1 : 0;
		for (size_t i = lo; i < hi; i++) {
			const struct layer_entry *c = &from->e[i];
			if (!excluded(o, c->path + skip))
				emit(from, c, join(base, c->path + skip), o, out);
		}
	} else if (!excluded(o, leaf)) {
		char *target = o->dest_is_dir && !o->parents ? join(base, leaf) :
							      xstrdup(base);
		emit(from, e, target, o, out);
	}
	free(base);
}

/* A source that is itself a symlink is followed, as BuildKit does, but
 * never out of the tree: NULL when it leads outside, nowhere, or loops. */
static const struct layer_entry *follow(struct fs_tree *from, char **path)
{
	const struct layer_entry *e = fs_tree_get(from, *path);
	for (int hops = 0; e && e->type == LAYER_SYMLINK; hops++) {
		struct strbuf sb = STRBUF_INIT;
		const char *slash = strrchr(*path, '/');
		if (hops == 16)
			return NULL;
		if (e->link[0] != '/' && slash)
			sb_add(&sb, *path, (size_t)(slash - *path) + 1);
		sb_adds(&sb, e->link);
		char *next = copy_clean_source(sb.buf);
		sb_release(&sb);
		free(*path);
		*path = next;
		if (!next)
			return NULL;
		e = *next ? fs_tree_get(from, next) : NULL;
		if (!*next)
			return NULL;
	}
	return e;
}

/* Copies one source entry (by name), following it if it is a symlink. */
static int copy_named(struct fs_tree *from, const char *name,
		      const struct copy_opts *o, struct fs_tree *out,
		      struct kerr *err)
{
	char *real = xstrdup(name);
	const struct layer_entry *e = *name ? follow(from, &real) : NULL;
	int r = 0;
	if (*name && !e)
		r = kerr_set(err, KERR_BUILD, "%s: source \"%s\" not found in the %s%s",
			     o->what, name, o->origin,
			     fs_tree_get(from, name) ? " (a symlink leading outside it)" : "");
	else
		copy_match(from, name, real ? real : "", e, o, out);
	free(real);
	return r;
}

static int copy_pattern(struct fs_tree *from, const char *pattern,
			const struct copy_opts *o, struct fs_tree *out,
			struct kerr *err)
{
	struct strlist hits = STRLIST_INIT;
	for (size_t i = 0; i < from->n; i++) {
		bool bad = false;
		if (go_path_match(pattern, from->e[i].path, &bad))
			strlist_push(&hits, from->e[i].path);
		if (bad) {
			strlist_clear(&hits);
			return kerr_set(err, KERR_USAGE, "%s: bad pattern \"%s\"",
					o->what, pattern);
		}
	}
	int r = 0;
	for (size_t i = 0; i < hits.n && !r; i++)
		r = copy_named(from, hits.v[i], o, out, err);
	strlist_clear(&hits);
	/* A pattern that matches nothing copies nothing, as in BuildKit. */
	return r;
}

/* "a/./b/c": --parents keeps only what follows the pivot. */
static size_t pivot_length(const char *src)
{
	const char *p = strstr(src, "/./");
	if (!p)
		return 0;
	char *head = xstrndup(src, (size_t)(p - src));
	char *clean = copy_clean_source(head);
	size_t n = clean && *clean ? strlen(clean) + 1 : 0;
	free(head);
	free(clean);
	return n;
}

int copy_source(struct fs_tree *from, const char *src,
		const struct copy_opts *o, struct fs_tree *out,
		struct kerr *err)
{
	char *path = copy_clean_source(src);
	struct copy_opts so = *o;
	int r;
	if (!path)
		return kerr_set(err, KERR_USAGE,
				"%s: source \"%s\" is outside the %s", o->what,
				src, o->origin);
	so.parents_skip = pivot_length(src);
	if (copy_is_pattern(path))
		r = copy_pattern(from, path, &so, out, err);
	else
		r = copy_named(from, path, &so, out, err);
	free(path);
	return r;
}
