/* http: libcurl requests with retries, resumable sinks and the response
 * headers the registry client reads (see http.h). */
#include "http.h"

#include <curl/curl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "../oci/cleanup.h"

/* How much of an error body is kept: registries answer with a small JSON
 * document; anything longer is not worth a message. */
#define ERROR_BODY_MAX 4096

struct fetch_http {
	CURL *curl; /* reused, so connections to a registry are kept */
};

/* One attempt's state, shared by the curl callbacks. */
struct xfer {
	CURL *curl;
	const struct fetch_http_req *req;
	struct fetch_http_resp *resp;
	struct kerr *err;
	bool started;	  /* the body (or its absence) was announced */
	bool sink_failed; /* a sink callback set err */
};

struct fetch_http *fetch_http_new(void)
{
	struct fetch_http *h = xcalloc(1, sizeof(*h));

	curl_global_init(CURL_GLOBAL_DEFAULT);
	h->curl = curl_easy_init();
	if (!h->curl)
		abort(); /* as xmalloc does: libcurl could not allocate */
	return h;
}

void fetch_http_free(struct fetch_http *h)
{
	if (!h)
		return;
	curl_easy_cleanup(h->curl);
	free(h);
}

static void headers_reset(struct fetch_http_resp *r)
{
	strlist_clear(&r->www_auth);
	free(r->docker_digest);
	free(r->content_type);
	free(r->content_range);
	r->docker_digest = r->content_type = r->content_range = NULL;
}

void fetch_http_resp_clear(struct fetch_http_resp *r)
{
	headers_reset(r);
	sb_release(&r->error_body);
	memset(r, 0, sizeof(*r));
	r->content_length = -1;
}

static void set_header(char **slot, const char *value)
{
	free(*slot);
	*slot = xstrdup(value);
}

/* Keeps the headers kiln reads; a status line starts a new response (a
 * redirect, or a 100 Continue), whose headers replace the last ones. */
static size_t on_header(char *buf, size_t size, size_t n, void *p)
{
	struct xfer *x = p;
	size_t len = size * n;
	autofree char *line = xstrndup(buf, len);
	char *colon, *v, *end;

	line[strcspn(line, "\r\n")] = '\0';
	if (!strncmp(line, "HTTP/", 5)) {
		headers_reset(x->resp);
		return len;
	}
	if (!(colon = strchr(line, ':')))
		return len;
	*colon = '\0';
	for (v = colon + 1; *v == ' ' || *v == '\t'; v++)
		;
	for (end = v + strlen(v);
	     end > v && (end[-1] == ' ' || end[-1] == '\t');)
		*--end = '\0';
	if (!strcasecmp(line, "WWW-Authenticate"))
		strlist_push(&x->resp->www_auth, v);
	else if (!strcasecmp(line, "Docker-Content-Digest"))
		set_header(&x->resp->docker_digest, v);
	else if (!strcasecmp(line, "Content-Type"))
		set_header(&x->resp->content_type, v);
	else if (!strcasecmp(line, "Content-Range"))
		set_header(&x->resp->content_range, v);
	return len;
}

static bool is_2xx(long status)
{
	return status >= 200 && status < 300;
}

/* The final response's headers are in: records status and length and lets
 * the sink decide what the body means. */
static int begin_body(struct xfer *x)
{
	struct fetch_http_sink *s = x->req->sink;
	curl_off_t cl = -1;

	x->started = true;
	curl_easy_getinfo(x->curl, CURLINFO_RESPONSE_CODE, &x->resp->status);
	curl_easy_getinfo(x->curl, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &cl);
	x->resp->content_length = cl;
	if (is_2xx(x->resp->status) && s && s->start &&
	    s->start(s->ctx, x->resp, x->err) < 0) {
		x->sink_failed = true;
		return -1;
	}
	return 0;
}

static size_t on_body(char *buf, size_t size, size_t n, void *p)
{
	struct xfer *x = p;
	struct fetch_http_sink *s = x->req->sink;
	size_t len = size * n;

	if (!x->started && begin_body(x) < 0)
		return 0;
	if (!is_2xx(x->resp->status)) {
		size_t room = ERROR_BODY_MAX - x->resp->error_body.len;
		if (room)
			sb_add(&x->resp->error_body, buf,
			       len < room ? len : room);
		return len;
	}
	if (s && s->write(s->ctx, buf, len, x->err) < 0) {
		x->sink_failed = true;
		return 0;
	}
	return len;
}

