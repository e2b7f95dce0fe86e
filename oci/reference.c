/* reference: parsing and normalising image references (see reference.h). */
#include "reference.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"

/* One path component: [a-z0-9]+((\.|_|__|-+)[a-z0-9]+)* */
static bool valid_component(const char *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		size_t run = 0;
		while (i < n && (islower((unsigned char)s[i]) || isdigit((unsigned char)s[i])))
			i++, run++;
		if (!run)
			return false;
		if (i == n)
			return true;
		size_t sep = i;
		while (i < n && s[i] == '-')
			i++;
		if (i == sep) {
			if (s[i] == '.' || (s[i] == '_' && s[i + 1] != '_'))
				i++;
			else if (s[i] == '_' && s[i + 1] == '_')
				i += 2;
			else
				return false;
		}
	}
	return false;
}

static bool valid_path(const char *p)
{
	while (*p) {
		size_t n = strcspn(p, "/");
		if (!valid_component(p, n))
			return false;
		p += n;
		if (*p == '/' && !*++p)
			return false;
	}
	return true;
}

static bool valid_tag(const char *t)
{
	size_t n = strlen(t);
	if (!n || n > 128 || !(isalnum((unsigned char)*t) || *t == '_'))
		return false;
	for (size_t i = 1; i < n; i++)
		if (!isalnum((unsigned char)t[i]) && !strchr("_.-", t[i]))
			return false;
	return true;
}

static bool valid_digest(const char *d)
{
	if (strncmp(d, "sha256:", 7) || strlen(d) != 71)
		return false;
	for (d += 7; *d; d++)
		if (!isdigit((unsigned char)*d) && !(*d >= 'a' && *d <= 'f'))
			return false;
	return true;
}

/* Splits "name[:tag][@digest]" into out's tag and digest; returns name. */
static char *split_suffixes(char *s, struct oci_ref *out)
{
	char *at = strchr(s, '@');
	if (at) {
		*at = '\0';
		out->digest = xstrdup(at + 1);
	}
	char *slash = strrchr(s, '/'), *colon = strrchr(s, ':');
	if (colon && (!slash || colon > slash)) {
		*colon = '\0';
		out->tag = xstrdup(colon + 1);
	}
	return s;
}

static void split_domain(const char *name, struct oci_ref *out)
{
	const char *slash = strchr(name, '/');
	size_t n = slash ? (size_t)(slash - name) : 0;
	bool has_domain = slash && (memchr(name, '.', n) || memchr(name, ':', n) ||
				    (n == 9 && !strncmp(name, "localhost", 9)) ||
				    strcspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") < n);
	out->domain = has_domain ? xstrndup(name, n) : xstrdup("docker.io");
	const char *path = has_domain ? slash + 1 : name;
	if (!strcmp(out->domain, "index.docker.io")) {
		free(out->domain);
		out->domain = xstrdup("docker.io");
	}
	bool library = !strcmp(out->domain, "docker.io") && !strchr(path, '/');
	struct strbuf sb = STRBUF_INIT;
	sb_addf(&sb, "%s%s", library ? "library/" : "", path);
	out->path = sb_detach(&sb, NULL);
}

int oci_ref_parse(const char *s, struct oci_ref *out, struct kerr *err)
{
	char *copy = xstrdup(s);
	memset(out, 0, sizeof(*out));
	char *name = split_suffixes(copy, out);
	split_domain(name, out);
	const char *why = NULL;
	if (!*name || !valid_path(out->path))
		why = "invalid repository name (want lowercase [a-z0-9._-] components)";
	else if (out->tag && !valid_tag(out->tag))
		why = "invalid tag";
	else if (out->digest && !valid_digest(out->digest))
		why = "invalid digest (want sha256:<64 hex>)";
	free(copy);
	if (why) {
		oci_ref_clear(out);
		return kerr_set(err, KERR_USAGE, "invalid reference \"%s\": %s",
				s, why);
	}
	if (!out->tag && !out->digest)
		out->tag = xstrdup("latest");
	return 0;
}

char *oci_ref_string(const struct oci_ref *r)
{
	struct strbuf sb = STRBUF_INIT;
	sb_addf(&sb, "%s/%s", r->domain, r->path);
	if (r->tag)
		sb_addf(&sb, ":%s", r->tag);
	if (r->digest)
		sb_addf(&sb, "@%s", r->digest);
	return sb_detach(&sb, NULL);
}

char *oci_ref_familiar(const struct oci_ref *r)
{
	struct strbuf sb = STRBUF_INIT;
	bool hub = !strcmp(r->domain, "docker.io");
	const char *path = r->path;
	if (hub && !strncmp(path, "library/", 8) && !strchr(path + 8, '/'))
		path += 8;
	if (!hub)
		sb_addf(&sb, "%s/", r->domain);
	sb_adds(&sb, path);
	if (r->tag)
		sb_addf(&sb, ":%s", r->tag);
	if (r->digest)
		sb_addf(&sb, "@%s", r->digest);
	return sb_detach(&sb, NULL);
}

void oci_ref_clear(struct oci_ref *r)
{
	free(r->domain);
	free(r->path);
	free(r->tag);
	free(r->digest);
	memset(r, 0, sizeof(*r));
}
