/* layer_plan: checking, ordering and hard link groups of layer entries (see
 * layer_plan.h). */
#include "layer_plan.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"

struct slot {
	const struct layer_entry *e;
	size_t idx; /* position given, so the later duplicate wins */
};

/* A relative path in canonical form: no empty, "." or ".." component, no
 * leading or trailing "/". */
static bool path_ok(const char *p)
{
	if (!p || !*p)
		return false;
	for (;;) {
		size_t len = strcspn(p, "/");
		if (len == 0 || (len == 1 && p[0] == '.') ||
		    (len == 2 && p[0] == '.' && p[1] == '.'))
			return false;
		if (!p[len])
			return true;
		p += len + 1;
	}
}

static int check_xattrs(const struct layer_entry *e, struct kerr *err)
{
	for (size_t i = 0; i < e->xattrs.n; i++) {
		const char *eq = strchr(e->xattrs.v[i], '=');
		if (!eq || eq == e->xattrs.v[i])
			return kerr_set(err, KERR_BUILD,
					"layer entry %s: xattr \"%s\" is not "
					"name=value",
					e->path, e->xattrs.v[i]);
	}
	return 0;
}

static int check_content(const struct layer_entry *e, struct kerr *err)
{
	if (e->type != LAYER_FILE) {
		if (e->data || e->src_path || e->size)
			return kerr_set(err, KERR_BUILD,
					"layer entry %s: only files have "
					"content",
					e->path);
		return 0;
	}
	if (e->data && e->src_path)
		return kerr_set(err, KERR_BUILD,
				"layer entry %s: content from both memory "
				"and %s",
				e->path, e->src_path);
	if (!e->data && !e->src_path && e->size)
		return kerr_set(err, KERR_BUILD,
				"layer entry %s: size %zu but no content",
				e->path, e->size);
	return 0;
}

static int check_entry(const struct layer_entry *e, struct kerr *err)
{
	if (!path_ok(e->path))
		return kerr_set(err, KERR_BUILD,
				"layer entry \"%s\": not a clean relative path",
				e->path ? e->path : "(null)");
	if (e->type > LAYER_HARDLINK)
		return kerr_set(err, KERR_BUILD, "layer entry %s: bad type %d",
				e->path, (int)e->type);
	if (e->mode & ~07777u)
		return kerr_set(err, KERR_BUILD,
				"layer entry %s: mode %o has bits beyond 07777",
				e->path, e->mode);
	if (e->type == LAYER_SYMLINK && (!e->link || !*e->link))
		return kerr_set(err, KERR_BUILD,
				"layer entry %s: symlink without a target",
				e->path);
	if (e->type == LAYER_HARDLINK && !path_ok(e->link))
		return kerr_set(err, KERR_BUILD,
				"layer entry %s: hard link target \"%s\" is "
				"not a clean relative path",
				e->path, e->link ? e->link : "(null)");
	if (check_content(e, err) < 0)
		return -1;
	return check_xattrs(e, err);
}

static int slot_cmp(const void *a, const void *b)
{
	const struct slot *x = a, *y = b;
	int r = strcmp(x->e->path, y->e->path);

	if (r)
		return r;
	return (x->idx > y->idx) - (x->idx < y->idx);
}

/* Sorts and keeps the last given entry of each path. */
static void plan_order(const struct layer_entry *e, size_t n,
		       struct layer_plan *plan)
{
	struct slot *s = xreallocarray(NULL, n, sizeof(*s));

	for (size_t i = 0; i < n; i++) {
		s[i].e = &e[i];
		s[i].idx = i;
	}
	qsort(s, n, sizeof(*s), slot_cmp);
	plan->v = xreallocarray(NULL, n, sizeof(*plan->v));
	plan->n = 0;
	for (size_t i = 0; i < n; i++)
		if (i + 1 == n || strcmp(s[i].e->path, s[i + 1].e->path))
			plan->v[plan->n++] = s[i].e;
	free(s);
}

static size_t plan_find(const struct layer_plan *plan, const char *path)
{
	size_t lo = 0, hi = plan->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int r = strcmp(plan->v[mid]->path, path);
		if (r == 0)
			return mid;
		if (r < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return SIZE_MAX;
}

/* Follows a chain of hard links to the entry that is no link. */
static int resolve_link(const struct layer_plan *plan, size_t i, size_t *out,
			struct kerr *err)
{
	const struct layer_entry *e = plan->v[i];
	size_t j = i;

	for (size_t steps = 0; plan->v[j]->type == LAYER_HARDLINK; steps++) {
		size_t k = plan_find(plan, plan->v[j]->link);
		if (k == SIZE_MAX)
			return kerr_set(err, KERR_BUILD,
					"layer entry %s: hard link target %s "
					"is not in the layer",
					e->path, plan->v[j]->link);
		if (steps == plan->n)
			return kerr_set(
			    err, KERR_BUILD,
			    "layer entry %s: hard links form a loop", e->path);
		j = k;
	}
	if (j != i && plan->v[j]->type == LAYER_DIR)
		return kerr_set(err, KERR_BUILD,
				"layer entry %s: hard link to directory %s",
				e->path, plan->v[j]->path);
	*out = j;
	return 0;
}

static int plan_links(struct layer_plan *plan, struct kerr *err)
{
	size_t *group_first = xreallocarray(NULL, plan->n, sizeof(size_t));
	int r = 0;

	for (size_t i = 0; i < plan->n; i++)
		group_first[i] = SIZE_MAX;
	for (size_t i = 0; i < plan->n; i++) {
		size_t b = i;
		r = resolve_link(plan, i, &b, err);
		if (r < 0)
			break;
		/* Ascending i: the first member seen is the first path. */
		if (group_first[b] == SIZE_MAX)
			group_first[b] = i;
		plan->body[i] = b;
		plan->first[i] = group_first[b];
	}
	free(group_first);
	return r;
}

int layer_plan_build(const struct layer_entry *e, size_t n,
		     struct layer_plan *plan, struct kerr *err)
{
	memset(plan, 0, sizeof(*plan));
	for (size_t i = 0; i < n; i++)
		if (check_entry(&e[i], err) < 0)
			return -1;
	plan_order(e, n, plan);
	plan->body = xreallocarray(NULL, n, sizeof(size_t));
	plan->first = xreallocarray(NULL, n, sizeof(size_t));
	if (plan_links(plan, err) < 0) {
		layer_plan_release(plan);
		return -1;
	}
	return 0;
}

void layer_plan_release(struct layer_plan *plan)
{
	free(plan->v);
	free(plan->body);
	free(plan->first);
	memset(plan, 0, sizeof(*plan));
}