/* Frees a header list whose values may hold credentials. */
static void free_headers(struct curl_slist *l)
{
	for (struct curl_slist *i = l; i; i = i->next)
		explicit_bzero(i->data, strlen(i->data));
	curl_slist_free_all(l);
}

static struct curl_slist *add_header(struct curl_slist *l, const char *name,
				     const char *value)
{
	struct strbuf sb = STRBUF_INIT;
	struct curl_slist *r;

	sb_addf(&sb, "%s: %s", name, value);
	r = curl_slist_append(l, sb.buf);
	explicit_bzero(sb.buf, sb.len);
	sb_release(&sb);
	if (!r)
		abort();
	return r;
}

static struct curl_slist *request_headers(const struct fetch_http_req *req)
{
	struct curl_slist *l = NULL;
	char range[64];
	uint64_t from = 0;

	if (req->accept)
		l = add_header(l, "Accept", req->accept);
	if (req->authorization)
		l = add_header(l, "Authorization", req->authorization);
	if (req->sink && req->sink->resume)
		from = req->sink->resume(req->sink->ctx);
	if (from) {
		snprintf(range, sizeof(range), "bytes=%llu-",
			 (unsigned long long)from);
		l = add_header(l, "Range", range);
	}
	return l;
}

static void set_options(CURL *c, const struct fetch_http_req *req,
			struct xfer *x, struct curl_slist *hdrs, char *errbuf)
{
	curl_easy_setopt(c, CURLOPT_URL, req->url);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "kiln");
	/* CURLOPT_NOSIGNAL stays off: libcurl then ignores SIGPIPE while it
	 * works, so a registry closing the connection cannot kill kiln. */
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(c, CURLOPT_MAXREDIRS, 5L);
	/* The default, said aloud: credentials stay with the first host. */
	curl_easy_setopt(c, CURLOPT_UNRESTRICTED_AUTH, 0L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 15L);
	/* A stalled transfer (under 1 KiB/s for 30 s) is a timeout. */
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1024L);
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, 30L);
	curl_easy_setopt(c, CURLOPT_TCP_KEEPALIVE, 1L);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, x);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, x);
	if (!strcmp(req->method, "HEAD"))
		curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
	else if (!strcmp(req->method, "POST"))
		curl_easy_setopt(c, CURLOPT_POSTFIELDS,
				 req->post_form ? req->post_form : "");
}

/* One try. Returns curl's code; *sink_failed says a callback set err. */
static CURLcode attempt(struct fetch_http *h, const struct fetch_http_req *req,
			struct fetch_http_resp *resp, struct kerr *err,
			bool *sink_failed, char *errbuf)
{
	struct xfer x = {h->curl, req, resp, err, false, false};
	struct curl_slist *hdrs = request_headers(req);
	CURLcode rc;

	curl_easy_reset(h->curl);
	errbuf[0] = '\0';
	set_options(h->curl, req, &x, hdrs, errbuf);
	rc = curl_easy_perform(h->curl);
	curl_easy_getinfo(h->curl, CURLINFO_RESPONSE_CODE, &resp->status);
	if (rc == CURLE_OK && !x.started)
		begin_body(&x);
	/* Nothing of this attempt's headers may outlive it in the handle. */
	curl_easy_setopt(h->curl, CURLOPT_HTTPHEADER, NULL);
	free_headers(hdrs);
	*sink_failed = x.sink_failed;
	return rc;
}

/* A failed TLS handshake is not here: it is a certificate or protocol
 * mismatch far more often than a network hiccup, and would fail again. */
static bool transient_curl(CURLcode rc)
{
	switch (rc) {
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_PARTIAL_FILE:
	case CURLE_GOT_NOTHING:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
		return true;
	default:
		return false;
	}
}

static bool transient_status(long s)
{
	return s == 429 || s == 500 || s == 502 || s == 503 || s == 504;
}

static void backoff(int attempt_no)
{
	long ms = (long)FETCH_HTTP_BACKOFF_MS << attempt_no;
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

	while (nanosleep(&ts, &ts) < 0)
		;
}

/* "host[:port]" of the URL the transfer last went to. */
static char *url_host(CURL *c, const char *fallback)
{
	char *eff = NULL, *host = NULL, *port = NULL;
	struct strbuf sb = STRBUF_INIT;
	CURLU *u = curl_url();

	curl_easy_getinfo(c, CURLINFO_EFFECTIVE_URL, &eff);
	if (u && !curl_url_set(u, CURLUPART_URL, eff ? eff : fallback, 0) &&
	    !curl_url_get(u, CURLUPART_HOST, &host, 0)) {
		curl_url_get(u, CURLUPART_PORT, &port, 0);
		sb_addf(&sb, "%s%s%s", host, port ? ":" : "", port ? port : "");
	} else {
		sb_adds(&sb, "registry");
	}
	curl_free(host);
	curl_free(port);
	curl_url_cleanup(u);
	return sb_detach(&sb, NULL);
}

