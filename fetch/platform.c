/* platform: parsing, normalising and matching platforms, and choosing a
 * manifest from an index (see platform.h). */
#include "platform.h"

#include <string.h>

#include "../oci/media_types.h"
#include "../oci/strlist.h"
#include "media.h"

struct alias {
	const char *name, *arch, *variant;
};

/* Names other tools use for an architecture, as containerd's
 * platforms.Normalize maps them. */
static const struct alias aliases[] = {
    {"x86_64", "amd64", ""}, {"x86-64", "amd64", ""}, {"aarch64", "arm64", ""},
    {"armhf", "arm", "v7"},  {"armel", "arm", "v6"},  {"i386", "386", ""},
    {"i686", "386", ""},
};

static void normalise(struct fetch_platform *p)
{
	for (size_t i = 0; i < sizeof(aliases) / sizeof(*aliases); i++) {
		if (strcmp(p->arch, aliases[i].name))
			continue;
		strcpy(p->arch, aliases[i].arch);
		if (!p->variant[0])
			strcpy(p->variant, aliases[i].variant);
	}
	if (!strcmp(p->arch, "arm64") && !strcmp(p->variant, "8"))
		strcpy(p->variant, "v8");
}

static bool copy_field(char *dst, const char *s, size_t n)
{
	if (!n || n >= 32)
		return false;
	memcpy(dst, s, n);
	dst[n] = '\0';
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '_' ||
		      s[i] == '-' || s[i] == '.'))
			return false;
	return true;
}

int fetch_platform_parse(const char *s, struct fetch_platform *p,
			 struct kerr *err)
{
	const char *a = strchr(s, '/'), *v = a ? strchr(a + 1, '/') : NULL;

	memset(p, 0, sizeof(*p));
	if (!a || !copy_field(p->os, s, (size_t)(a - s)) ||
	    !copy_field(p->arch, a + 1,
			v ? (size_t)(v - a - 1) : strlen(a + 1)) ||
	    (v && !copy_field(p->variant, v + 1, strlen(v + 1))))
		return kerr_set(
		    err, KERR_USAGE,
		    "invalid platform \"%s\" (want os/arch[/variant], "
		    "lowercase)",
		    s);
	normalise(p);
	return 0;
}

bool fetch_platform_from_json(json_t *platform, struct fetch_platform *p)
{
	const char *os = json_string_value(json_object_get(platform, "os"));
	const char *arch =
	    json_string_value(json_object_get(platform, "architecture"));
	const char *variant =
	    json_string_value(json_object_get(platform, "variant"));

	memset(p, 0, sizeof(*p));
	if (!os || !arch || strlen(os) >= 32 || strlen(arch) >= 32 ||
	    (variant && strlen(variant) >= 32))
		return false;
	strcpy(p->os, os);
	strcpy(p->arch, arch);
	strcpy(p->variant, variant ? variant : "");
	normalise(p);
	return true;
}

static const char *variant_or_default(const struct fetch_platform *p)
{
	if (p->variant[0])
		return p->variant;
	if (!strcmp(p->arch, "arm64"))
		return "v8";
	if (!strcmp(p->arch, "arm"))
		return "v7";
	if (!strcmp(p->arch, "amd64"))
		return "v1";
	return "";
}

bool fetch_platform_equal(const struct fetch_platform *a,
			  const struct fetch_platform *b)
{
	return !strcmp(a->os, b->os) && !strcmp(a->arch, b->arch) &&
	       !strcmp(variant_or_default(a), variant_or_default(b));
}

void fetch_platform_format(const struct fetch_platform *p, struct strbuf *sb)
{
	sb_addf(sb, "%s/%s%s%s", p->os, p->arch, p->variant[0] ? "/" : "",
		p->variant);
}

/* An index entry kiln could use as an image: an image manifest (by its
 * mediaType, or none said) with a platform. */
static bool entry_platform(json_t *e, struct fetch_platform *p)
{
	const char *mt = json_string_value(json_object_get(e, "mediaType"));

	if (mt && !fetch_media_is_manifest(mt))
		return false;
	return fetch_platform_from_json(json_object_get(e, "platform"), p);
}

static int no_match(json_t *ms, const struct fetch_platform *want,
		    const char *refname, struct kerr *err)
{
	struct strbuf w = STRBUF_INIT, avail = STRBUF_INIT;
	struct fetch_platform p;
	size_t i;
	json_t *e;

	fetch_platform_format(want, &w);
	json_array_foreach(ms, i, e)
	{
		if (!entry_platform(e, &p) || !strcmp(p.os, "unknown"))
			continue; /* attestations are not images */
		sb_adds(&avail, avail.len ? ", " : "");
		fetch_platform_format(&p, &avail);
	}
	kerr_set(err, KERR_BUILD,
		 "no manifest for platform %s in %s (available: %s)", w.buf,
		 refname, avail.len ? avail.buf : "none");
	sb_release(&w);
	sb_release(&avail);
	return -1;
}

json_t *fetch_platform_select(json_t *index, const struct fetch_platform *want,
			      const char *refname, struct kerr *err)
{
	json_t *ms = json_object_get(index, "manifests"), *e, *loose = NULL;
	struct fetch_platform p;
	size_t i;

	json_array_foreach(ms, i, e)
	{
		if (!entry_platform(e, &p))
			continue;
		if (fetch_platform_equal(want, &p))
			return e;
		if (!loose && !want->variant[0] && !strcmp(p.os, want->os) &&
		    !strcmp(p.arch, want->arch))
			loose = e;
	}
	if (loose)
		return loose;
	no_match(ms, want, refname, err);
	return NULL;
}
