/* image: the OCI JSON documents kiln stores as blobs (descriptors,
 * manifests), built with jansson and serialised one stable way: sorted
 * keys, compact. */
#ifndef KILN_IMAGE_H
#define KILN_IMAGE_H

#include <jansson.h>
#include <stdint.h>

#include "blobstore.h"
#include "digest.h"
#include "kerr.h"
#include "media_types.h"

/* {"digest":…,"mediaType":…,"size":…} */
json_t *oci_descriptor(const char *media_type, const char *digest,
		       uint64_t size);
/* Stores doc's stable serialisation as a blob; size may be NULL. */
int oci_put_json(struct blobstore *bs, json_t *doc, char digest[DIGEST_BUFSZ],
		 uint64_t *size, struct kerr *err);
/* An image manifest. Takes ownership of its arguments, as jansson's _new
 * setters do; layer_descs NULL means no layers, annotations NULL or empty
 * means none. A config descriptor without a mediaType gets the OCI config
 * media type. */
json_t *oci_manifest_new(json_t *config_desc, json_t *layer_descs,
			 json_t *annotations);

#endif
