/* creds: registry credentials as the docker CLI keeps them, read from
 * DIR/config.json: "credHelpers" (per registry) and "credsStore" (for all)
 * name a docker-credential-<name> program spoken to with the "get"
 * protocol; "auths" holds them inline ("auth": base64 of user:password,
 * or "username"/"password", or an "identitytoken"). Nothing read here ever
 * reaches a message: errors name the file and the registry only. */
#ifndef KILN_FETCH_CREDS_H
#define KILN_FETCH_CREDS_H

#include <jansson.h>
#include <stdbool.h>

#include "../oci/kerr.h"

/* Username "<token>" marks an identity (OAuth2 refresh) token in secret,
 * as the docker CLI and credential helpers mark it. */
#define FETCH_CRED_IDENTITY_TOKEN "<token>"

struct fetch_cred {
	char *user; /* NULL: anonymous */
	char *secret;
};

/* The docker config directory: dir, else $DOCKER_CONFIG, else
 * $HOME/.docker; malloc'd. */
char *fetch_creds_config_dir(const char *dir);
/* Credentials for a registry domain ("docker.io", "127.0.0.1:5000") from
 * config_dir/config.json, running a helper when it says so. No file, no
 * entry, or a helper that knows none: 0 and anonymous. */
int fetch_creds_lookup(const char *config_dir, const char *domain,
		       struct fetch_cred *out, struct kerr *err);
/* Wipes and frees; the struct is then anonymous. */
void fetch_creds_clear(struct fetch_cred *c);

/* The pure steps of fetch_creds_lookup, for tests. */

/* What a parsed config.json says for domain: credentials (out) or a
 * helper's name (*helper, malloc'd), or neither. Precedence as the docker
 * CLI's: credHelpers, then an auths entry holding credentials, then
 * credsStore. */
int fetch_creds_from_config(json_t *cfg, const char *domain,
			    struct fetch_cred *out, char **helper,
			    struct kerr *err);
/* Whether a config key ("https://index.docker.io/v1/", "host:5000",
 * "http://host:5000/v2/") names domain; Docker Hub's names are one. */
bool fetch_creds_key_matches(const char *key, const char *domain);
/* Decodes an "auth" value, base64 of "user:password". */
int fetch_creds_decode_auth(const char *b64, struct fetch_cred *out,
			    struct kerr *err);
/* Reads a helper's answer {"Username":…,"Secret":…}. */
int fetch_creds_parse_helper(const char *buf, size_t n, struct fetch_cred *out,
			     struct kerr *err);
/* Runs docker-credential-<name> get (fork/exec, no shell) for domain;
 * a helper that knows no credentials for it leaves out anonymous. */
int fetch_creds_run_helper(const char *name, const char *domain,
			   struct fetch_cred *out, struct kerr *err);
/* The server URL a helper is asked about: Docker Hub's v1 URL for it,
 * the domain itself otherwise. */
const char *fetch_creds_server_url(const char *domain);

#endif
