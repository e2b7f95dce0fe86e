/* reference: Docker image references as docker/distribution normalises
 * them: "app" -> docker.io/library/app:latest, registry hosts and ports,
 * localhost, name@sha256:..., name:tag@sha256:... */
#ifndef KILN_REFERENCE_H
#define KILN_REFERENCE_H

#include "kerr.h"

struct oci_ref {
	char *domain; /* "docker.io", "localhost:5000" */
	char *path;   /* "library/app" */
	char *tag;    /* NULL when a digest alone pins it */
	char *digest; /* "sha256:<hex>" or NULL */
};

/* Parses and normalises s; -1 with err set (KERR_USAGE) when invalid. */
int oci_ref_parse(const char *s, struct oci_ref *out, struct kerr *err);
/* domain/path[:tag][@digest], malloc'd. */
char *oci_ref_string(const struct oci_ref *r);
/* The short form Docker shows: "app:latest", "ghcr.io/x/y:1". */
char *oci_ref_familiar(const struct oci_ref *r);
void oci_ref_clear(struct oci_ref *r);

#endif
