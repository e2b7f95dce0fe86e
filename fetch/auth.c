/* auth: WWW-Authenticate challenges and the Authorization values that
 * answer them, cached per registry and repository (see auth.h); the token
 * request itself is in token.c. */
#include "auth.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../oci/cleanup.h"
#include "../oci/strbuf.h"
#include "base64.h"
#include "creds.h"

struct auth_entry {
	char *domain;
	char *path;
	char *header; /* "Bearer …" or "Basic …" */
};

struct cred_entry {
	char *domain;
	struct fetch_cred cred; /* anonymous when config.json has none */
};

struct fetch_auth {
	const char *config_dir;
	const struct strlist *insecure;
	struct auth_entry *headers;
	size_t n_headers;
	struct cred_entry *creds;
	size_t n_creds;
};

static bool is_token_char(char c)
{
	return c &&
	       (isalnum((unsigned char)c) || strchr("!#$%&'*+-.^_`|~/:", c));
}

static const char *skip_ws(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

/* A quoted string (p at the opening quote) or a token, malloc'd in *out;
 * returns the position after it, NULL when a quote never closes. */
static const char *param_value(const char *p, char **out)
{
	struct strbuf sb = STRBUF_INIT;

	if (*p != '"') {
		const char *s = p;
		while (*p && is_token_char(*p))
			p++;
		*out = xstrndup(s, (size_t)(p - s));
		return p;
	}
	for (p++; *p && *p != '"'; p++) {
		if (*p == '\\' && p[1])
			p++;
		sb_addc(&sb, *p);
	}
	if (*p != '"') {
		sb_release(&sb);
		return NULL;
	}
	*out = sb_detach(&sb, NULL);
	return p + 1;
}

static void keep_param(struct fetch_auth_challenge *c, const char *key,
		       size_t n, char *value)
{
	char **slot = NULL;

	if (n == 5 && !strncasecmp(key, "realm", n))
		slot = &c->realm;
	else if (n == 7 && !strncasecmp(key, "service", n))
		slot = &c->service;
	else if (n == 5 && !strncasecmp(key, "scope", n))
		slot = &c->scope;
	if (slot && !*slot)
		*slot = value;
	else
		free(value);
}

int fetch_auth_parse_challenge(const char *hdr,
			       struct fetch_auth_challenge *out)
{
	const char *p = skip_ws(hdr), *s = p;

	memset(out, 0, sizeof(*out));
	while (is_token_char(*p) && *p != '/')
		p++;
	if (p == s)
		return -1;
	out->scheme = xstrndup(s, (size_t)(p - s));
	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		for (s = p; is_token_char(*p) && *p != '/'; p++)
			;
		if (p == s || *skip_ws(p) != '=')
			return 0; /* the end, or the next challenge's scheme */
		size_t klen = (size_t)(p - s);
		char *value;
		p = param_value(skip_ws(skip_ws(p) + 1), &value);
		if (!p) {
			fetch_auth_challenge_clear(out);
			return -1;
		}
		keep_param(out, s, klen, value);
	}
}

void fetch_auth_challenge_clear(struct fetch_auth_challenge *c)
{
	free(c->scheme);
	free(c->realm);
	free(c->service);
	free(c->scope);
	memset(c, 0, sizeof(*c));
}

struct fetch_auth *fetch_auth_new(const char *config_dir,
				  const struct strlist *insecure)
{
	struct fetch_auth *a = xcalloc(1, sizeof(*a));

	a->config_dir = config_dir;
	a->insecure = insecure;
	return a;
}

static void wipe_free(char *s)
{
	if (s)
		explicit_bzero(s, strlen(s));
	free(s);
}

void fetch_auth_free(struct fetch_auth *a)
{
	if (!a)
		return;
	for (size_t i = 0; i < a->n_headers; i++) {
		free(a->headers[i].domain);
		free(a->headers[i].path);
		wipe_free(a->headers[i].header);
	}
	for (size_t i = 0; i < a->n_creds; i++) {
		free(a->creds[i].domain);
		fetch_creds_clear(&a->creds[i].cred);
	}
	free(a->headers);
	free(a->creds);
	free(a);
}

static struct auth_entry *find_header(struct fetch_auth *a, const char *domain,
				      const char *path)
{
	for (size_t i = 0; i < a->n_headers; i++)
		if (!strcmp(a->headers[i].domain, domain) &&
		    !strcmp(a->headers[i].path, path))
			return &a->headers[i];
	return NULL;
}

const char *fetch_auth_header(struct fetch_auth *a, const char *domain,
			      const char *path)
{
	struct auth_entry *e = find_header(a, domain, path);
	return e ? e->header : NULL;
}

