/* blobstore: content-addressed blobs under DIR/blobs/sha256 (see
 * blobstore.h). */
#include "blobstore.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "fsutil.h"
#include "strbuf.h"

/* Blobs are immutable and shared; readable by all whatever the umask. */
#define BLOB_MODE 0644

struct blobstore {
	char *blobdir; /* DIR/blobs/sha256 */
};

struct blob_writer {
	const struct blobstore *bs;
	int fd;
	char *tmp_path;
	struct sha256 h;
	uint64_t size;
};

struct blobstore *blobstore_open(const char *dir, struct kerr *err)
{
	struct strbuf sb = STRBUF_INIT;
	struct blobstore *bs;

	sb_addf(&sb, "%s/blobs/sha256", dir);
	if (fsutil_mkdir_p(sb_str(&sb), err) < 0) {
		sb_release(&sb);
		kerr_prefix(err, "opening blob store %s", dir);
		return NULL;
	}
	bs = xcalloc(1, sizeof(*bs));
	bs->blobdir = sb_detach(&sb, NULL);
	return bs;
}

void blobstore_free(struct blobstore *bs)
{
	if (!bs)
		return;
	free(bs->blobdir);
	free(bs);
}

int blobstore_begin(struct blobstore *bs, struct blob_writer **w,
		    struct kerr *err)
{
	struct strbuf sb = STRBUF_INIT;
	struct blob_writer *bw;
	int fd;

	sb_addf(&sb, "%s/.tmp-XXXXXX", bs->blobdir);
	fd = mkostemp(sb.buf, O_CLOEXEC);
	if (fd < 0 || fchmod(fd, BLOB_MODE) < 0) {
		kerr_set(err, KERR_BUILD, "creating a temp file in %s: %s",
			 bs->blobdir, strerror(errno));
		if (fd >= 0) {
			close(fd);
			unlink(sb.buf);
		}
		sb_release(&sb);
		return -1;
	}
	bw = xcalloc(1, sizeof(*bw));
	bw->bs = bs;
	bw->fd = fd;
	bw->tmp_path = sb_detach(&sb, NULL);
	sha256_init(&bw->h);
	*w = bw;
	return 0;
}

int blob_writer_write(struct blob_writer *w, const void *buf, size_t n,
		      struct kerr *err)
{
	if (fsutil_write_all(w->fd, buf, n, w->tmp_path, err) < 0)
		return -1;
	sha256_update(&w->h, buf, n);
	w->size += n;
	return 0;
}

static void writer_free(struct blob_writer *w)
{
	if (w->fd >= 0)
		close(w->fd);
	sha256_release(&w->h);
	free(w->tmp_path);
	free(w);
}

void blob_writer_abort(struct blob_writer *w)
{
	if (!w)
		return;
	unlink(w->tmp_path);
	writer_free(w);
}

/* Flushes and closes the temp file and computes its name. */
static int writer_finish(struct blob_writer *w, char digest[DIGEST_BUFSZ],
			 struct kerr *err)
{
	int fd = steal_fd(&w->fd);

	if (fsync(fd) < 0) {
		close(fd);
		return kerr_set(err, KERR_BUILD, "syncing %s: %s", w->tmp_path,
				strerror(errno));
	}
	if (close(fd) < 0)
		return kerr_set(err, KERR_BUILD, "closing %s: %s", w->tmp_path,
				strerror(errno));
	sha256_final(&w->h, digest);
	return 0;
}

int blob_writer_commit(struct blob_writer *w, const char *expect,
		       char digest[DIGEST_BUFSZ], uint64_t *size,
		       struct kerr *err)
{
	const struct blobstore *bs = w->bs;
	autofree char *path = NULL;
	uint64_t n = w->size;

	if (expect && !digest_valid(expect)) {
		blob_writer_abort(w);
		return kerr_set(err, KERR_BUILD,
				"expected digest \"%s\" is not a sha256 digest",
				expect);
	}
	if (writer_finish(w, digest, err) < 0) {
		blob_writer_abort(w);
		return -1;
	}
	if (expect && strcmp(expect, digest)) {
		blob_writer_abort(w);
		return kerr_set(err, KERR_BUILD,
				"blob written to %s has digest %s, expected %s",
				bs->blobdir, digest, expect);
	}
	path = blobstore_path(bs, digest);
	if (rename(w->tmp_path, path) < 0) {
		kerr_set(err, KERR_BUILD, "renaming %s to %s: %s", w->tmp_path,
			 path, strerror(errno));
		blob_writer_abort(w);
		return -1;
	}
	writer_free(w);
	if (size)
		*size = n;
	/* The blob is in place and correct even if this fails. */
	return fsutil_fsync_dir(bs->blobdir, err);
}

int blobstore_put(struct blobstore *bs, const void *buf, size_t n,
		  char digest[DIGEST_BUFSZ], struct kerr *err)
{
	struct blob_writer *w;

	if (blobstore_begin(bs, &w, err) < 0)
		return -1;
	if (blob_writer_write(w, buf, n, err) < 0) {
		blob_writer_abort(w);
		return -1;
	}
	return blob_writer_commit(w, NULL, digest, NULL, err);
}

char *blobstore_path(const struct blobstore *bs, const char *digest)
{
	struct strbuf sb = STRBUF_INIT;

	if (!digest_valid(digest))
		return NULL;
	sb_addf(&sb, "%s/%s", bs->blobdir, digest + DIGEST_PREFIX_LEN);
	return sb_detach(&sb, NULL);
}

bool blobstore_has(const struct blobstore *bs, const char *digest)
{
	autofree char *path = blobstore_path(bs, digest);
	struct stat st;

	return path && stat(path, &st) == 0 && S_ISREG(st.st_mode);
}
