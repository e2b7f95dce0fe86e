/* endpoint: where a reference's registry is reached and how: Docker Hub's
 * API host, and the plain-http rule (only loopback hosts and the registries
 * the caller lists as insecure; https with the system CAs otherwise). */
#ifndef KILN_FETCH_ENDPOINT_H
#define KILN_FETCH_ENDPOINT_H

#include <stdbool.h>

#include "../oci/strlist.h"

/* The host[:port] that serves domain's API: "docker.io" is served by
 * "registry-1.docker.io"; every other domain serves itself. */
const char *fetch_endpoint_host(const char *domain);
/* Whether domain ("localhost:5000", "[::1]:5000", "reg.local") may be
 * spoken to over plain http: localhost, 127.0.0.0/8, ::1, or listed in
 * insecure (as "host:port", or as "host" for any port). */
bool fetch_endpoint_plain_http(const char *domain,
			       const struct strlist *insecure);
/* "http(s)://HOST/v2/PATH" for a repository, malloc'd. */
char *fetch_endpoint_base(const char *domain, const char *path,
			  const struct strlist *insecure);
/* Whether url may be requested at all: https, or http to a host that
 * fetch_endpoint_plain_http allows. Guards token realms and the like,
 * which a registry names and kiln must not follow to plain http. */
bool fetch_endpoint_url_allowed(const char *url,
				const struct strlist *insecure);

#endif
