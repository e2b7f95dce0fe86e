/* manifest: getting a manifest or index: a tag is resolved with HEAD
 * (Docker-Content-Digest), a digest is looked up in the store first, and
 * whatever comes over the network is read into memory (at most
 * FETCH_MANIFEST_MAX bytes), checked against its digest and size, stored
 * and only then parsed. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../oci/cleanup.h"
#include "../oci/fsutil.h"
#include "fetch_internal.h"
#include "media.h"

void fetch_doc_clear(struct fetch_doc *d)
{
	free(d->media_type);
	json_decref(d->json);
	memset(d, 0, sizeof(*d));
}

static void body_digest(const struct strbuf *b, char out[DIGEST_BUFSZ])
{
	struct sha256 h;

	sha256_init(&h);
	sha256_update(&h, b->buf ? b->buf : "", b->len);
	sha256_final(&h, out);
}

int fetch_store_read(struct fetch_client *c, const char *digest, size_t cap,
		     struct strbuf *out, struct kerr *err)
{
	autofree char *path = blobstore_path(c->bs, digest);
	autoclose int fd = path ? open(path, O_RDONLY | O_CLOEXEC) : -1;
	char buf[65536], got[DIGEST_BUFSZ];
	ssize_t n;

	if (fd < 0)
		return kerr_set(err, KERR_BUILD, "opening blob %s: %s", digest,
				strerror(errno));
	while ((n = fsutil_read(fd, buf, sizeof(buf))) > 0) {
		if ((size_t)n > cap - out->len)
			return kerr_set(
			    err, KERR_BUILD,
			    "blob %s is too large: more than %zu bytes", digest,
			    cap);
		sb_add(out, buf, (size_t)n);
	}
	if (n < 0)
		return kerr_set(err, KERR_BUILD, "reading %s: %s", path,
				strerror(errno));
	body_digest(out, got);
	if (strcmp(got, digest))
		return kerr_set(err, KERR_BUILD,
				"blob store corrupt: %s holds %s", path, got);
	return 0;
}

/* Parses a verified body and names its kind. */
static int parse_doc(struct fetch_repo *r, const struct strbuf *body,
		     const char *content_type, struct fetch_doc *out,
		     struct kerr *err)
{
	json_error_t je;

	out->json = json_loadb(body->buf ? body->buf : "", body->len, 0, &je);
	if (!json_is_object(out->json))
		return kerr_set(err, KERR_BUILD,
				"%s: manifest %s is not a JSON object: %s",
				r->name, out->digest, out->json ? "" : je.text);
	out->media_type = fetch_media_of(out->json, content_type);
	if (!out->media_type || (!fetch_media_is_index(out->media_type) &&
				 !fetch_media_is_manifest(out->media_type)))
		return kerr_set(
		    err, KERR_BUILD,
		    "%s: unsupported manifest media type \"%.100s\"", r->name,
		    out->media_type ? out->media_type : "(none)");
	return 0;
}

/* Checks a body from the network against what names it (want: NULL for a
 * tag), then stores it. */
static int verify_and_store(struct fetch_client *c, struct fetch_repo *r,
			    const struct strbuf *body, const char *want,
			    uint64_t size, struct fetch_doc *out,
			    struct kerr *err)
{
	char stored[DIGEST_BUFSZ];

	body_digest(body, out->digest);
	if (want && strcmp(want, out->digest))
		return kerr_set(
		    err, KERR_BUILD,
		    "digest mismatch: %s: manifest expected %s, got %s",
		    r->name, want, out->digest);
	if (size != FETCH_SIZE_UNKNOWN && body->len != size)
		return kerr_set(err, KERR_BUILD,
				"size mismatch: %s: manifest %s is %zu bytes, "
				"expected %llu",
				r->name, out->digest, body->len,
				(unsigned long long)size);
	if (blobstore_put(c->bs, body->buf ? body->buf : "", body->len, stored,
			  err) < 0)
		return kerr_prefix(err, "%s", r->name);
	return 0;
}

/* GET manifests/<what>, into m. */
static int get_body(struct fetch_client *c, struct fetch_repo *r,
		    const char *what, bool by_digest, struct fetch_http_mem *m,
		    struct fetch_http_resp *resp, struct kerr *err)
{
	struct strbuf url = STRBUF_INIT;
	int rc;