/* Takes ownership of header. */
static void put_header(struct fetch_auth *a, const char *domain,
		       const char *path, char *header)
{
	struct auth_entry *e = find_header(a, domain, path);

	if (!e) {
		a->headers = xreallocarray(a->headers, a->n_headers + 1,
					   sizeof(*a->headers));
		e = &a->headers[a->n_headers++];
		e->domain = xstrdup(domain);
		e->path = xstrdup(path);
		e->header = NULL;
	}
	wipe_free(e->header);
	e->header = header;
}

/* The credentials for domain, looked up on first use. */
static const struct fetch_cred *creds_for(struct fetch_auth *a,
					  const char *domain, struct kerr *err)
{
	struct fetch_cred c;

	for (size_t i = 0; i < a->n_creds; i++)
		if (!strcmp(a->creds[i].domain, domain))
			return &a->creds[i].cred;
	if (fetch_creds_lookup(a->config_dir, domain, &c, err) < 0)
		return NULL;
	a->creds = xreallocarray(a->creds, a->n_creds + 1, sizeof(*a->creds));
	a->creds[a->n_creds].domain = xstrdup(domain);
	a->creds[a->n_creds].cred = c;
	return &a->creds[a->n_creds++].cred;
}

bool fetch_auth_has_creds(struct fetch_auth *a, const char *domain)
{
	for (size_t i = 0; i < a->n_creds; i++)
		if (!strcmp(a->creds[i].domain, domain))
			return a->creds[i].cred.user != NULL;
	return false;
}

/* The challenge to answer: Bearer before Basic, as docker picks. */
static int pick_challenge(const struct fetch_http_resp *resp,
			  struct fetch_auth_challenge *out)
{
	struct fetch_auth_challenge c;
	int found = -1;

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < resp->www_auth.n; i++) {
		if (fetch_auth_parse_challenge(resp->www_auth.v[i], &c) < 0)
			continue;
		bool bearer = !strcasecmp(c.scheme, "Bearer");
		if (found < 0 ||
		    (bearer && strcasecmp(out->scheme, "Bearer"))) {
			fetch_auth_challenge_clear(out);
			*out = c;
			found = 0;
		} else {
			fetch_auth_challenge_clear(&c);
		}
	}
	return found;
}

static char *basic_header(const struct fetch_cred *cred)
{
	struct strbuf plain = STRBUF_INIT, h = STRBUF_INIT;
	char *b64;

	sb_addf(&plain, "%s:%s", cred->user, cred->secret);
	b64 = fetch_b64_encode(plain.buf, plain.len);
	sb_addf(&h, "Basic %s", b64);
	wipe_free(b64);
	explicit_bzero(plain.buf, plain.len);
	sb_release(&plain);
	return sb_detach(&h, NULL);
}

static int answer_challenge(struct fetch_auth *a, struct fetch_http *h,
			    const char *domain, const char *path,
			    const struct fetch_auth_challenge *ch,
			    const struct fetch_cred *cred, struct kerr *err)
{
	struct strbuf sb = STRBUF_INIT;
	char *token = NULL;

	if (!strcasecmp(ch->scheme, "Bearer")) {
		if (fetch_auth_token(h, ch, path, cred, a->insecure, &token,
				     err) < 0)
			return -1;
		sb_addf(&sb, "Bearer %s", token);
		wipe_free(token);
		put_header(a, domain, path, sb_detach(&sb, NULL));
		return 0;
	}
	if (strcasecmp(ch->scheme, "Basic"))
		return kerr_set(err, KERR_BUILD,
				"unsupported authentication scheme \"%.40s\"",
				ch->scheme);
	if (!cred->user || !strcmp(cred->user, FETCH_CRED_IDENTITY_TOKEN))
		return kerr_set(
		    err, KERR_BUILD,
		    "%s wants a user and password, and %s/config.json "
		    "has none for it",
		    domain, a->config_dir);
	put_header(a, domain, path, basic_header(cred));
	return 0;
}

int fetch_auth_answer(struct fetch_auth *a, struct fetch_http *h,
		      const char *domain, const char *path,
		      const struct fetch_http_resp *resp, struct kerr *err)
{
	struct fetch_auth_challenge ch;
	const struct fetch_cred *cred;
	int rc;

	if (pick_challenge(resp, &ch) < 0)
		return kerr_set(err, KERR_BUILD,
				"HTTP %ld without a WWW-Authenticate challenge",
				resp->status);
	cred = creds_for(a, domain, err);
	rc = cred ? answer_challenge(a, h, domain, path, &ch, cred, err) : -1;
	fetch_auth_challenge_clear(&ch);
	return rc;
}
