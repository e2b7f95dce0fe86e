/* fsutil: the few file-system steps oci/ repeats: mkdir -p, a write that
 * finishes, a read that survives EINTR, and fsync of a directory so that a
 * rename is durable. */
#ifndef KILN_FSUTIL_H
#define KILN_FSUTIL_H

#include <stddef.h>
#include <sys/types.h>

#include "kerr.h"

int fsutil_mkdir_p(const char *path, struct kerr *err);
/* Writes all n bytes to fd; what names the file in the message. */
int fsutil_write_all(int fd, const void *buf, size_t n, const char *what,
		     struct kerr *err);
/* read(2) retried on EINTR; -1 with errno set on failure. */
ssize_t fsutil_read(int fd, void *buf, size_t n);
/* Writes path whole or not at all: a temp file beside it (0644), fsync,
 * rename. */
int fsutil_write_atomic(const char *path, const void *data, size_t n,
			struct kerr *err);
int fsutil_fsync_dir(const char *dir, struct kerr *err);

#endif
