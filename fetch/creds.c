/* creds: docker's config.json and what it says about a registry (see
 * creds.h); the credential helpers themselves run in cred_helper.c. */
#include "creds.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "../oci/cleanup.h"
#include "../oci/strbuf.h"
#include "base64.h"

char *fetch_creds_config_dir(const char *dir)
{
	const char *env = getenv("DOCKER_CONFIG"), *home = getenv("HOME");
	struct strbuf sb = STRBUF_INIT;

	if (dir && *dir)
		return xstrdup(dir);
	if (env && *env)
		return xstrdup(env);
	sb_addf(&sb, "%s/.docker", home && *home ? home : "/");
	return sb_detach(&sb, NULL);
}

void fetch_creds_clear(struct fetch_cred *c)
{
	if (c->user)
		explicit_bzero(c->user, strlen(c->user));
	if (c->secret)
		explicit_bzero(c->secret, strlen(c->secret));
	free(c->user);
	free(c->secret);
	c->user = c->secret = NULL;
}

static const char *hub_alias(const char *host, size_t n)
{
	static const char *const names[] = {"docker.io", "index.docker.io",
					    "registry-1.docker.io"};
	for (size_t i = 0; i < sizeof(names) / sizeof(*names); i++)
		if (strlen(names[i]) == n && !strncasecmp(host, names[i], n))
			return "docker.io";
	return NULL;
}

bool fetch_creds_key_matches(const char *key, const char *domain)
{
	size_t n;

	if (!strncasecmp(key, "https://", 8))
		key += 8;
	else if (!strncasecmp(key, "http://", 7))
		key += 7;
	n = strcspn(key, "/");
	if (hub_alias(key, n))
		return hub_alias(domain, strlen(domain)) != NULL;
	return strlen(domain) == n && !strncasecmp(key, domain, n);
}

const char *fetch_creds_server_url(const char *domain)
{
	return hub_alias(domain, strlen(domain)) ? "https://index.docker.io/v1/"
						 : domain;
}

int fetch_creds_decode_auth(const char *b64, struct fetch_cred *out,
			    struct kerr *err)
{
	size_t n = 0;
	char *plain = fetch_b64_decode(b64, &n);
	char *colon = plain ? memchr(plain, ':', n) : NULL;

	if (!colon || colon == plain || strlen(plain) != n) {
		if (plain)
			explicit_bzero(plain, n);
		free(plain);
		return kerr_set(err, KERR_BUILD,
				"\"auth\" is not base64 of user:password");
	}
	out->user = xstrndup(plain, (size_t)(colon - plain));
	out->secret = xstrdup(colon + 1);
	explicit_bzero(plain, n);
	free(plain);
	return 0;
}

/* The member of obj (an object keyed by registry) that names domain. */
static json_t *entry_for(json_t *obj, const char *domain)
{
	const char *key;
	json_t *v;

	json_object_foreach(
	    obj, key, v) if (fetch_creds_key_matches(key, domain)) return v;
	return NULL;
}

static const char *str_member(json_t *o, const char *name)
{
	const char *s = json_string_value(json_object_get(o, name));
	return s && *s ? s : NULL;
}

/* Credentials held inline by an auths entry; 0 and anonymous when it
 * holds none (the docker CLI leaves {} there when a store has them). */
static int inline_creds(json_t *e, struct fetch_cred *out, struct kerr *err)
{
	const char *auth = str_member(e, "auth");
	const char *user = str_member(e, "username");
	const char *pass = str_member(e, "password");
	const char *token = str_member(e, "identitytoken");

	if (token) {
		out->user = xstrdup(FETCH_CRED_IDENTITY_TOKEN);
		out->secret = xstrdup(token);
	} else if (auth) {
		return fetch_creds_decode_auth(auth, out, err);
	} else if (user && pass) {
		out->user = xstrdup(user);
		out->secret = xstrdup(pass);
	}
	return 0;
}

int fetch_creds_from_config(json_t *cfg, const char *domain,
			    struct fetch_cred *out, char **helper,
			    struct kerr *err)
{
	const char *h = json_string_value(
	    entry_for(json_object_get(cfg, "credHelpers"), domain));
	json_t *e = entry_for(json_object_get(cfg, "auths"), domain);

	*helper = NULL;
	if (h && *h) {
		*helper = xstrdup(h);
		return 0;
	}
	if (e && inline_creds(e, out, err) < 0)
		return kerr_prefix(err, "auths entry for %s", domain);
	if (!out->user && (h = str_member(cfg, "credsStore")))
		*helper = xstrdup(h);
	return 0;
}

int fetch_creds_parse_helper(const char *buf, size_t n, struct fetch_cred *out,
			     struct kerr *err)
{
	json_t *doc = json_loadb(buf, n, 0, NULL);
	const char *user = json_string_value(json_object_get(doc, "Username"));
	const char *secret = json_string_value(json_object_get(doc, "Secret"));

	if (!user || !secret || !*secret) {
		json_decref(doc);
		return kerr_set(err, KERR_BUILD,
				"answer is not {\"Username\",\"Secret\"}");
	}
	out->user = xstrdup(user);
	out->secret = xstrdup(secret);
	json_decref(doc);
	return 0;
}

/* Parses config.json; a syntax error is reported by position only, as
 * jansson's text may quote the file (and so a secret). */
static json_t *load_config(const char *path, struct kerr *err)
{
	json_error_t je;
	json_t *cfg = json_load_file(path, 0, &je);

	if (!cfg && je.line < 0)
		kerr_set(err, KERR_BUILD, "%s", je.text);
	else if (!cfg)
		kerr_set(err, KERR_BUILD, "invalid JSON at line %d column %d",
			 je.line, je.column);
	else if (!json_is_object(cfg)) {
		json_decref(cfg);
		cfg = NULL;
		kerr_set(err, KERR_BUILD, "not a JSON object");
	}
	return cfg;
}

int fetch_creds_lookup(const char *config_dir, const char *domain,
		       struct fetch_cred *out, struct kerr *err)
{
	struct strbuf path = STRBUF_INIT;
	autofree char *helper = NULL;
	json_t *cfg;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	sb_addf(&path, "%s/config.json", config_dir);
	if (access(path.buf, F_OK) < 0 && errno == ENOENT) {
		sb_release(&path);
		return 0;
	}
	cfg = load_config(path.buf, err);
	if (!cfg || fetch_creds_from_config(cfg, domain, out, &helper, err) < 0)
		rc = -1;
	json_decref(cfg);
	if (!rc && helper)
		rc = fetch_creds_run_helper(helper, domain, out, err);
	if (rc < 0) {
		fetch_creds_clear(out);
		kerr_prefix(err, "credentials for %s from %s", domain,
			    path.buf);
	}
	sb_release(&path);
	return rc;
}
