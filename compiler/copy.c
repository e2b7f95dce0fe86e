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

static bool excluded(const struct copy_opts *o, const char *path)
{
	return o->exclude && dockerignore_match(o->exclude, path);
}

/* One matched source: a directory's contents, or the entry itself. */
static void copy_match(struct fs_tree *from, const char *path,
		       const struct layer_entry *e, const struct copy_opts *o,
		       struct fs_tree *out)
{
	char *base = o->parents ? join(o->dest, path) : xstrdup(o->dest);
	if (!e || e->type == LAYER_DIR) {
		size_t lo, hi;
		if (e && *base && !excluded(o, path))
			emit(from, e, xstrdup(base), o, out);
		fs_tree_below(from, path, &lo, &hi);
		size_t skip = *path ? strlen(path) + 1 : 0;
		for (size_t i = lo; i < hi; i++) {
			const struct layer_entry *c = &from->e[i];
			if (!excluded(o, c->path))
				emit(from, c, join(base, c->path + skip), o, out);
		}
	} else if (!excluded(o, path)) {
		const char *slash = strrchr(path, '/');
		char *target = o->dest_is_dir && !o->parents ?
				       join(base, slash ? slash + 1 : path) :
				       xstrdup(base);
		emit(from, e, target, o, out);
	}
	free(base);
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
	for (size_t i = 0; i < hits.n; i++)
		copy_match(from, hits.v[i], fs_tree_get(from, hits.v[i]), o, out);
	int n = (int)hits.n;
	strlist_clear(&hits);
	if (!n)
		return kerr_set(err, KERR_BUILD, "%s: no files in the %s match \"%s\"",
				o->what, o->origin, pattern);
	return 0;
}

int copy_source(struct fs_tree *from, const char *src,
		const struct copy_opts *o, struct fs_tree *out,
		struct kerr *err)
{
	char *path = copy_clean_source(src);
	int r = 0;
	if (!path)
		return kerr_set(err, KERR_USAGE,
				"%s: source \"%s\" is outside the %s", o->what,
				src, o->origin);
	if (copy_is_pattern(path)) {
		r = copy_pattern(from, path, o, out, err);
	} else {
		const struct layer_entry *e = *path ? fs_tree_get(from, path) : NULL;
		if (*path && !e)
			r = kerr_set(err, KERR_BUILD,
				     "%s: source \"%s\" not found in the %s",
				     o->what, src, o->origin);
		else
			copy_match(from, path, e, o, out);
	}
	free(path);
	return r;
}