	sb_addf(&url, "%s/manifests/%s", r->base, what);
	struct fetch_http_req req = {.method = "GET",
				     .url = url.buf,
				     .accept = FETCH_MANIFEST_ACCEPT,
				     .sink = &m->sink};
	rc = fetch_repo_request(c, r, &req, resp, err);
	sb_release(&url);
	if (!rc && resp->status != 200)
		rc = fetch_repo_status_error(c, r, resp, "manifest",
					     by_digest ? what : NULL, err);
	return rc;
}

static int by_digest(struct fetch_client *c, struct fetch_repo *r,
		     const char *digest, uint64_t size, struct fetch_doc *out,
		     struct kerr *err)
{
	struct fetch_http_resp resp = {0};
	struct fetch_http_mem m;
	int rc;

	fetch_http_mem_init(&m, FETCH_MANIFEST_MAX, "manifest", r->name);
	if (blobstore_has(c->bs, digest)) {
		strcpy(out->digest, digest);
		rc = fetch_store_read(c, digest, FETCH_MANIFEST_MAX, &m.body,
				      err);
		if (rc < 0)
			kerr_prefix(err, "%s", r->name);
	} else if (c->offline) {
		rc = kerr_set(err, KERR_BUILD,
			      "offline: manifest %s of %s is not in the store",
			      digest, r->name);
	} else {
		rc = get_body(c, r, digest, true, &m, &resp, err);
		if (!rc)
			rc = verify_and_store(c, r, &m.body, digest, size, out,
					      err);
	}
	if (!rc)
		rc = parse_doc(r, &m.body, resp.content_type, out, err);
	fetch_http_resp_clear(&resp);
	fetch_http_mem_release(&m);
	return rc;
}

/* A tag without a digest header: GET it and name it by its hash. */
static int by_tag_get(struct fetch_client *c, struct fetch_repo *r,
		      const char *tag, struct fetch_doc *out, struct kerr *err)
{
	struct fetch_http_resp resp = {0};
	struct fetch_http_mem m;
	int rc;

	fetch_http_mem_init(&m, FETCH_MANIFEST_MAX, "manifest", r->name);
	rc = get_body(c, r, tag, false, &m, &resp, err);
	/* The registry's own digest header, when it sent one, must agree. */
	const char *said =
	    resp.docker_digest && digest_valid(resp.docker_digest)
		? resp.docker_digest
		: NULL;
	if (!rc)
		rc = verify_and_store(c, r, &m.body, said, FETCH_SIZE_UNKNOWN,
				      out, err);
	if (!rc)
		rc = parse_doc(r, &m.body, resp.content_type, out, err);
	fetch_http_resp_clear(&resp);
	fetch_http_mem_release(&m);
	return rc;
}

static int by_tag(struct fetch_client *c, struct fetch_repo *r, const char *tag,
		  struct fetch_doc *out, struct kerr *err)
{
	struct fetch_http_resp resp;
	struct strbuf url = STRBUF_INIT;
	char digest[DIGEST_BUFSZ] = "";
	int rc;

	sb_addf(&url, "%s/manifests/%s", r->base, tag);
	struct fetch_http_req req = {
	    .method = "HEAD", .url = url.buf, .accept = FETCH_MANIFEST_ACCEPT};
	rc = fetch_repo_request(c, r, &req, &resp, err);
	sb_release(&url);
	if (rc < 0)
		return -1;
	if (resp.status == 200 && resp.docker_digest &&
	    digest_valid(resp.docker_digest))
		strcpy(digest, resp.docker_digest);
	else if (resp.status != 200 && resp.status != 405)
		rc =
		    fetch_repo_status_error(c, r, &resp, "manifest", NULL, err);
	fetch_http_resp_clear(&resp);
	if (rc < 0)
		return -1;
	return digest[0] ? by_digest(c, r, digest, FETCH_SIZE_UNKNOWN, out, err)
			 : by_tag_get(c, r, tag, out, err);
}

int fetch_doc_get(struct fetch_client *c, struct fetch_repo *r,
		  const char *tag_or_digest, uint64_t size,
		  struct fetch_doc *out, struct kerr *err)
{
	int rc;

	memset(out, 0, sizeof(*out));
	if (digest_valid(tag_or_digest))
		rc = by_digest(c, r, tag_or_digest, size, out, err);
	else if (c->offline)
		rc = kerr_set(
		    err, KERR_BUILD,
		    "offline: the tag of %s cannot be resolved without "
		    "the network (pin it by digest)",
		    r->name);
	else
		rc = by_tag(c, r, tag_or_digest, out, err);
	if (rc < 0)
		fetch_doc_clear(out);
	return rc;
}
