/* fetch_internal: what registry.c, manifest.c and blob.c share: the
 * client, one repository's endpoint, and the authenticated request. */
#ifndef KILN_FETCH_INTERNAL_H
#define KILN_FETCH_INTERNAL_H

#include "../oci/reference.h"
#include "../oci/strbuf.h"
#include "auth.h"
#include "http.h"
#include "platform.h"
#include "registry.h"

struct fetch_client {
	struct blobstore *bs;
	struct fetch_platform platform;
	struct strlist insecure;
	char *config_dir;
	bool offline;
	bool progress;
	struct fetch_http *http;
	struct fetch_auth *auth;
};

/* One repository as requests need it. */
struct fetch_repo {
	struct oci_ref ref;
	char *name; /* the normalised reference, for messages */
	char *base; /* "https://HOST/v2/PATH" */
};

int fetch_repo_open(struct fetch_client *c, const char *ref,
		    struct fetch_repo *r, struct kerr *err);
void fetch_repo_clear(struct fetch_repo *r);

/* Performs req on r's registry with the cached Authorization, answering
 * one 401 and trying again. 0 when a response came (any status); -1 with
 * err set naming the reference otherwise (req's sink, when it fails, names
 * it itself). */
int fetch_repo_request(struct fetch_client *c, struct fetch_repo *r,
		       struct fetch_http_req *req, struct fetch_http_resp *resp,
		       struct kerr *err);
/* The error for a response that is not what was wanted: "unauthorized:
 * REF: …" (401, 403), "<what> unknown: REF" (404), "REF: <what>: registry
 * answered HTTP N: …" otherwise. Returns -1. */
int fetch_repo_status_error(struct fetch_client *c, struct fetch_repo *r,
			    const struct fetch_http_resp *resp,
			    const char *what, const char *detail,
			    struct kerr *err);

/* A manifest or index, verified and stored. */
struct fetch_doc {
	char digest[DIGEST_BUFSZ];
	char *media_type;
	json_t *json;
};

/* Gets r's manifest or index named by a tag or digest (size: the
 * descriptor's, or FETCH_SIZE_UNKNOWN). */
int fetch_doc_get(struct fetch_client *c, struct fetch_repo *r,
		  const char *tag_or_digest, uint64_t size,
		  struct fetch_doc *out, struct kerr *err);
void fetch_doc_clear(struct fetch_doc *d);
/* A stored blob of at most cap bytes, read into out and checked against
 * its name again. */
int fetch_store_read(struct fetch_client *c, const char *digest, size_t cap,
		     struct strbuf *out, struct kerr *err);

/* fetch_blob for an open repository. */
int fetch_repo_blob(struct fetch_client *c, struct fetch_repo *r,
		    const char *digest, uint64_t size, struct kerr *err);

#endif
