/* image: OCI descriptors and manifests as JSON blobs (see image.h). */
#include "image.h"

#include <stdlib.h>
#include <string.h>

json_t *oci_descriptor(const char *media_type, const char *digest,
		       uint64_t size)
{
	json_t *d = json_object();

	json_object_set_new(d, "mediaType", json_string(media_type));
	json_object_set_new(d, "digest", json_string(digest));
	json_object_set_new(d, "size", json_integer((json_int_t)size));
	return d;
}

int oci_put_json(struct blobstore *bs, json_t *doc, char digest[DIGEST_BUFSZ],
		 uint64_t *size, struct kerr *err)
{
	char *s = json_dumps(doc, JSON_SORT_KEYS | JSON_COMPACT);
	size_t n;
	int r;

	if (!s)
		return kerr_set(err, KERR_BUILD,
				"serialising a JSON document: jansson failed");
	n = strlen(s);
	r = blobstore_put(bs, s, n, digest, err);
	free(s);
	if (r == 0 && size)
		*size = n;
	return r;
}

json_t *oci_manifest_new(json_t *config_desc, json_t *layer_descs,
			 json_t *annotations)
{
	json_t *m = json_object();

	json_object_set_new(m, "schemaVersion", json_integer(2));
	json_object_set_new(m, "mediaType", json_string(OCI_MEDIA_MANIFEST));
	if (!json_object_get(config_desc, "mediaType"))
		json_object_set_new(config_desc, "mediaType",
				    json_string(OCI_MEDIA_CONFIG));
	json_object_set_new(m, "config", config_desc);
	json_object_set_new(m, "layers",
			    layer_descs ? layer_descs : json_array());
	if (annotations && json_object_size(annotations))
		json_object_set_new(m, "annotations", annotations);
	else
		json_decref(annotations);
	return m;
}
