/* layer: layer entries and layer_write(), which writes a planned entry list
 * (layer_plan.c) through the streaming pipeline (layer_pipe.c). */
#include "layer.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cleanup.h"
#include "layer_pipe.h"
#include "layer_plan.h"
#include "tarw.h"

void layer_entry_init(struct layer_entry *e, const char *path,
		      enum layer_type type, unsigned mode)
{
	memset(e, 0, sizeof(*e));
	e->path = xstrdup(path);
	e->type = type;
	e->mode = mode;
}

void layer_entry_set_data(struct layer_entry *e, const void *data, size_t n)
{
	free(e->data);
	e->data = xmemdup0(data, n);
	e->size = n;
}

void layer_entry_free(struct layer_entry *e)
{
	if (!e)
		return;
	free(e->path);
	free(e->link);
	free(e->src_path);
	free(e->data);
	strlist_clear(&e->xattrs);
	memset(e, 0, sizeof(*e));
}

static size_t xattr_name_len(const char *x)
{
	return strcspn(x, "=");
}

static int xattr_cmp(const void *a, const void *b)
{
	const char *x = *(const char *const *)a, *y = *(const char *const *)b;
	size_t lx = xattr_name_len(x), ly = xattr_name_len(y);
	int r = memcmp(x, y, lx < ly ? lx : ly);

	if (r)
		return r;
	return (lx > ly) - (lx < ly);
}

/* Adds the xattrs sorted by name. libarchive prepends each one it is given,
 * so they go in from the last. */
static int add_xattrs(struct archive_entry *ae, const struct layer_entry *e,
		      struct kerr *err)
{
	size_t n = e->xattrs.n;
	autofree const char **v = NULL;

	if (!n)
		return 0;
	v = xreallocarray(NULL, n, sizeof(*v));
	memcpy(v, e->xattrs.v, n * sizeof(*v));
	qsort(v, n, sizeof(*v), xattr_cmp);
	for (size_t i = 1; i < n; i++)
		if (!xattr_cmp(&v[i - 1], &v[i]))
			return kerr_set(
			    err, KERR_BUILD,
			    "layer entry %s: xattr %.*s given twice", e->path,
			    (int)xattr_name_len(v[i]), v[i]);
	for (size_t i = n; i-- > 0;) {
		size_t len = xattr_name_len(v[i]);
		autofree char *name = xstrndup(v[i], len);
		const char *value = v[i] + len + 1;
		archive_entry_xattr_add_entry(ae, name, value, strlen(value));
	}
	return 0;
}

static unsigned ae_type(enum layer_type t)
{
	switch (t) {
	case LAYER_DIR:
		return AE_IFDIR;
	case LAYER_SYMLINK:
		return AE_IFLNK;
	case LAYER_FILE:
	case LAYER_HARDLINK:
		break;
	}
	return AE_IFREG;
}

/* Opens a file entry's source; its size is the entry's size. */
static int open_source(const struct layer_entry *e, int *fd, uint64_t *size,
		       struct kerr *err)
{
	struct stat st;

	*fd = open(e->src_path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (*fd < 0 && errno == ELOOP)
		return kerr_set(err, KERR_BUILD,
				"layer entry %s: %s is a symlink, not a file",
				e->path, e->src_path);
	if (*fd < 0 || fstat(*fd, &st) < 0)
		return kerr_set(err, KERR_BUILD,
				"layer entry %s: opening %s: %s", e->path,
				e->src_path, strerror(errno));
	if (!S_ISREG(st.st_mode))
		return kerr_set(err, KERR_BUILD,
				"layer entry %s: %s is not a regular file",
				e->path, e->src_path);
	*size = (uint64_t)st.st_size;
	return 0;
}

/* Writes the header, then the content of body (a file, unless the entry
 * is a hard link). */
static int write_header_and_data(struct layer_pipe *p, struct archive_entry *ae,
				 const struct layer_entry *body, bool link,
				 struct kerr *err)
{
	struct archive *tar = layer_pipe_tar(p);
	autoclose int fd = -1;
	uint64_t size = 0;
	int r;

