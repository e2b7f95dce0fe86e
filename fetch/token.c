/* token: the token step of the Bearer flow (see auth.h): GET the realm
 * with service and scope (Basic credentials when known), or POST an
 * identity token as an OAuth2 refresh token; the answer's "token" or
 * "access_token" is what the registry wants as "Bearer …". */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "../oci/cleanup.h"
#include "../oci/strbuf.h"
#include "auth.h"
#include "base64.h"
#include "creds.h"
#include "endpoint.h"

/* A token answer is a few KiB; more is not a token server. */
#define TOKEN_ANSWER_MAX (1024 * 1024)

/* Appends s percent-encoded for a query string. */
static void add_escaped(struct strbuf *sb, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || strchr("-._~", c))
			sb_addc(sb, (char)c);
		else
			sb_addf(sb, "%%%02X", c);
	}
}

static void add_param(struct strbuf *sb, const char *key, const char *value)
{
	if (!value)
		return;
	if (sb->len)
		sb_addc(sb, '&');
	sb_addf(sb, "%s=", key);
	add_escaped(sb, value);
}

/* The form fields both kinds of token request carry. */
static void scope_params(struct strbuf *q,
			 const struct fetch_auth_challenge *ch,
			 const char *path)
{
	struct strbuf scope = STRBUF_INIT;

	if (ch->scope)
		sb_adds(&scope, ch->scope);
	else
		sb_addf(&scope, "repository:%s:pull", path);
	add_param(q, "service", ch->service);
	add_param(q, "scope", scope.buf);
	sb_release(&scope);
}

/* A token goes into a header as it is: printable ASCII without spaces. */
static bool token_ok(const char *t)
{
	if (!*t)
		return false;
	for (; *t; t++)
		if (*t <= ' ' || *t > '~')
			return false;
	return true;
}

static int read_answer(const struct fetch_http_mem *m, char **token,
		       struct kerr *err)
{
	json_t *doc =
	    json_loadb(m->body.buf ? m->body.buf : "", m->body.len, 0, NULL);
	const char *t = json_string_value(json_object_get(doc, "token"));

	if (!t || !*t)
		t = json_string_value(json_object_get(doc, "access_token"));
	if (!t || !token_ok(t)) {
		json_decref(doc);
		return kerr_set(err, KERR_BUILD,
				"token server's answer holds no usable token");
	}
	*token = xstrdup(t);
	explicit_bzero((char *)t, strlen(t));
	json_decref(doc);
	return 0;
}

/* Builds the request: a GET with the query, or for an identity token a
 * POST of the refresh grant. Returns the Authorization value (or NULL). */
static char *build_request(const struct fetch_auth_challenge *ch,
			   const char *path, const struct fetch_cred *cred,
			   struct strbuf *url, struct strbuf *form)
{
	struct strbuf q = STRBUF_INIT, plain = STRBUF_INIT, h = STRBUF_INIT;
	bool identity =
	    cred->user && !strcmp(cred->user, FETCH_CRED_IDENTITY_TOKEN);

	sb_adds(url, ch->realm);
	scope_params(identity ? form : &q, ch, path);
	if (identity) {
		add_param(form, "grant_type", "refresh_token");
		add_param(form, "client_id", "kiln");
		add_param(form, "refresh_token", cred->secret);
		return NULL;
	}
	sb_addf(url, "%c%s", strchr(ch->realm, '?') ? '&' : '?', sb_str(&q));
	sb_release(&q);
	if (!cred->user)
		return NULL;
	sb_addf(&plain, "%s:%s", cred->user, cred->secret);
	char *b64 = fetch_b64_encode(plain.buf, plain.len);
	sb_addf(&h, "Basic %s", b64);
	explicit_bzero(b64, strlen(b64));
	free(b64);
	explicit_bzero(plain.buf, plain.len);
	sb_release(&plain);
	return sb_detach(&h, NULL);
}

static void wipe_release(struct strbuf *sb)
{
	if (sb->buf)
		explicit_bzero(sb->buf, sb->len);
	sb_release(sb);
}

int fetch_auth_token(struct fetch_http *h,
		     const struct fetch_auth_challenge *ch, const char *path,
		     const struct fetch_cred *cred,
		     const struct strlist *insecure, char **token,
		     struct kerr *err)
{
	struct strbuf url = STRBUF_INIT, form = STRBUF_INIT;
	struct fetch_http_resp resp;
	struct fetch_http_mem m;
	int rc;

	if (!ch->realm || !fetch_endpoint_url_allowed(ch->realm, insecure))
		return kerr_set(err, KERR_BUILD,
				"Bearer challenge with %s realm \"%.200s\"",
				ch->realm ? "a plain-http" : "no",
				ch->realm ? ch->realm : "");
	char *authz = build_request(ch, path, cred, &url, &form);
	fetch_http_mem_init(&m, TOKEN_ANSWER_MAX, "token answer", NULL);
	struct fetch_http_req req = {.method = form.len ? "POST" : "GET",
				     .url = url.buf,
				     .accept = "application/json",
				     .authorization = authz,
				     .post_form = form.len ? form.buf : NULL,
				     .sink = &m.sink};
	rc = fetch_http_do(h, &req, &resp, err) < 0 ? -1 : 0;
	if (!rc && resp.status != 200)
		rc = kerr_set(err, KERR_BUILD,
			      "token server answered HTTP %ld%s", resp.status,
			      cred->user ? " to the configured credentials"
					 : "");
	if (!rc)
		rc = read_answer(&m, token, err);
	fetch_http_resp_clear(&resp);
	fetch_http_mem_release(&m);
	wipe_release(&form);
	sb_release(&url);
	if (authz)
		explicit_bzero(authz, strlen(authz));
	free(authz);
	return rc;
}
