/* endpoint: registry hosts and the plain-http rule (see endpoint.h). */
#include "endpoint.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../oci/cleanup.h"
#include "../oci/strbuf.h"

const char *fetch_endpoint_host(const char *domain)
{
	return strcmp(domain, "docker.io") ? domain : "registry-1.docker.io";
}

/* The host part of "host", "host:port", "[v6]" or "[v6]:port", malloc'd
 * without brackets. */
static char *host_of(const char *domain)
{
	if (domain[0] == '[') {
		const char *end = strchr(domain, ']');
		return end ? xstrndup(domain + 1, (size_t)(end - domain - 1))
			   : xstrdup(domain);
	}
	const char *colon = strchr(domain, ':');
	return colon ? xstrndup(domain, (size_t)(colon - domain))
		     : xstrdup(domain);
}

static bool host_is_loopback(const char *host)
{
	unsigned char a4[4], a6[16];

	if (!strcasecmp(host, "localhost"))
		return true;
	if (inet_pton(AF_INET, host, a4) == 1)
		return a4[0] == 127;
	if (inet_pton(AF_INET6, host, a6) == 1)
		return !memcmp(a6, &in6addr_loopback, sizeof(a6));
	return false;
}

bool fetch_endpoint_plain_http(const char *domain,
			       const struct strlist *insecure)
{
	autofree char *host = host_of(domain);

	if (host_is_loopback(host))
		return true;
	for (size_t i = 0; insecure && i < insecure->n; i++) {
		const char *e = insecure->v[i];
		if (!strcasecmp(e, domain) || !strcasecmp(e, host))
			return true;
	}
	return false;
}

char *fetch_endpoint_base(const char *domain, const char *path,
			  const struct strlist *insecure)
{
	struct strbuf sb = STRBUF_INIT;

	sb_addf(&sb, "%s://%s/v2/%s",
		fetch_endpoint_plain_http(domain, insecure) ? "http" : "https",
		fetch_endpoint_host(domain), path);
	return sb_detach(&sb, NULL);
}

bool fetch_endpoint_url_allowed(const char *url, const struct strlist *insecure)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL, *port = NULL;
	bool ok = false;

	if (u && !curl_url_set(u, CURLUPART_URL, url, 0) &&
	    !curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) &&
	    !curl_url_get(u, CURLUPART_HOST, &host, 0)) {
		curl_url_get(u, CURLUPART_PORT, &port, 0);
		struct strbuf d = STRBUF_INIT;
		sb_addf(&d, "%s%s%s", host, port ? ":" : "", port ? port : "");
		ok = !strcasecmp(scheme, "https") ||
		     (!strcasecmp(scheme, "http") &&
		      fetch_endpoint_plain_http(sb_str(&d), insecure));
		sb_release(&d);
	}
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	curl_url_cleanup(u);
	return ok;
}
