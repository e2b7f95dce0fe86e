/* layer_pipe: tar writer -> diffID hash -> compressor -> blob writer (see
 * layer_pipe.h). */
#include "layer_pipe.h"

#include <archive_entry.h>
#include <stdbool.h>
#include <stdio.h>

#include "cleanup.h"
#include "media_types.h"
#include "strbuf.h"
#include "tarw.h"

struct layer_pipe {
	struct archive *tar;  /* kiln's tar dialect, output to tar_out() */
	struct archive *comp; /* raw format + filter, output to comp_out() */
	struct blob_writer *w;
	struct sha256 diff;
	enum layer_compression c;
	struct kerr stage_err; /* why a callback failed, when one did */
	bool closing;	       /* freeing: callbacks drop what they get */
};

static la_ssize_t comp_out(struct archive *a, void *ctx, const void *buf,
			   size_t n)
{
	struct layer_pipe *p = ctx;

	(void)a;
	if (p->closing || kerr_isset(&p->stage_err))
		return -1;
	if (blob_writer_write(p->w, buf, n, &p->stage_err) < 0)
		return -1;
	return (la_ssize_t)n;
}

static la_ssize_t tar_out(struct archive *a, void *ctx, const void *buf,
			  size_t n)
{
	struct layer_pipe *p = ctx;
	la_ssize_t w;

	(void)a;
	if (p->closing || kerr_isset(&p->stage_err))
		return -1;
	sha256_update(&p->diff, buf, n);
	w = archive_write_data(p->comp, buf, n);
	if (w < 0 || (size_t)w != n) {
		if (!kerr_isset(&p->stage_err))
			tarw_fail(p->comp, "compressing the layer",
				  &p->stage_err);
		return -1;
	}
	return (la_ssize_t)n;
}

static int add_filter(struct archive *a, enum layer_compression c)
{
	char opts[96];

	switch (c) {
	case LAYER_GZIP:
		/* No name and mtime 0 in the gzip header. */
		snprintf(opts, sizeof(opts),
			 "gzip:!timestamp,gzip:compression-level=%d",
			 LAYER_GZIP_LEVEL);
		if (archive_write_add_filter_gzip(a) != ARCHIVE_OK)
			return -1;
		break;
	case LAYER_ZSTD:
		snprintf(opts, sizeof(opts), "zstd:compression-level=%d",
			 LAYER_ZSTD_LEVEL);
		if (archive_write_add_filter_zstd(a) != ARCHIVE_OK)
			return -1;
		break;
	case LAYER_NONE:
		return archive_write_add_filter_none(a) == ARCHIVE_OK ? 0 : -1;
	default:
		return -1;
	}
	return archive_write_set_options(a, opts) == ARCHIVE_OK ? 0 : -1;
}

/* The compressing writer, opened, with its single entry started. */
static int open_comp(struct layer_pipe *p, struct kerr *err)
{
	struct archive_entry *e;
	int r;

	p->comp = archive_write_new();
	if (!p->comp)
		return kerr_set(err, KERR_BUILD,
				"creating the layer compressor: out of memory");
	if (archive_write_set_format_raw(p->comp) != ARCHIVE_OK ||
	    add_filter(p->comp, p->c) < 0 ||
	    archive_write_set_bytes_in_last_block(p->comp, 1) != ARCHIVE_OK ||
	    archive_write_open2(p->comp, p, NULL, comp_out, NULL, NULL) !=
		ARCHIVE_OK)
		return tarw_fail(p->comp, "setting up the layer compressor",
				 err);
	e = tarw_entry("layer.tar", AE_IFREG, 0644, 0, 0, 0);
	r = archive_write_header(p->comp, e);
	archive_entry_free(e);
	if (r != ARCHIVE_OK)
		return tarw_fail(p->comp, "starting the layer stream", err);
	return 0;
}

struct layer_pipe *layer_pipe_open(struct blobstore *bs,
				   enum layer_compression c, struct kerr *err)
{
	struct layer_pipe *p = xcalloc(1, sizeof(*p));

	p->c = c;
	sha256_init(&p->diff);
	if (blobstore_begin(bs, &p->w, err) < 0 || open_comp(p, err) < 0)
		goto fail;
	p->tar = tarw_new(err);
	if (!p->tar)
		goto fail;
	if (archive_write_open2(p->tar, p, NULL, tar_out, NULL, NULL) !=
	    ARCHIVE_OK) {
		layer_pipe_fail(p, "opening the layer tar", err);
		goto fail;
	}
	return p;
fail:
	layer_pipe_abort(p);
	return NULL;
}

struct archive *layer_pipe_tar(struct layer_pipe *p)
{
	return p->tar;
}

int layer_pipe_reason(struct layer_pipe *p, struct kerr *err)
{
	if (kerr_isset(&p->stage_err))
		*err = p->stage_err;
	return -1;
}

int layer_pipe_fail(struct layer_pipe *p, const char *what, struct kerr *err)
{
	if (kerr_isset(&p->stage_err))
		return layer_pipe_reason(p, err);
	return tarw_fail(p->tar, what, err);
}

static const char *media_type(enum layer_compression c)
{
	switch (c) {
	case LAYER_GZIP:
		return OCI_MEDIA_LAYER_GZIP;
	case LAYER_ZSTD:
		return OCI_MEDIA_LAYER_ZSTD;
	case LAYER_NONE:
		break;
	}
	return OCI_MEDIA_LAYER;
}

int layer_pipe_close(struct layer_pipe *p, struct layer_result *out,
		     struct kerr *err)
{
	struct blob_writer *w;

	if (archive_write_close(p->tar) != ARCHIVE_OK) {
		layer_pipe_fail(p, "ending the layer tar", err);
		goto fail;
	}
	sha256_final(&p->diff, out->diff_id);
	if (archive_write_close(p->comp) != ARCHIVE_OK) {
		if (!kerr_isset(&p->stage_err))
			tarw_fail(p->comp, "ending the layer stream", err);
		layer_pipe_reason(p, err);
		goto fail;
	}
	/* Take the finished blob out before freeing the rest. */
	w = steal_pointer(&p->w);
	out->media_type = media_type(p->c);
	layer_pipe_abort(p);
	return blob_writer_commit(w, NULL, out->digest, &out->size, err);
fail:
	layer_pipe_abort(p);
	return -1;
}

void layer_pipe_abort(struct layer_pipe *p)
{
	if (!p)
		return;
	/* Freeing an unclosed writer flushes it; nothing may reach the blob
	 * any more. */
	p->closing = true;
	if (p->tar)
		archive_write_free(p->tar);
	if (p->comp)
		archive_write_free(p->comp);
	blob_writer_abort(p->w);
	sha256_release(&p->diff);
	free(p);
}
