/* layout_tar: writes a finished image as one deterministic tar that is both
 * an OCI image layout (oci-layout, index.json, blobs/sha256/…) and a Docker
 * archive (manifest.json), so skopeo/umoci and docker/podman load all take
 * it. */
#ifndef KILN_LAYOUT_TAR_H
#define KILN_LAYOUT_TAR_H

#include <stdint.h>

#include "blobstore.h"
#include "digest.h"
#include "kerr.h"
#include "strlist.h"

struct oci_image_ref {
	char manifest_digest[DIGEST_BUFSZ];
	uint64_t manifest_size;
	char config_digest[DIGEST_BUFSZ];
	struct strlist layer_digests; /* in manifest order */
};

/* Writes the image's blobs from bs and its tags (full references such as
 * "docker.io/library/app:latest"; NULL for none) to out_path: entries
 * sorted, all with mtime, owned by 0:0, 0644 files and 0755 directories.
 * The tar is built in a ".kiln-tmp-*" file beside out_path and renamed over
 * it when complete; on failure out_path is untouched. */
int oci_write_image_tar(struct blobstore *bs, const char *out_path,
			const struct oci_image_ref *img,
			const struct strlist *tags, int64_t mtime,
			struct kerr *err);

#endif
