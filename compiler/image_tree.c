/* image_tree: a registry image's tree from its layer blobs (see
 * image_tree.h). OCI whiteouts of a layer apply to the layers below it:
 * each layer's entries are gathered, its whiteouts applied, then the
 * entries put. */
#include "image_tree.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "copy.h"

static struct archive *open_layer(const char *path, struct kerr *err)
{
	struct archive *a = archive_read_new();
	archive_read_support_filter_all(a);
	archive_read_support_format_tar(a);
	if (archive_read_open_filename(a, path, 65536) == ARCHIVE_OK)
		return a;
	kerr_set(err, KERR_BUILD, "layer %s: %s", path, archive_error_string(a));
	archive_read_free(a);
	return NULL;
}

/* One header into an entry; false for what is skipped. */
static bool to_entry(struct archive_entry *ae, char *path,
		     struct layer_entry *e)
{
	memset(e, 0, sizeof(*e));
	e->path = path;
	e->mode = archive_entry_perm(ae) & 07777;
	e->uid = (unsigned)archive_entry_uid(ae);
	e->gid = (unsigned)archive_entry_gid(ae);
	const char *hl = archive_entry_hardlink(ae);
	if (hl) {
		e->type = LAYER_HARDLINK;
		e->link = copy_clean_source(hl);
		return e->link != NULL;
	}
	switch (archive_entry_filetype(ae)) {
	case AE_IFDIR: e->type = LAYER_DIR; return true;
	case AE_IFLNK:
		e->type = LAYER_SYMLINK;
		e->link = xstrdup(archive_entry_symlink(ae) ? archive_entry_symlink(ae) : "");
		return true;
	case AE_IFREG:
		e->type = LAYER_FILE;
		e->size = (size_t)archive_entry_size(ae);
		return true;
	default:
		return false;
	}
}

/* Applies one layer's whiteouts to the tree below it, then its entries. */
static void apply_layer(struct image_tree *it, struct fs_tree *add,
			struct strlist *wh, int layer)
{
	for (size_t i = 0; i < wh->n; i++) {
		const char *w = wh->v[i];
		bool opaque = w[0] == '\1';
		fs_tree_remove(it->tree, w + opaque, !opaque);
		fs_tree_remove(&it->pending, w + opaque, !opaque);
	}
	for (size_t i = 0; i < add->n; i++) {
		struct layer_entry *e = &add->e[i];
		if (e->type == LAYER_FILE && e->size) {
			struct layer_entry p = { 0 };
			p.path = xstrdup(e->path);
			p.size = (size_t)layer;
			fs_tree_put(&it->pending, &p);
		} else {
			fs_tree_remove(&it->pending, e->path, true);
		}
		fs_tree_put(it->tree, e);
	}
	add->n = 0;
}

/* Sorts a header into the layer's entries or its whiteouts. */
static void take_header(struct archive_entry *ae, struct fs_tree *add,
			struct strlist *wh)
{
	char *path = copy_clean_source(archive_entry_pathname(ae));
	struct layer_entry e;
	if (!path || !*path) {
		free(path);
		return;
	}
	char *slash = strrchr(path, '/'), *base = slash ? slash + 1 : path;
	if (!strncmp(base, ".wh.", 4)) {
		struct strbuf sb = STRBUF_INIT;
		bool opaque = !strcmp(base, ".wh..wh..opq");
		if (opaque)
			sb_addc(&sb, '\1');
		sb_add(&sb, path, (size_t)(base - path));
		sb_adds(&sb, opaque ? "" : base + 4);
		if (sb.len && sb.buf[sb.len - 1] == '/')
			sb.buf[--sb.len] = '\0';
		strlist_push_owned(wh, sb_detach(&sb, NULL));
		free(path);
		return;
	}
	if (to_entry(ae, path, &e))
		fs_tree_put(add, &e);
	else
		layer_entry_free(&e);
}

