/* media: manifest media types (see media.h). */
#include "media.h"

#include <string.h>

#include "../oci/strbuf.h"

bool fetch_media_is_index(const char *mt)
{
	return !strcmp(mt, OCI_MEDIA_INDEX) ||
	       !strcmp(mt, DOCKER_MEDIA_MANIFEST_LIST);
}

bool fetch_media_is_manifest(const char *mt)
{
	return !strcmp(mt, OCI_MEDIA_MANIFEST) ||
	       !strcmp(mt, DOCKER_MEDIA_MANIFEST);
}

char *fetch_media_of(json_t *doc, const char *content_type)
{
	const char *mt = json_string_value(json_object_get(doc, "mediaType"));

	if (mt && *mt)
		return xstrdup(mt);
	if (content_type && *content_type &&
	    strncmp(content_type, "application/json", 16) &&
	    strncmp(content_type, "text/plain", 10))
		return xstrndup(content_type, strcspn(content_type, "; \t"));
	if (json_is_array(json_object_get(doc, "manifests")))
		return xstrdup(OCI_MEDIA_INDEX);
	if (json_is_object(json_object_get(doc, "config")))
		return xstrdup(OCI_MEDIA_MANIFEST);
	return NULL;
}
