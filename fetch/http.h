/* http: the one place kiln talks HTTP, over libcurl. A request goes out,
 * is retried with backoff when the failure is one a retry can cure (5xx,
 * 429, connection resets, timeouts, a body cut short), and its body streams
 * into a sink that may resume: a sink holding N bytes from an earlier try
 * is asked again with "Range: bytes=N-". Redirects are followed; libcurl
 * sends an Authorization header set here to the first host only. */
#ifndef KILN_FETCH_HTTP_H
#define KILN_FETCH_HTTP_H

#include <stdbool.h>
#include <stdint.h>

#include "../oci/kerr.h"
#include "../oci/strbuf.h"
#include "../oci/strlist.h"

/* Tries per request, and the first backoff (doubled after each try). */
#define FETCH_HTTP_TRIES 4
#define FETCH_HTTP_BACKOFF_MS 200

struct fetch_http;

/* What came back: the status and the headers kiln reads, of the final
 * response after redirects. */
struct fetch_http_resp {
	long status;
	int64_t content_length;	 /* -1: not said */
	struct strlist www_auth; /* every WWW-Authenticate value */
	char *docker_digest;	 /* Docker-Content-Digest */
	char *content_type;
	char *content_range;
	struct strbuf error_body; /* the start of a non-2xx body */
	int tries;		  /* attempts made */
};

/* Where a 2xx body goes. start runs once per attempt before the first body
 * byte (and at the end when the body was empty): a resuming sink checks
 * the status (206 continues, 200 restarts) and Content-Range there. resume
 * may be NULL; when it returns N > 0, the attempt asks for bytes N-.
 * A callback failing sets err and stops the request without a retry. */
struct fetch_http_sink {
	int (*start)(void *ctx, const struct fetch_http_resp *r,
		     struct kerr *err);
	int (*write)(void *ctx, const void *buf, size_t n, struct kerr *err);
	uint64_t (*resume)(void *ctx);
	void *ctx;
};

struct fetch_http_req {
	const char *method; /* "GET", "HEAD" or "POST" */
	const char *url;
	const char *accept;	      /* NULL: no Accept header */
	const char *authorization;    /* the header's whole value, or NULL */
	const char *post_form;	      /* POST body, form-encoded */
	struct fetch_http_sink *sink; /* NULL: the body is dropped */
};

/* A sink keeping the body in memory, failing beyond cap bytes with
 * "<what> too large: <name>: N bytes, more than <cap>" (name may be NULL).
 * Restarts on each attempt. */
struct fetch_http_mem {
	struct strbuf body;
	size_t cap;
	const char *what;
	const char *name;
	struct fetch_http_sink sink;
};
void fetch_http_mem_init(struct fetch_http_mem *m, size_t cap, const char *what,
			 const char *name);
/* Wipes (a token may be in it) and frees the body. */
void fetch_http_mem_release(struct fetch_http_mem *m);

struct fetch_http *fetch_http_new(void);
void fetch_http_free(struct fetch_http *h);

/* Performs req (with retries). 0 when a response arrived, whatever its
 * status; -1 with err set when none did ("registry HOST unreachable: why",
 * or how the transfer failed); -2 when a sink callback failed, with err as
 * the callback set it. resp is overwritten (release what it held first)
 * and must be released with fetch_http_resp_clear. */
int fetch_http_do(struct fetch_http *h, const struct fetch_http_req *req,
		  struct fetch_http_resp *resp, struct kerr *err);
void fetch_http_resp_clear(struct fetch_http_resp *r);

/* The message of a registry error body ({"errors":[{"message":…}]}), or
 * "" when it has none; valid while r is. Bounded to one line. */
const char *fetch_http_error_message(const struct fetch_http_resp *r,
				     struct strbuf *scratch);

#endif
