/* layer: the deterministic layer writer. Given a set of entries it writes
 * one tar (kiln's dialect, see tarw.h: sorted bytewise by path, one mtime,
 * numeric owners, sorted xattrs, hard links to the first path of their
 * group) and compresses it on the fly into the blob store, in a single
 * streaming pass that yields both the diffID (sha256 of the tar) and the
 * blob digest (sha256 of the compressed bytes). */
#ifndef KILN_LAYER_H
#define KILN_LAYER_H

#include <stddef.h>
#include <stdint.h>

#include "blobstore.h"
#include "digest.h"
#include "kerr.h"
#include "strbuf.h"
#include "strlist.h"

/* Fixed so that the compressed bytes only depend on the compressor's code;
 * the lockfile records them through layer_compressor_describe(). */
#define LAYER_GZIP_LEVEL 6
#define LAYER_ZSTD_LEVEL 3

enum layer_type { LAYER_FILE, LAYER_DIR, LAYER_SYMLINK, LAYER_HARDLINK };

enum layer_compression { LAYER_GZIP, LAYER_ZSTD, LAYER_NONE };

struct layer_entry {
	char *path; /* relative: no leading "/" nor "./", no trailing "/" */
	enum layer_type type;
	unsigned mode; /* 07777 bits */
	unsigned uid, gid;
	char *link;	/* symlink target, or the path a hard link points to */
	char *src_path; /* file content from this host path (a regular file) */
	char *data;	/* ...or from memory (owned); neither: empty file */
	size_t size;
	struct strlist xattrs; /* "name=value" */
};

struct layer_result {
	char digest[DIGEST_BUFSZ];  /* of the blob (compressed) */
	char diff_id[DIGEST_BUFSZ]; /* of the uncompressed tar */
	uint64_t size;		    /* of the blob */
	const char *media_type;	    /* static string */
};

/* Zeroes e and sets its path (copied), type and mode; owners are 0:0. */
void layer_entry_init(struct layer_entry *e, const char *path,
		      enum layer_type type, unsigned mode);
/* Makes e's content a copy of n bytes of data. */
void layer_entry_set_data(struct layer_entry *e, const void *data, size_t n);
/* Frees e's members (not e itself) and zeroes it; NULL is fine. */
void layer_entry_free(struct layer_entry *e);

/* Writes the n entries as one layer blob into bs. The entries may come in
 * any order; of two with the same path the later one wins. Every entry gets
 * mtime. A hard link must point (maybe through other links) to a file or
 * symlink of the same layer and carries that entry's metadata; whichever
 * path of a link group sorts first carries the content. */
int layer_write(struct layer_entry *e, size_t n, int64_t mtime,
		enum layer_compression c, struct blobstore *bs,
		struct layer_result *out, struct kerr *err);

/* Appends what produces the compressed bytes, e.g.
 * "gzip level 6 (zlib 1.2.13)", for the lockfile and reports. */
void layer_compressor_describe(enum layer_compression c, struct strbuf *out);

#endif
