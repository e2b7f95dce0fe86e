/* lockfile: kiln.lock, the compiler pass's output (DESIGN.md §4): every
 * external input pinned to a digest, in stable JSON (sorted keys, entries
 * sorted, two-space indent, final newline), written atomically. */
#ifndef KILN_LOCKFILE_H
#define KILN_LOCKFILE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "../oci/kerr.h"

struct lock_image {
	char *ref;      /* normalised: docker.io/library/alpine:3.19 */
	char *index;    /* "" when the reference is a plain manifest */
	char *manifest; /* the platform's manifest */
};

struct lock_source {
	char *url;
	char *digest;
	uint64_t size;
};

struct lock_git {
	char *url;    /* the repository, without #fragment */
	char *ref;    /* as written after '#', "" for the default branch */
	char *commit; /* 40 hex digits */
};

struct lockfile {
	char *platform;
	json_t *compression;     /* {"algorithm","level","compressor"} or NULL */
	struct lock_image *images;
	size_t nimages;
	struct lock_source *sources;
	size_t nsources;
	struct lock_git *gits;
	size_t ngits;
};

/* *exists false (and an empty lockfile) when path is absent. */
int lockfile_read(const char *path, struct lockfile *lf, bool *exists,
		  struct kerr *err);
/* Temp file beside path, fsync, rename. */
int lockfile_write(const char *path, const struct lockfile *lf,
		   struct kerr *err);
const struct lock_image *lockfile_image(const struct lockfile *lf,
					const char *ref);
void lockfile_set_image(struct lockfile *lf, const char *ref,
			const char *index, const char *manifest);
const struct lock_source *lockfile_source(const struct lockfile *lf,
					  const char *url);
void lockfile_set_source(struct lockfile *lf, const char *url,
			 const char *digest, uint64_t size);
const struct lock_git *lockfile_git(const struct lockfile *lf,
				    const char *url, const char *ref);
void lockfile_set_git(struct lockfile *lf, const char *url, const char *ref,
		      const char *commit);
void lockfile_clear(struct lockfile *lf);

#endif
