/* blobstore: kiln's content-addressed store. Blobs live at
 * DIR/blobs/sha256/<hex> (the OCI layout's own shape) and are written
 * through a streaming writer that hashes as it goes and renames a finished
 * temp file into place, so a blob's name always matches its content and two
 * builds may write the same blob at once. Temp files are named ".tmp-*" in
 * the same directory; one left behind belongs to a writer that died. */
#ifndef KILN_BLOBSTORE_H
#define KILN_BLOBSTORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "digest.h"
#include "kerr.h"

struct blobstore;
struct blob_writer;

/* Opens (creating as needed) the store rooted at dir. */
struct blobstore *blobstore_open(const char *dir, struct kerr *err);
void blobstore_free(struct blobstore *bs);

/* Starts a new blob: a temp file beside the blobs. */
int blobstore_begin(struct blobstore *bs, struct blob_writer **w,
		    struct kerr *err);
int blob_writer_write(struct blob_writer *w, const void *buf, size_t n,
		      struct kerr *err);
/* Finishes the blob: fsync, digest check against expect (NULL: none), rename
 * into place, fsync of the directory. Frees w whatever the outcome; on
 * failure the temp file is gone. digest receives the blob's name, size its
 * length (size may be NULL). */
int blob_writer_commit(struct blob_writer *w, const char *expect,
		       char digest[DIGEST_BUFSZ], uint64_t *size,
		       struct kerr *err);
/* Removes the temp file and frees w; NULL is fine. */
void blob_writer_abort(struct blob_writer *w);

/* Stores n bytes from memory. */
int blobstore_put(struct blobstore *bs, const void *buf, size_t n,
		  char digest[DIGEST_BUFSZ], struct kerr *err);
/* Path of a blob (malloc'd; the blob may not exist), or NULL when digest is
 * not a valid sha256 digest. */
char *blobstore_path(const struct blobstore *bs, const char *digest);
bool blobstore_has(const struct blobstore *bs, const char *digest);

#endif