static int curl_failure(struct fetch_http *h, const struct fetch_http_req *req,
			CURLcode rc, const char *errbuf, int tries,
			struct kerr *err)
{
	autofree char *host = url_host(h->curl, req->url);
	const char *why = errbuf[0] ? errbuf : curl_easy_strerror(rc);
	bool no_conn = rc == CURLE_COULDNT_CONNECT ||
		       rc == CURLE_COULDNT_RESOLVE_HOST ||
		       rc == CURLE_COULDNT_RESOLVE_PROXY;
	curl_off_t connected = 0;

	curl_easy_getinfo(h->curl, CURLINFO_CONNECT_TIME_T, &connected);
	if (rc == CURLE_OPERATION_TIMEDOUT && !connected)
		no_conn = true;
	if (no_conn)
		return kerr_set(err, KERR_BUILD, "registry %s unreachable: %s",
				host, why);
	return kerr_set(err, KERR_BUILD, "%s %s: %s (%d %s)", req->method, host,
			why, tries, tries == 1 ? "try" : "tries");
}

int fetch_http_do(struct fetch_http *h, const struct fetch_http_req *req,
		  struct fetch_http_resp *resp, struct kerr *err)
{
	char errbuf[CURL_ERROR_SIZE];
	bool sink_failed = false;
	CURLcode rc = CURLE_OK;
	int t;

	memset(resp, 0, sizeof(*resp));
	for (t = 0; t < FETCH_HTTP_TRIES; t++) {
		if (t)
			backoff(t - 1);
		fetch_http_resp_clear(resp);
		rc = attempt(h, req, resp, err, &sink_failed, errbuf);
		resp->tries = t + 1;
		if (sink_failed)
			return -2;
		if (rc == CURLE_OK ? !transient_status(resp->status)
				   : !transient_curl(rc))
			break;
	}
	if (rc != CURLE_OK)
		return curl_failure(h, req, rc, errbuf, resp->tries, err);
	return 0;
}

const char *fetch_http_error_message(const struct fetch_http_resp *r,
				     struct strbuf *scratch)
{
	json_t *doc = json_loadb(r->error_body.buf ? r->error_body.buf : "",
				 r->error_body.len, 0, NULL);
	json_t *e0 = json_array_get(json_object_get(doc, "errors"), 0);
	const char *msg = json_string_value(json_object_get(e0, "message"));

	sb_reset(scratch);
	if (msg) {
		/* One line, bounded, whatever the registry sent. */
		for (size_t i = 0; i < 200 && msg[i]; i++)
			sb_addc(scratch,
				(unsigned char)msg[i] < ' ' ? ' ' : msg[i]);
	}
	json_decref(doc);
	return sb_str(scratch);
}

static int too_large(struct fetch_http_mem *m, const char *size,
		     struct kerr *err)
{
	return kerr_set(err, KERR_BUILD, "%s too large: %s%s%s, more than %zu",
			m->what, m->name ? m->name : "", m->name ? ": " : "",
			size, m->cap);
}

static int mem_start(void *ctx, const struct fetch_http_resp *r,
		     struct kerr *err)
{
	struct fetch_http_mem *m = ctx;
	char size[64];

	sb_reset(&m->body);
	if (r->content_length > (int64_t)m->cap) {
		snprintf(size, sizeof(size), "%lld bytes",
			 (long long)r->content_length);
		return too_large(m, size, err);
	}
	return 0;
}

static int mem_write(void *ctx, const void *buf, size_t n, struct kerr *err)
{
	struct fetch_http_mem *m = ctx;

	if (n > m->cap - m->body.len)
		return too_large(m, "the body goes on", err);
	sb_add(&m->body, buf, n);
	return 0;
}

void fetch_http_mem_init(struct fetch_http_mem *m, size_t cap, const char *what,
			 const char *name)
{
	memset(m, 0, sizeof(*m));
	m->cap = cap;
	m->what = what;
	m->name = name;
	m->sink.start = mem_start;
	m->sink.write = mem_write;
	m->sink.ctx = m;
}

void fetch_http_mem_release(struct fetch_http_mem *m)
{
	if (m->body.buf)
		explicit_bzero(m->body.buf, m->body.len);
	sb_release(&m->body);
}
