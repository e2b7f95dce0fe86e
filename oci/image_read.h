/* image_read: opening an image that already exists, for reading: an OCI
 * image tarball (kiln's output, or any OCI layout in a tar, compressed or
 * not), an OCI layout directory, or a blob store (same shape as a layout)
 * with the digest of a manifest in it. The manifest and config are read
 * into memory and checked against their digests; layers are only opened
 * when asked for, as libarchive streams, so nothing is ever unpacked to
 * disk. Used by `kiln diff`, `kiln inspect` and `kiln verify`.
 *
 * Registry references are not this file's business: fetch/ pulls them
 * into a blob store, then image_open_store() reads them (see cmd_diff.c). */
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
	char digest[DIGEST_BUFSZ];  /* of the blob, as the manifest names it */
	char diff_id[DIGEST_BUFSZ]; /* config's rootfs.diff_ids[i]; "" if none */
	const char *media_type;	    /* borrowed from the manifest */
	uint64_t size;		    /* of the blob */
	/* The history entry that made this layer, borrowed from the config:
	 * the i-th entry without "empty_layer": true. NULL when the history
	 * is shorter than the layers. */
	json_t *history;
};

struct image_src;

struct image {
	char *name;			    /* as the caller named it */
	char index_digest[DIGEST_BUFSZ];    /* an index blob it came through,
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
 * architecture's default) picks one; NULL means the only one, else the
 * host's. Errors are one line naming path (usage code for a missing or
 * unreadable path, build code for a malformed image). *out is the
 * caller's, freed with image_free. */
int image_open(const char *path, const char *platform, struct image **out,
	       struct kerr *err);

/* Opens the manifest named manifest_digest from the blob store (or any
 * layout) rooted at dir; name is what messages call it (a reference).
 * Layer blobs need not be there until image_layer_open asks for them. */
int image_open_store(const char *dir, const char *manifest_digest,
		     const char *name, struct image **out, struct kerr *err);

void image_free(struct image *im);

/* Opens layer i for streaming: a libarchive reader over the layer's tar
 * (whatever compression libarchive reads), positioned before its first
 * header. The caller frees it with archive_read_free. */
int image_layer_open(const struct image *im, size_t i, struct archive **out,
		     struct kerr *err);

/* Reads the blob named digest (at most max bytes) into memory, checked
 * against the digest; *buf is malloc'd and NUL-terminated. */
int image_read_blob(const struct image *im, const char *digest, size_t max,
		    char **buf, size_t *len, struct kerr *err);

/* The created_by of a history entry ("" when it has none). */
const char *image_history_created_by(const json_t *h);

#endif
