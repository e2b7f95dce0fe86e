/* media: the manifest media types a registry may answer with, OCI's and
 * Docker's, and which kind of document each one is. */
#ifndef KILN_FETCH_MEDIA_H
#define KILN_FETCH_MEDIA_H

#include <jansson.h>
#include <stdbool.h>

#include "../oci/media_types.h"

#define DOCKER_MEDIA_MANIFEST_LIST                                             \
	"application/vnd.docker.distribution.manifest.list.v2+json"
#define DOCKER_MEDIA_MANIFEST                                                  \
	"application/vnd.docker.distribution.manifest.v2+json"
#define DOCKER_MEDIA_CONFIG "application/vnd.docker.container.image.v1+json"

/* What kiln asks a registry for, most wanted first. */
#define FETCH_MANIFEST_ACCEPT                                                  \
	OCI_MEDIA_INDEX ", " OCI_MEDIA_MANIFEST                                \
			", " DOCKER_MEDIA_MANIFEST_LIST                        \
			", " DOCKER_MEDIA_MANIFEST

bool fetch_media_is_index(const char *mt);
bool fetch_media_is_manifest(const char *mt);
/* A manifest document's media type, malloc'd: its "mediaType" field, else
 * the Content-Type the registry sent (without parameters), else what its
 * shape says ("manifests": an OCI index; "config": an OCI manifest).
 * NULL when none of these gives one. */
char *fetch_media_of(json_t *doc, const char *content_type);

#endif
