/* auth: answering a registry's 401. A WWW-Authenticate challenge is
 * parsed; "Bearer" gets a token from its realm (with service and scope, and
 * Basic credentials or an identity token when config.json has them),
 * "Basic" sends the credentials themselves. The resulting Authorization
 * value is kept per registry and repository, so one 401 is paid per
 * repository; credentials are looked up once per registry, only when a
 * registry asks for them. */
#ifndef KILN_FETCH_AUTH_H
#define KILN_FETCH_AUTH_H

#include <stdbool.h>

#include "../oci/kerr.h"
#include "../oci/strlist.h"
#include "http.h"

struct fetch_auth_challenge {
	char *scheme; /* as sent: "Bearer", "Basic" */
	char *realm;
	char *service;
	char *scope;
};

/* Parses one challenge: a scheme, then key=value parameters (quoted
 * strings with backslash escapes, or tokens) up to the next scheme. -1
 * when there is no scheme or a quoted string never ends. */
int fetch_auth_parse_challenge(const char *hdr,
			       struct fetch_auth_challenge *out);
void fetch_auth_challenge_clear(struct fetch_auth_challenge *c);

struct fetch_auth;

/* config_dir: where config.json is; insecure: as fetch_endpoint's. Both
 * must outlive the object. */
struct fetch_auth *fetch_auth_new(const char *config_dir,
				  const struct strlist *insecure);
void fetch_auth_free(struct fetch_auth *a);

/* The Authorization value for domain's repository path, or NULL. */
const char *fetch_auth_header(struct fetch_auth *a, const char *domain,
			      const char *path);
/* Answers the 401 resp that domain sent for path, caching the value
 * fetch_auth_header returns next. -1 with err set when no challenge can be
 * answered; the message never holds a credential or token. */
int fetch_auth_answer(struct fetch_auth *a, struct fetch_http *h,
		      const char *domain, const char *path,
		      const struct fetch_http_resp *resp, struct kerr *err);
/* The token step of the Bearer flow: asks ch's realm for a token for
 * path (the challenge's scope, else pull access to path), with cred when it
 * has a user. The realm must pass fetch_endpoint_url_allowed. *token is
 * malloc'd; wipe it when done. */
struct fetch_cred;
int fetch_auth_token(struct fetch_http *h,
		     const struct fetch_auth_challenge *ch, const char *path,
		     const struct fetch_cred *cred,
		     const struct strlist *insecure, char **token,
		     struct kerr *err);
/* Whether config.json gave credentials for domain (for messages). */
bool fetch_auth_has_creds(struct fetch_auth *a, const char *domain);

#endif