	if (!link && body->type == LAYER_FILE) {
		if (body->src_path && open_source(body, &fd, &size, err) < 0)
			return -1;
		if (!body->src_path)
			size = body->size;
		archive_entry_set_size(ae, (la_int64_t)size);
	}
	r = archive_write_header(tar, ae);
	/* WARN: a name that is not UTF-8, kept as bytes (hdrcharset). */
	if (r != ARCHIVE_OK && r != ARCHIVE_WARN)
		return layer_pipe_fail(p, archive_entry_pathname(ae), err);
	if (fd >= 0) {
		if (tarw_copy_fd(tar, fd, body->src_path, size, NULL, err) < 0)
			return layer_pipe_reason(p, err);
		return 0;
	}
	if (tarw_write(tar, body->data, size, body->path, err) < 0)
		return layer_pipe_reason(p, err);
	return 0;
}

static int write_entry(struct layer_pipe *p, const struct layer_plan *plan,
		       size_t i, int64_t mtime, struct kerr *err)
{
	const struct layer_entry *e = plan->v[i];
	const struct layer_entry *body = plan->v[plan->body[i]];
	bool link = plan->first[i] != i;
	struct archive_entry *ae;
	int r;

	ae = tarw_entry(e->path, ae_type(body->type), body->mode, body->uid,
			body->gid, mtime);
	if (link)
		archive_entry_set_hardlink(ae, plan->v[plan->first[i]]->path);
	else if (body->type == LAYER_SYMLINK)
		archive_entry_set_symlink(ae, body->link);
	r = add_xattrs(ae, body, err);
	if (r == 0)
		r = write_header_and_data(p, ae, body, link, err);
	archive_entry_free(ae);
	return r;
}

/* libarchive turns names into UTF-8 for pax headers through the locale's
 * charset, so the bytes of a layer with non-ASCII names would depend on
 * the user's locale. This thread uses C.UTF-8 while writing: UTF-8 names
 * are written as they are, other bytes as binary (hdrcharset=BINARY). */
static int locale_enter(locale_t *mine, locale_t *saved, struct kerr *err)
{
	*mine = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
	if (!*mine)
		return kerr_set(err, KERR_BUILD,
				"writing a layer: locale C.UTF-8: %s",
				strerror(errno));
	*saved = uselocale(*mine);
	return 0;
}

static void locale_leave(locale_t mine, locale_t saved)
{
	uselocale(saved);
	freelocale(mine);
}

static int write_plan(const struct layer_plan *plan, int64_t mtime,
		      enum layer_compression c, struct blobstore *bs,
		      struct layer_result *out, struct kerr *err)
{
	struct layer_pipe *p = layer_pipe_open(bs, c, err);

	if (!p)
		return -1;
	for (size_t i = 0; i < plan->n; i++) {
		if (write_entry(p, plan, i, mtime, err) < 0) {
			layer_pipe_abort(p);
			return -1;
		}
	}
	return layer_pipe_close(p, out, err);
}

int layer_write(struct layer_entry *e, size_t n, int64_t mtime,
		enum layer_compression c, struct blobstore *bs,
		struct layer_result *out, struct kerr *err)
{
	struct layer_plan plan;
	locale_t mine = (locale_t)0, saved = (locale_t)0;
	int r;

	if (layer_plan_build(e, n, &plan, err) < 0)
		return kerr_prefix(err, "writing a layer");
	r = locale_enter(&mine, &saved, err);
	if (r == 0) {
		r = write_plan(&plan, mtime, c, bs, out, err);
		locale_leave(mine, saved);
	}
	layer_plan_release(&plan);
	return r < 0 ? kerr_prefix(err, "writing a layer") : 0;
}

void layer_compressor_describe(enum layer_compression c, struct strbuf *out)
{
	switch (c) {
	case LAYER_GZIP:
		sb_addf(out, "gzip level %d (zlib %s)", LAYER_GZIP_LEVEL,
			archive_zlib_version());
		return;
	case LAYER_ZSTD:
		sb_addf(out, "zstd level %d (libzstd %s)", LAYER_ZSTD_LEVEL,
			archive_libzstd_version());
		return;
	case LAYER_NONE:
		break;
	}
	sb_adds(out, "none");
}
