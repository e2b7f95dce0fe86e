/* url: downloading ADD URL sources into the blob store (see url.h). */
#include "url.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fetch_internal.h"

struct url_sink {
	struct blobstore *bs;
	struct blob_writer *w;
	const char *url;
};

/* Every attempt starts a fresh blob: this sink does not resume. */
static int url_start(void *ctx, const struct fetch_http_resp *r,
		     struct kerr *err)
{
	struct url_sink *s = ctx;
	if (r->status < 200 || r->status > 299)
		return kerr_set(err, KERR_BUILD, "%s: HTTP %ld", s->url,
				r->status);
	if (s->w)
		blob_writer_abort(s->w);
	s->w = NULL;
	return blobstore_begin(s->bs, &s->w, err);
}

static int url_write(void *ctx, const void *buf, size_t n, struct kerr *err)
{
	struct url_sink *s = ctx;
	return blob_writer_write(s->w, buf, n, err);
}

static int from_store(struct fetch_client *c, const char *expect,
		      char digest[DIGEST_BUFSZ], uint64_t *size)
{
	struct stat st;
	char *path = blobstore_path(c->bs, expect);
	int found = path && stat(path, &st) == 0;
	if (found) {
		strcpy(digest, expect);
		*size = (uint64_t)st.st_size;
	}
	free(path);
	return found;
}

int fetch_url(struct fetch_client *c, const char *url, const char *expect,
	      char digest[DIGEST_BUFSZ], uint64_t *size, struct kerr *err)
{
	struct url_sink s = {c->bs, NULL, url};
	struct fetch_http_sink sink = {url_start, url_write, NULL, &s};
	struct fetch_http_req req = {"GET", url, NULL, NULL, NULL, &sink};
	struct fetch_http_resp resp;
	if (expect && blobstore_has(c->bs, expect) &&
	    from_store(c, expect, digest, size))
		return 0;
	if (c->offline)
		return kerr_set(err, KERR_BUILD,
				"%s: not in the cache (offline)", url);
	memset(&resp, 0, sizeof(resp));
	int r = fetch_http_do(c->http, &req, &resp, err);
	if (!r && !s.w)
		r = url_start(&s, &resp, err);
	fetch_http_resp_clear(&resp);
	if (r < 0) {
		if (s.w)
			blob_writer_abort(s.w);
		return kerr_prefix(err, "ADD %s", url);
	}
	r = blob_writer_commit(s.w, expect, digest, size, err);
	return r < 0 ? kerr_prefix(err, "ADD %s", url) : 0;
}
