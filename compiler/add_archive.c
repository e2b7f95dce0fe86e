/* add_archive: ADD of a local tar archive (plain, gzip, bzip2, xz, zstd):
 * its entries unpacked under the destination, contents spooled to the
 * build's scratch dir, paths that would leave the root rejected. */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "copy.h"
#include "exec_internal.h"

static int spool(struct exec_ctx *c, struct archive *a, struct layer_entry *e,
		 struct kerr *err)
{
	struct strbuf path = STRBUF_INIT;
	sb_addf(&path, "%s/add-%d", c->o->tmpdir, c->sh->tmp_seq++);
	int fd = open(path.buf, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	int r = 0;
	if (fd < 0)
		r = kerr_set(err, KERR_BUILD, "open %s: %s", path.buf, strerror(errno));
	else if (archive_read_data_into_fd(a, fd) != ARCHIVE_OK)
		r = kerr_set(err, KERR_BUILD, "unpacking: %s", archive_error_string(a));
	if (fd >= 0)
		close(fd);
	e->src_path = sb_detach(&path, NULL);
	return r;
}

/* Converts one archive entry; 0 to skip it, 1 kept, -1 error. */
static int convert(struct exec_ctx *c, struct archive *a,
		   struct archive_entry *ae, const char *dest,
		   struct layer_entry *e, struct kerr *err)
{
	char *rel = copy_clean_source(archive_entry_pathname(ae));
	if (!rel)
		return kerr_set(err, KERR_BUILD, "archive entry \"%s\" leaves the destination",
				archive_entry_pathname(ae));
	memset(e, 0, sizeof(*e));
	struct strbuf sb = STRBUF_INIT;
	sb_addf(&sb, "%s%s%s", dest, *dest && *rel ? "/" : "", rel);
	free(rel);
	e->path = sb_detach(&sb, NULL);
	e->mode = archive_entry_perm(ae) & 07777;
	e->uid = (unsigned)archive_entry_uid(ae);
	e->gid = (unsigned)archive_entry_gid(ae);
	const char *hl = archive_entry_hardlink(ae);
	if (hl) {
		char *t = copy_clean_source(hl);
		e->type = LAYER_HARDLINK;
		sb_addf(&sb, "%s%s%s", dest, *dest ? "/" : "", t ? t : "");
		e->link = sb_detach(&sb, NULL);
		free(t);
		return t ? 1 : kerr_set(err, KERR_BUILD, "archive hard link \"%s\" leaves the destination", hl);
	}
	switch (archive_entry_filetype(ae)) {
	case AE_IFDIR: e->type = LAYER_DIR; return *e->path ? 1 : 0;
	case AE_IFLNK:
		e->type = LAYER_SYMLINK;
		e->link = xstrdup(archive_entry_symlink(ae) ? archive_entry_symlink(ae) : "");
		return 1;
	case AE_IFREG:
		e->type = LAYER_FILE;
		e->size = (size_t)archive_entry_size(ae);
		return spool(c, a, e, err) < 0 ? -1 : 1;
	default:
		return 0; /* devices and fifos are not unpacked */
	}
}

int add_archive(struct exec_ctx *c, const char *path, const char *dest,
		struct fs_tree *out, struct kerr *err)
{
	struct archive *a = archive_read_new();
	struct archive_entry *ae;
	int r = 0, st;
	archive_read_support_filter_all(a);
	archive_read_support_format_tar(a);
	if (archive_read_open_filename(a, path, 65536) != ARCHIVE_OK ||
	    (st = archive_read_next_header(a, &ae)) == ARCHIVE_FATAL) {
		archive_read_free(a);
		return 1; /* not a tar archive: ADD copies it as a file */
	}
	for (; st == ARCHIVE_OK || st == ARCHIVE_WARN; st = archive_read_next_header(a, &ae)) {
		struct layer_entry e;
		int k = convert(c, a, ae, dest, &e, err);
		if (k < 0) {
			layer_entry_free(&e);
			r = -1;
			break;
		}
		if (k)
			fs_tree_put(out, &e);
		else
			layer_entry_free(&e);
	}
	if (!r && st != ARCHIVE_EOF)
		r = kerr_set(err, KERR_BUILD, "%s: %s", path, archive_error_string(a));
	archive_read_free(a);
	return r < 0 ? kerr_prefix(err, "ADD") : 0;
}
