/* registry: the client object, repository endpoints, authenticated
 * requests and the status errors every request shares (see registry.h and
 * fetch_internal.h). Manifests are in manifest.c, blobs in blob.c and the
 * resolution of a reference in resolve.c. */
#include <stdlib.h>
#include <string.h>

#include "../oci/cleanup.h"
#include "creds.h"
#include "endpoint.h"
#include "fetch_internal.h"

/* The platform kiln runs on, as GOARCH names it. */
static const char *host_platform(void)
{
#if defined(__x86_64__)
	return "linux/amd64";
#elif defined(__aarch64__)
	return "linux/arm64";
#elif defined(__arm__)
	return "linux/arm/v7";
#elif defined(__i386__)
	return "linux/386";
#elif defined(__s390x__)
	return "linux/s390x";
#elif defined(__powerpc64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return "linux/ppc64le";
#elif defined(__riscv) && __riscv_xlen == 64
	return "linux/riscv64";
#else
	return "linux/unknown";
#endif
}

struct fetch_client *fetch_client_new(const struct fetch_opts *o,
				      struct blobstore *bs, struct kerr *err)
{
	struct fetch_client *c = xcalloc(1, sizeof(*c));

	if (fetch_platform_parse(o->platform ? o->platform : host_platform(),
				 &c->platform, err) < 0) {
		free(c);
		return NULL;
	}
	c->bs = bs;
	for (size_t i = 0; i < o->insecure.n; i++)
		strlist_push(&c->insecure, o->insecure.v[i]);
	c->config_dir = fetch_creds_config_dir(o->docker_config_dir);
	c->offline = o->offline;
	c->progress = o->progress;
	c->http = c->offline ? NULL : fetch_http_new();
	c->auth = fetch_auth_new(c->config_dir, &c->insecure);
	return c;
}

void fetch_client_free(struct fetch_client *c)
{
	if (!c)
		return;
	fetch_auth_free(c->auth);
	fetch_http_free(c->http);
	free(c->config_dir);
	strlist_clear(&c->insecure);
	free(c);
}

int fetch_repo_open(struct fetch_client *c, const char *ref,
		    struct fetch_repo *r, struct kerr *err)
{
	memset(r, 0, sizeof(*r));
	if (oci_ref_parse(ref, &r->ref, err) < 0)
		return -1;
	r->name = oci_ref_string(&r->ref);
	r->base = fetch_endpoint_base(r->ref.domain, r->ref.path, &c->insecure);
	return 0;
}

void fetch_repo_clear(struct fetch_repo *r)
{
	oci_ref_clear(&r->ref);
	free(r->name);
	free(r->base);
	memset(r, 0, sizeof(*r));
}

int fetch_repo_request(struct fetch_client *c, struct fetch_repo *r,
		       struct fetch_http_req *req, struct fetch_http_resp *resp,
		       struct kerr *err)
{
	const char *domain = r->ref.domain, *path = r->ref.path;

	memset(resp, 0, sizeof(*resp));
	if (c->offline) /* callers check first; this is the last guard */
		return kerr_set(err, KERR_BUILD,
				"%s: offline: no request may be made", r->name);
	for (int round = 0;; round++) {
		req->authorization = fetch_auth_header(c->auth, domain, path);
		int rc = fetch_http_do(c->http, req, resp, err);
		if (rc == -2) /* the sink's own message names the reference */
			return -1;
		if (rc < 0)
			return kerr_prefix(err, "%s", r->name);
		if (resp->status != 401 || round == 1)
			return 0;
		if (fetch_auth_answer(c->auth, c->http, domain, path, resp,
				      err) < 0) {
			fetch_http_resp_clear(resp);
			return kerr_prefix(err, "unauthorized: %s", r->name);
		}
		fetch_http_resp_clear(resp);
	}
}

int fetch_repo_status_error(struct fetch_client *c, struct fetch_repo *r,
			    const struct fetch_http_resp *resp,
			    const char *what, const char *detail,
			    struct kerr *err)
{
	struct strbuf scratch = STRBUF_INIT;
	const char *msg = fetch_http_error_message(resp, &scratch);
	const char *sep = *msg ? ": " : "";
	bool creds = fetch_auth_has_creds(c->auth, r->ref.domain);

	if (resp->status == 401 || resp->status == 403)
		kerr_set(
		    err, KERR_BUILD,
		    "unauthorized: %s: registry answered HTTP %ld to %s%s%s",
		    r->name, resp->status,
		    creds ? "the credentials in config.json"
			  : "anonymous access",
		    sep, msg);
	else if (resp->status == 404)
		kerr_set(err, KERR_BUILD, "%s unknown: %s%s%s", what, r->name,
			 detail ? ": " : "", detail ? detail : "");
	else
		kerr_set(err, KERR_BUILD,
			 "%s: %s%s%s: registry answered HTTP %ld%s%s", r->name,
			 what, detail ? " " : "", detail ? detail : "",
			 resp->status, sep, msg);
	sb_release(&scratch);
	return -1;
}

int fetch_blob(struct fetch_client *c, const char *ref, const char *digest,
	       uint64_t size, struct kerr *err)
{
	struct fetch_repo r;
	int rc;

	if (fetch_repo_open(c, ref, &r, err) < 0)
		return -1;
	rc = fetch_repo_blob(c, &r, digest, size, err);
	fetch_repo_clear(&r);
	return rc;
}

int fetch_manifest(struct fetch_client *c, const char *ref, const char *digest,
		   json_t **out, struct kerr *err)
{
	struct fetch_doc d = {0};
	struct fetch_repo r;
	int rc;

	*out = NULL;
	if (fetch_repo_open(c, ref, &r, err) < 0)
		return -1;
	if (!digest_valid(digest))
		rc = kerr_set(err, KERR_USAGE,
			      "%s: \"%s\" is not a sha256 digest", r.name,
			      digest);
	else
		rc = fetch_doc_get(c, &r, digest, FETCH_SIZE_UNKNOWN, &d, err);
	if (!rc) {
		*out = steal_pointer(&d.json);
		fetch_doc_clear(&d);
	}
	fetch_repo_clear(&r);
	return rc;
}
