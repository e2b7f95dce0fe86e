/* tarw: kiln's deterministic tar dialect over libarchive (see tarw.h). */
#include "tarw.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "fsutil.h"
#include "strbuf.h"

#define TARW_CHUNK (64 * 1024)
/* libarchive's default block; the last one is written unpadded. */
#define TARW_BLOCK 10240

struct archive *tarw_new(struct kerr *err)
{
	struct archive *a = archive_write_new();

	if (!a) {
		kerr_set(err, KERR_BUILD,
			 "creating a tar writer: out of memory");
		return NULL;
	}
	if (archive_write_set_format_pax_restricted(a) != ARCHIVE_OK ||
	    archive_write_set_options(a, "xattrheader=SCHILY") != ARCHIVE_OK ||
	    archive_write_set_bytes_per_block(a, TARW_BLOCK) != ARCHIVE_OK ||
	    archive_write_set_bytes_in_last_block(a, 1) != ARCHIVE_OK) {
		tarw_fail(a, "setting up the tar writer", err);
		archive_write_free(a);
		return NULL;
	}
	return a;
}

struct archive_entry *tarw_entry(const char *path, unsigned type, unsigned mode,
				 unsigned uid, unsigned gid, int64_t mtime)
{
	struct archive_entry *e = archive_entry_new();

	if (!e) {
		fprintf(stderr, "kiln: fatal: out of memory\n");
		abort();
	}
	archive_entry_set_pathname(e, path);
	archive_entry_set_filetype(e, type);
	archive_entry_set_perm(e, mode & 07777);
	archive_entry_set_uid(e, uid);
	archive_entry_set_gid(e, gid);
	archive_entry_set_mtime(e, (time_t)mtime, 0);
	return e;
}

int tarw_fail(struct archive *a, const char *what, struct kerr *err)
{
	const char *why = archive_error_string(a);

	return kerr_set(err, KERR_BUILD, "%s: %s", what,
			why ? why : "libarchive error");
}

int tarw_write(struct archive *a, const void *buf, size_t n, const char *what,
	       struct kerr *err)
{
	const char *p = buf;

	/* libarchive takes at most INT_MAX bytes a call. */
	while (n > 0) {
		size_t chunk = n < TARW_CHUNK ? n : TARW_CHUNK;
		la_ssize_t w = archive_write_data(a, p, chunk);
		if (w < 0 || (size_t)w != chunk)
			return tarw_fail(a, what, err);
		p += chunk;
		n -= chunk;
	}
	return 0;
}

int tarw_copy_fd(struct archive *a, int fd, const char *path, uint64_t size,
		 struct sha256 *h, struct kerr *err)
{
	autofree char *buf = xmalloc(TARW_CHUNK);
	uint64_t left = size;
	ssize_t n;

	while (left > 0) {
		size_t want = left < TARW_CHUNK ? (size_t)left : TARW_CHUNK;
		n = fsutil_read(fd, buf, want);
		if (n < 0)
			return kerr_set(err, KERR_BUILD, "reading %s: %s", path,
					strerror(errno));
		if (n == 0)
			break;
		if (tarw_write(a, buf, (size_t)n, path, err) < 0)
			return -1;
		if (h)
			sha256_update(h, buf, (size_t)n);
		left -= (uint64_t)n;
	}
	n = left ? 0 : fsutil_read(fd, buf, 1);
	if (n < 0)
		return kerr_set(err, KERR_BUILD, "reading %s: %s", path,
				strerror(errno));
	if (left || n > 0)
		return kerr_set(err, KERR_BUILD,
				"%s changed size while being read (expected "
				"%llu bytes)",
				path, (unsigned long long)size);
	return 0;
}
