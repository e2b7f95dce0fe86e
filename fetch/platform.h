/* platform: "os/arch[/variant]" as containerd normalises it, and picking
 * an image index's manifest for one. Architectures go by their GOARCH
 * names (x86_64 is amd64, aarch64 is arm64); a missing variant is the
 * architecture's default one (arm64: v8, arm: v7, amd64: v1). */
#ifndef KILN_FETCH_PLATFORM_H
#define KILN_FETCH_PLATFORM_H

#include <jansson.h>
#include <stdbool.h>

#include "../oci/kerr.h"
#include "../oci/strbuf.h"

struct fetch_platform {
	char os[32];
	char arch[32];
	char variant[32]; /* "" when none was given */
};

/* Parses and normalises "os/arch[/variant]"; -1 with err set (usage)
 * when s is not of that shape. */
int fetch_platform_parse(const char *s, struct fetch_platform *p,
			 struct kerr *err);
/* The platform of an index entry ({"os":…,"architecture":…,
 * "variant":…}); false when it has none. */
bool fetch_platform_from_json(json_t *platform, struct fetch_platform *p);
/* Same os, architecture and variant, a missing variant being the
 * architecture's default. */
bool fetch_platform_equal(const struct fetch_platform *a,
			  const struct fetch_platform *b);
/* "os/arch" or "os/arch/variant". */
void fetch_platform_format(const struct fetch_platform *p, struct strbuf *sb);
/* The entry of index's "manifests" that is an image manifest for want:
 * an exact match first; when want has no variant, any variant of its
 * os/arch next. NULL with err set, "no manifest for platform P in REF
 * (available: …)", when none is (refname names the index). */
json_t *fetch_platform_select(json_t *index, const struct fetch_platform *want,
			      const char *refname, struct kerr *err);

#endif
