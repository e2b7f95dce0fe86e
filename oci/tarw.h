/* tarw: the one tar dialect kiln writes, shared by layers and the image
 * tarball: libarchive's restricted pax (ustar headers, a pax extended header
 * only for what ustar cannot hold), SCHILY.xattr records as Go's archive/tar
 * writes them, numeric owners with empty user and group names, one mtime,
 * no atime/ctime, and no padding after the end-of-archive blocks. */
#ifndef KILN_TARW_H
#define KILN_TARW_H

#include <archive.h>
#include <archive_entry.h>
#include <stdint.h>

#include "digest.h"
#include "kerr.h"

/* A new writer in kiln's dialect, not yet opened. */
struct archive *tarw_new(struct kerr *err);
/* An entry header; type is AE_IFREG, AE_IFDIR or AE_IFLNK. */
struct archive_entry *tarw_entry(const char *path, unsigned type, unsigned mode,
				 unsigned uid, unsigned gid, int64_t mtime);
/* Sets err from the writer's own message: "what: libarchive's reason". */
int tarw_fail(struct archive *a, const char *what, struct kerr *err);
/* Writes n bytes of the current entry's data. */
int tarw_write(struct archive *a, const void *buf, size_t n, const char *what,
	       struct kerr *err);
/* Streams exactly size bytes of fd (the file at path) as the current entry's
 * data, hashing them into h unless h is NULL; a file that is shorter or
 * longer than size is an error. */
int tarw_copy_fd(struct archive *a, int fd, const char *path, uint64_t size,
		 struct sha256 *h, struct kerr *err);

#endif
