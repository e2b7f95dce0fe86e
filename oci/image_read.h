/* image_read: opening an image that already exists, for reading: an OCI
 * image tarball (kiln's output, or any OCI layout in a tar, compressed or
 * not), an OCI layout directory, or a blob store (same shape as a layout)
 * with the digest of a manifest in it. The manifest and config are read
 * into memory and checked against their digests; layers are only opened
 * when asked for, as libarchive streams, so nothing is ever unpacked to
 * disk (nor re-hashed: a layer blob that is not what its digest says
 * shows as other content, or fails to read). Used by `kiln diff`,
 * `kiln inspect` and `kiln verify`.
 *
 * Registry references are not this file's business (oci/ does not know
 * fetch/): the caller resolves one into a blob store, opens it with
 * image_open_store(), and hands over a callback that fetches a layer blob
 * when it is first read (see cmd/cmd_diff.c). */
#ifndef KILN_IMAGE_READ_H
#define KILN_IMAGE_READ_H

#include <archive.h>
#include <jansson.h>
#include <stdint.h>

#include "digest.h"
#include "kerr.h"

/* Manifests, indexes and configs are read into memory up to this size. */
#define IMAGE_JSON_MAX (16 * 1024 * 1024)

struct image_layer {
	/* Of the blob, as the manifest names it. */
	char digest[DIGEST_BUFSZ];
	/* The config's rootfs.diff_ids[i]; "" when it has none. */
	char diff_id[DIGEST_BUFSZ];
	const char *media_type; /* borrowed from the manifest */
	uint64_t size;		/* of the blob */
	/* The history entry that made this layer, borrowed from the config:
	 * the i-th entry without "empty_layer": true. NULL when the history
	 * is shorter than the layers. */
	json_t *history;
};

struct image_src;

/* Fetches the blob named digest (size bytes) into the store an image was
 * opened from, when the store lacks it; a registry client behind ctx. */
typedef int (*image_fetch_fn)(void *ctx, const char *digest, uint64_t size,
			      struct kerr *err);

struct image {
	char *name;			 /* as the caller named it */
	char index_digest[DIGEST_BUFSZ]; /* an index blob it came through,
					  * or "" (a layout's index.json is
					  * not a blob) */
	char manifest_digest[DIGEST_BUFSZ];
	uint64_t manifest_size;
	char config_digest[DIGEST_BUFSZ];
	uint64_t config_size;
	char *platform; /* "os/arch[/variant]" from the config */
	json_t *manifest;
	json_t *config;
	struct image_layer *layers; /* in manifest order */
	size_t n_layers;
	struct image_src *src; /* where blobs come from (private) */
};

/* Opens the image at path: an OCI layout directory (with index.json) or a
 * tar of one. When the index (followed through nested indexes) names
 * several distinct image manifests, platform ("os/arch[/variant]",
 * normalised as containerd does: x86_64 is amd64, a missing variant the
 * architecture's default) picks one; NULL means the host's. A single
 * manifest without a platform in its index entry is taken whatever its
 * config says, as docker does. Errors are one line naming path (usage
 * code for a missing path or a malformed platform, build code for a
 * malformed image; kiln diff exits 2 on either). *out is the caller's,
 * freed with image_free. */
int image_open(const char *path, const char *platform, struct image **out,
	       struct kerr *err);

/* Opens the manifest named manifest_digest from the blob store (or any
 * layout) rooted at dir; name is what messages call it (a reference).
 * Layer blobs need not be there: image_layer_open calls fetch (when not
 * NULL) for each one first, so only the layers a caller reads are
 * fetched. ctx must outlive the image. */
int image_open_store(const char *dir, const char *manifest_digest,
		     const char *name, image_fetch_fn fetch, void *ctx,
		     struct image **out, struct kerr *err);

void image_free(struct image *im);

/* Opens layer i for streaming: a libarchive reader over the layer's tar
 * (whatever compression libarchive reads), positioned before its first
 * header. The caller frees it with archive_read_free. */
int image_layer_open(const struct image *im, size_t i, struct archive **out,
		     struct kerr *err);

/* The created_by of a history entry ("" when it has none). */
const char *image_history_created_by(const json_t *h);

#endif
