/* image_diff_files: a layer tar, streamed, as a sorted list of entries
 * with content digests (see image_diff_files.h). */
#include "image_diff_files.h"

#include <archive_entry.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cleanup.h"
#include "strbuf.h"

#define READ_BLOCK 65536

/* "./a//b/" -> "/a/b"; "." -> "/". Lexical only: nothing is written. */
static char *clean_path(const char *name)
{
	struct strbuf sb = STRBUF_INIT;
	for (const char *p = name ? name : ""; *p;) {
		size_t len = strcspn(p, "/");
		if (len && !(len == 1 && p[0] == '.')) {
			sb_addc(&sb, '/');
			sb_add(&sb, p, len);
		}
		p += len;
		if (*p)
			p++;
	}
	if (!sb.len)
		sb_addc(&sb, '/');
	return sb_detach(&sb, NULL);
}

/* Printable ASCII stays, anything else (and '\\') becomes \xNN. */
static void add_escaped(struct strbuf *sb, const unsigned char *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (v[i] >= 0x20 && v[i] < 0x7f && v[i] != '\\')
			sb_addc(sb, (char)v[i]);
		else
			sb_addf(sb, "\\x%02x", v[i]);
	}
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *read_xattrs(struct archive_entry *e)
{
	const char *name;
	const void *value;
	size_t size, n = 0;
	char **v = NULL;
	struct strbuf sb = STRBUF_INIT;
	archive_entry_xattr_reset(e);
	while (archive_entry_xattr_next(e, &name, &value, &size) ==
	       ARCHIVE_OK) {
		struct strbuf one = STRBUF_INIT;
		sb_addf(&one, "%s=", name);
		add_escaped(&one, value, size);
		v = xreallocarray(v, n + 1, sizeof(*v));
		v[n++] = sb_detach(&one, NULL);
	}
	if (!n)
		return NULL;
	qsort(v, n, sizeof(*v), cmp_str);
	for (size_t i = 0; i < n; i++) {
		sb_addf(&sb, "%s\n", v[i]);
		free(v[i]);
	}
	free(v);
	return sb_detach(&sb, NULL);
}

static enum diff_file_type entry_type(struct archive_entry *e)
{
	if (archive_entry_hardlink(e))
		return DIFF_FILE_HARDLINK;
	switch (archive_entry_filetype(e)) {
	case AE_IFDIR:
		return DIFF_FILE_DIR;
	case AE_IFLNK:
		return DIFF_FILE_SYMLINK;
	case AE_IFCHR:
		return DIFF_FILE_CHAR;
	case AE_IFBLK:
		return DIFF_FILE_BLOCK;
	case AE_IFIFO:
		return DIFF_FILE_FIFO;
	case AE_IFSOCK:
		return DIFF_FILE_SOCKET;
	default:
		return DIFF_FILE_REG;
	}
}

/* Hashes the current entry's data; holes of sparse files read as zeros. */
static int hash_content(struct archive *a, struct diff_file *f, char *buf,
			struct kerr *err)
{
	struct sha256 h;
	la_ssize_t n;
	sha256_init(&h);
	f->size = 0;
	while ((n = archive_read_data(a, buf, READ_BLOCK)) > 0) {
		sha256_update(&h, buf, (size_t)n);
		f->size += (uint64_t)n;
	}
	if (n < 0) {
		sha256_release(&h);
		return kerr_set(err, KERR_BUILD, "%s: %s", f->path,
				archive_error_string(a));
	}
	sha256_final(&h, f->digest);
	return 0;
}

static void entry_meta(struct archive_entry *e, struct diff_file *f)
{
	f->type = entry_type(e);
	f->mode = (unsigned)archive_entry_perm(e) & 07777;
	f->uid = (unsigned)archive_entry_uid(e);
	f->gid = (unsigned)archive_entry_gid(e);
	f->mtime = archive_entry_mtime(e);
	f->mtime_nsec = archive_entry_mtime_nsec(e);
	if (f->type == DIFF_FILE_HARDLINK)
		f->link = clean_path(archive_entry_hardlink(e));
	else if (f->type == DIFF_FILE_SYMLINK)
		f->link = xstrdup(
		    archive_entry_symlink(e) ? archive_entry_symlink(e) : "");
	if (f->type == DIFF_FILE_CHAR || f->type == DIFF_FILE_BLOCK) {
		f->rdev_major = (unsigned)archive_entry_rdevmajor(e);
		f->rdev_minor = (unsigned)archive_entry_rdevminor(e);
	}
	f->xattrs = read_xattrs(e);
}

int diff_files_read(struct archive *a, struct diff_files *out, struct kerr *err)
{
	struct archive_entry *e;
	autofree char *buf = xmalloc(READ_BLOCK);
	int r;
	while ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK ||
	       r == ARCHIVE_WARN) {
		struct diff_file f = {0};
		f.path = clean_path(archive_entry_pathname(e));
		entry_meta(e, &f);
		int h =
		    f.type == DIFF_FILE_REG ? hash_content(a, &f, buf, err) : 0;
		out->v = xreallocarray(out->v, out->n + 1, sizeof(*out->v));
		out->v[out->n++] = f; /* owned by the list from here */
		if (h < 0)
			return -1;
	}
	if (r != ARCHIVE_EOF)
		return kerr_set(err, KERR_BUILD, "reading the tar: %s",
				archive_error_string(a));
	diff_files_finish(out);
	return 0;
}

void diff_files_add(struct diff_files *l, const struct diff_file *f)
{
	struct diff_file c = *f;
	c.path = xstrdup(f->path);
	c.link = f->link ? xstrdup(f->link) : NULL;
	c.xattrs = f->xattrs ? xstrdup(f->xattrs) : NULL;
	l->v = xreallocarray(l->v, l->n + 1, sizeof(*l->v));
	l->v[l->n++] = c;
}

static void file_release(struct diff_file *f)
{
	free(f->path);
	free(f->link);
	free(f->xattrs);
}

/* Equal paths keep the order they came in (the entries stay in place, so
 * their addresses say it): the last of a run is the one that wins. */
static int cmp_file(const void *a, const void *b)
{
	const struct diff_file *x = *(const struct diff_file *const *)a;
	const struct diff_file *y = *(const struct diff_file *const *)b;
	int c = strcmp(x->path, y->path);
	return c ? c : (x < y ? -1 : x > y);
}

void diff_files_finish(struct diff_files *l)
{
	struct diff_file **p = xcalloc(l->n + 1, sizeof(*p));
	struct diff_file *v = xcalloc(l->n + 1, sizeof(*v));
	size_t n = 0;
	for (size_t i = 0; i < l->n; i++)
		p[i] = &l->v[i];
	qsort(p, l->n, sizeof(*p), cmp_file);
	l->bytes = 0;
	for (size_t i = 0; i < l->n; i++) {
		if (i + 1 < l->n && !strcmp(p[i]->path, p[i + 1]->path)) {
			file_release(p[i]);
			continue;
		}
		v[n++] = *p[i];
		if (p[i]->type == DIFF_FILE_REG)
			l->bytes += p[i]->size;
	}
	free(p);
	free(l->v);
	l->v = v;
	l->n = n;
}

void diff_files_clear(struct diff_files *l)
{
	for (size_t i = 0; i < l->n; i++)
		file_release(&l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
	l->bytes = 0;
}
