/* cleanup: scope-bound release of the resources oci/ code holds (heap
 * memory, fds, libarchive writers), bubblewrap style:
 * `autofree char *p = ...;` frees p whenever the scope is left, and
 * steal_pointer() hands ownership out of the scope so early returns never
 * leak. */
#ifndef KILN_CLEANUP_H
#define KILN_CLEANUP_H

#include <archive.h>
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

static inline void cleanup_free(void *pp)
{
	free(*(void **)pp);
}

/* Keeps errno so that a message built after the cleanup still names the
 * cause of the failure. */
static inline void cleanup_close(int *fd)
{
	int saved = errno;
	if (*fd >= 0)
		close(*fd);
	errno = saved;
}

static inline void cleanup_archive_write(struct archive **a)
{
	if (*a)
		archive_write_free(*a);
}

#define autofree __attribute__((cleanup(cleanup_free)))
#define autoclose __attribute__((cleanup(cleanup_close)))
#define autoarchive_write __attribute__((cleanup(cleanup_archive_write)))

static inline void *steal_pointer_(void *pp)
{
	void **p = pp;
	void *v = *p;
	*p = NULL;
	return v;
}
#define steal_pointer(pp) ((__typeof__(*(pp)))steal_pointer_(pp))

static inline int steal_fd(int *fd)
{
	int v = *fd;
	*fd = -1;
	return v;
}

#endif
