/* blob: a blob streamed from the registry into the store through a sink
 * that checks size as bytes arrive and digest when they end (the store's
 * writer hashes as it writes). When a transfer is cut, the next try asks
 * for the rest with Range and keeps the hash running; a registry that
 * answers the whole blob again (200) starts it afresh. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../oci/cleanup.h"
#include "fetch_internal.h"

struct blob_sink {
	struct fetch_client *c;
	struct fetch_repo *r;
	const char *digest;
	uint64_t size; /* FETCH_SIZE_UNKNOWN: not checked */
	struct blob_writer *w;
	uint64_t received;
	struct fetch_http_sink sink;
	bool tty;        /* progress redrawn in place on a terminal */
	uint64_t shown;  /* bytes when progress was last drawn */
};

/* On a terminal: "pulling <digest> <bytes> of <total>", redrawn at most
 * every MiB; otherwise one plain line per blob, at its start. */
static void progress(struct blob_sink *b, bool end)
{
	if (!b->c->progress || (!b->tty && (end || b->shown)))
		return;
	if (b->tty && !end && b->received - b->shown < (1 << 20) && b->shown)
		return;
	b->shown = b->received ? b->received : 1;
	unsigned long long total = b->size == FETCH_SIZE_UNKNOWN ? 0 : b->size;
	if (b->tty)
		fprintf(stderr, "\rpulling %.19s %llu of %llu bytes%s",
			b->digest + DIGEST_PREFIX_LEN,
			(unsigned long long)b->received, total, end ? "\n" : "");
	else
		fprintf(stderr, "pulling %s (%llu bytes)\n", b->digest, total);
}

static int size_error(struct blob_sink *b, const char *how, uint64_t n,
		      struct kerr *err)
{
	return kerr_set(
	    err, KERR_BUILD,
	    "size mismatch: %s: blob %s: %s %llu bytes, expected %llu",
	    b->r->name, b->digest, how, (unsigned long long)n,
	    (unsigned long long)b->size);
}

/* A 206 must continue where the last try stopped; anything else in 2xx is
 * the whole blob. */
static int sink_start(void *ctx, const struct fetch_http_resp *r,
		      struct kerr *err)
{
	struct blob_sink *b = ctx;
	unsigned long long from = 0;

	if (r->status == 206) {
		if (!r->content_range ||
		    sscanf(r->content_range, "bytes %llu-", &from) != 1 ||
		    from != b->received)
			return kerr_set(
			    err, KERR_BUILD,
			    "%s: blob %s: registry sent range \"%.60s\" "
			    "for bytes %llu-",
			    b->r->name, b->digest,
			    r->content_range ? r->content_range : "",
			    (unsigned long long)b->received);
	} else if (b->received) {
		blob_writer_abort(b->w);
		b->w = NULL;
		b->received = 0;
	}
	if (!b->w && blobstore_begin(b->c->bs, &b->w, err) < 0)
		return kerr_prefix(err, "%s", b->r->name);
	if (b->size != FETCH_SIZE_UNKNOWN && r->content_length >= 0 &&
	    from + (uint64_t)r->content_length != b->size)
		return size_error(b, "registry sends", from + r->content_length,
				  err);
	return 0;
}

static int sink_write(void *ctx, const void *buf, size_t n, struct kerr *err)
{
	struct blob_sink *b = ctx;

	if (b->size != FETCH_SIZE_UNKNOWN && n > b->size - b->received)
		return size_error(b, "got more than", b->size, err);
	if (blob_writer_write(b->w, buf, n, err) < 0)
		return kerr_prefix(err, "%s", b->r->name);
	b->received += n;
	progress(b, false);
	return 0;
}

static uint64_t sink_resume(void *ctx)
{
	struct blob_sink *b = ctx;
	return b->received;
}

/* All bytes are in: the size must be exact and the digest the name. */
static int finish(struct blob_sink *b, struct kerr *err)
{
	char got[DIGEST_BUFSZ] = "";

	if (b->size != FETCH_SIZE_UNKNOWN && b->received != b->size)
		return size_error(b, "got", b->received, err);
	if (blob_writer_commit(steal_pointer(&b->w), b->digest, got, NULL,
			       err) == 0)
		return 0;
	if (got[0] && strcmp(got, b->digest))
		return kerr_set(err, KERR_BUILD,
				"digest mismatch: %s: blob expected %s, got %s",
				b->r->name, b->digest, got);
	return kerr_prefix(err, "%s", b->r->name);
}

static int download(struct blob_sink *b, struct kerr *err)
{
	struct fetch_http_resp resp;
	struct strbuf url = STRBUF_INIT;
	int rc;

	sb_addf(&url, "%s/blobs/%s", b->r->base, b->digest);
	struct fetch_http_req req = {
	    .method = "GET", .url = url.buf, .sink = &b->sink};
	rc = fetch_repo_request(b->c, b->r, &req, &resp, err);
	sb_release(&url);
	/* 416 to "bytes=N-": the cut came after the last byte. */
	bool all_in = resp.status == 416 && b->w && b->received == b->size;
	if (!rc && resp.status != 200 && resp.status != 206 && !all_in)
		rc = fetch_repo_status_error(b->c, b->r, &resp, "blob",
					     b->digest, err);
	/* Never commit a writer that no 2xx answer started. */
	if (!rc && !b->w)
		rc = kerr_set(err, KERR_BUILD, "%s: blob %s: no body",
			      b->r->name, b->digest);
	if (!rc)
		rc = finish(b, err);
	if (b->shown && b->tty)
		progress(b, true);
	fetch_http_resp_clear(&resp);
	return rc;
}

int fetch_repo_blob(struct fetch_client *c, struct fetch_repo *r,
		    const char *digest, uint64_t size, struct kerr *err)
{
	struct blob_sink b = {c, r, digest, size, NULL, 0, {0}, isatty(2), 0};
	int rc;

	if (!digest_valid(digest))
		return kerr_set(err, KERR_USAGE,
				"%s: \"%.80s\" is not a sha256 digest", r->name,
				digest);
	if (blobstore_has(c->bs, digest))
		return 0;
	if (c->offline)
		return kerr_set(err, KERR_BUILD,
				"offline: blob %s of %s is not in the store",
				digest, r->name);
	b.sink.start = sink_start;
	b.sink.write = sink_write;
	b.sink.resume = sink_resume;
	b.sink.ctx = &b;
	rc = download(&b, err);
	blob_writer_abort(b.w);
	return rc;
}
