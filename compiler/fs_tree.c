/* fs_tree: in-memory file trees (see fs_tree.h). */
#include "fs_tree.h"

#include <stdlib.h>
#include <string.h>

static int cmp_path(const void *a, const void *b)
{
	const struct layer_entry *x = a, *y = b;
	return strcmp(x->path, y->path);
}

/* Sorts by path; paths are unique (fs_tree_put replaces in place). */
static void fs_tree_sort(struct fs_tree *t)
{
	if (t->sorted)
		return;
	if (t->n)
		qsort(t->e, t->n, sizeof(*t->e), cmp_path);
	t->sorted = true;
}

static struct layer_entry *find(struct fs_tree *t, const char *path)
{
	struct layer_entry key = { 0 };
	key.path = (char *)path;
	fs_tree_sort(t);
	return t->n ? bsearch(&key, t->e, t->n, sizeof(*t->e), cmp_path) : NULL;
}

void fs_tree_put(struct fs_tree *t, struct layer_entry *e)
{
	struct layer_entry *old = find(t, e->path);
	if (old) {
		layer_entry_free(old);
		*old = *e;
		return;
	}
	if (t->n == t->alloc) {
		t->alloc = t->alloc ? t->alloc * 2 : 64;
		t->e = xreallocarray(t->e, t->alloc, sizeof(*t->e));
	}
	bool in_order = !t->n || strcmp(t->e[t->n - 1].path, e->path) < 0;
	t->e[t->n++] = *e;
	t->sorted = in_order;
}

void layer_entry_copy(struct layer_entry *dst, const struct layer_entry *src)
{
	*dst = *src;
	dst->path = xstrdup(src->path);
	dst->link = src->link ? xstrdup(src->link) : NULL;
	dst->src_path = src->src_path ? xstrdup(src->src_path) : NULL;
	dst->data = src->data ? xmemdup0(src->data, src->size) : NULL;
	memset(&dst->xattrs, 0, sizeof(dst->xattrs));
	for (size_t i = 0; i < src->xattrs.n; i++)
		strlist_push(&dst->xattrs, src->xattrs.v[i]);
}

void fs_tree_put_copy(struct fs_tree *t, const struct layer_entry *e)
{
	struct layer_entry c;
	layer_entry_copy(&c, e);
	fs_tree_put(t, &c);
}

const struct layer_entry *fs_tree_get(struct fs_tree *t, const char *path)
{
	return find(t, path);
}

void fs_tree_below(struct fs_tree *t, const char *dir, size_t *lo,
		   size_t *hi)
{
	fs_tree_sort(t);
	if (!*dir) {
		*lo = 0;
		*hi = t->n;
		return;
	}
	struct strbuf prefix = STRBUF_INIT;
	sb_addf(&prefix, "%s/", dir);
	size_t a = 0, b = t->n;
	while (a < b) { /* lower bound of "dir/" */
		size_t m = a + (b - a) / 2;
		if (strcmp(t->e[m].path, prefix.buf) < 0)
			a = m + 1;
		else
			b = m;
	}
	*lo = a;
	while (a < t->n && !strncmp(t->e[a].path, prefix.buf, prefix.len))
		a++;
	*hi = a;
	sb_release(&prefix);
}

void fs_tree_copy(struct fs_tree *dst, const struct fs_tree *src)
{
	for (size_t i = 0; i < src->n; i++)
		fs_tree_put_copy(dst, &src->e[i]);
}

void fs_tree_remove(struct fs_tree *t, const char *path, bool self)
{
	size_t lo, hi, k;
	struct layer_entry *e = self && *path ? find(t, path) : NULL;
	if (e) {
		k = (size_t)(e - t->e);
		layer_entry_free(e);
		memmove(e, e + 1, (t->n - k - 1) * sizeof(*e));
		t->n--;
	}
	fs_tree_below(t, path, &lo, &hi);
	if (hi == lo)
		return;
	for (k = lo; k < hi; k++)
		layer_entry_free(&t->e[k]);
	memmove(t->e + lo, t->e + hi, (t->n - hi) * sizeof(*t->e));
	t->n -= hi - lo;
}

void fs_tree_clear(struct fs_tree *t)
{
	for (size_t i = 0; i < t->n; i++)
		layer_entry_free(&t->e[i]);
	free(t->e);
	t->e = NULL;
	t->n = t->alloc = 0;
	t->sorted = true;
}