int image_tree_add_layer(struct image_tree *it, size_t k, struct kerr *err)
{
	struct archive *a = open_layer(it->blobs.v[k], err);
	struct archive_entry *ae;
	struct fs_tree add = FS_TREE_INIT;
	struct strlist wh = STRLIST_INIT;
	int st;
	if (!a)
		return -1;
	while ((st = archive_read_next_header(a, &ae)) == ARCHIVE_OK ||
	       st == ARCHIVE_WARN)
		take_header(ae, &add, &wh);
	if (st != ARCHIVE_EOF)
		kerr_set(err, KERR_BUILD, "layer %s: %s", it->blobs.v[k],
			 archive_error_string(a));
	archive_read_free(a);
	apply_layer(it, &add, &wh, (int)k);
	fs_tree_clear(&add);
	strlist_clear(&wh);
	return kerr_isset(err) ? -1 : 0;
}

int image_tree_load(struct image_tree *it, struct kerr *err)
{
	for (size_t k = 0; k < it->blobs.n; k++)
		if (image_tree_add_layer(it, k, err) < 0)
			return -1;
	return 0;
}

static int spool(struct image_tree *it, struct archive *a, const char *path,
		 struct kerr *err)
{
	struct layer_entry *e = (struct layer_entry *)fs_tree_get(it->tree, path);
	struct strbuf tmp = STRBUF_INIT;
	sb_addf(&tmp, "%s/base-%d", it->tmpdir, (*it->seq)++);
	int fd = open(tmp.buf, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600), r = 0;
	if (fd < 0 || archive_read_data_into_fd(a, fd) != ARCHIVE_OK)
		r = kerr_set(err, KERR_BUILD, "spooling %s: %s", path,
			     fd < 0 ? strerror(errno) : archive_error_string(a));
	if (fd >= 0)
		close(fd);
	if (e && !r) {
		free(e->src_path);
		e->src_path = sb_detach(&tmp, NULL);
	}
	sb_release(&tmp);
	return r;
}

/* Reads layer k and spools the wanted files whose bytes it holds. */
static int materialize_layer(struct image_tree *it, size_t k,
			     struct fs_tree *want, struct kerr *err)
{
	struct archive *a = open_layer(it->blobs.v[k], err);
	struct archive_entry *ae;
	int st, r = 0;
	if (!a)
		return -1;
	while (!r && ((st = archive_read_next_header(a, &ae)) == ARCHIVE_OK ||
		      st == ARCHIVE_WARN)) {
		char *path = copy_clean_source(archive_entry_pathname(ae));
		const struct layer_entry *w = path ? fs_tree_get(want, path) : NULL;
		if (w && w->size == k && !archive_entry_hardlink(ae))
			r = spool(it, a, path, err);
		free(path);
	}
	archive_read_free(a);
	return r;
}

int image_tree_materialize(struct image_tree *it, const char *prefix,
			   struct kerr *err)
{
	struct fs_tree want = FS_TREE_INIT;
	const struct layer_entry *self = *prefix ? fs_tree_get(&it->pending, prefix) : NULL;
	size_t lo, hi;
	int r = 0;
	if (self)
		fs_tree_put_copy(&want, self);
	fs_tree_below(&it->pending, prefix, &lo, &hi);
	for (size_t i = lo; i < hi; i++)
		fs_tree_put_copy(&want, &it->pending.e[i]);
	for (size_t k = 0; want.n && k < it->blobs.n && !r; k++)
		r = materialize_layer(it, k, &want, err);
	if (!r)
		fs_tree_remove(&it->pending, prefix, true);
	fs_tree_clear(&want);
	return r;
}

struct image_tree *image_tree_copy(const struct image_tree *it,
				   struct fs_tree *tree)
{
	struct image_tree *c = xcalloc(1, sizeof(*c));
	*c = *it;
	c->tree = tree;
	memset(&c->blobs, 0, sizeof(c->blobs));
	memset(&c->pending, 0, sizeof(c->pending));
	c->pending.sorted = true;
	for (size_t i = 0; i < it->blobs.n; i++)
		strlist_push(&c->blobs, it->blobs.v[i]);
	fs_tree_copy(&c->pending, &it->pending);
	return c;
}

void image_tree_clear(struct image_tree *it)
{
	strlist_clear(&it->blobs);
	fs_tree_clear(&it->pending);
}
