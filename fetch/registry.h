/* registry: kiln's OCI distribution client, the API the rest of kiln uses.
 * It resolves an image reference (tag or digest) to the index, manifest
 * and config of one platform, and fetches blobs, storing everything in the
 * blob store as it goes. Every byte is checked against the digest (and
 * size) that names it while it streams in; what is already in the store is
 * not fetched again. Registries are reached over https with the system
 * CAs; plain http only for localhost, 127.0.0.0/8, ::1 and the registries
 * listed in fetch_opts.insecure. Auth is anonymous, Bearer tokens or Basic,
 * with credentials from docker's config.json (auths, credsStore,
 * credHelpers); credentials never appear in a message.
 *
 * Errors are one line and name the reference ("manifest unknown: REF",
 * "no manifest for platform linux/s390x in REF (available: …)",
 * "unauthorized: REF: …", "digest mismatch: REF: …", "REF: registry
 * HOST:PORT unreachable: …"). A client is not thread-safe. */
#ifndef KILN_FETCH_REGISTRY_H
#define KILN_FETCH_REGISTRY_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "../oci/blobstore.h"
#include "../oci/digest.h"
#include "../oci/kerr.h"
#include "../oci/strlist.h"

/* Manifests and indexes are read into memory up to this size; configs
 * too. Layers always stream to the store. */
#define FETCH_MANIFEST_MAX (4 * 1024 * 1024)
/* For fetch_blob: the size is not known, the digest alone is checked. */
#define FETCH_SIZE_UNKNOWN UINT64_MAX

struct fetch_opts {
	const char *platform;	       /* "linux/arm64/v8"; NULL: the host's */
	struct strlist insecure;       /* "host:port" or "host": plain http */
	const char *docker_config_dir; /* NULL: $DOCKER_CONFIG or ~/.docker */
	bool offline;		       /* the store only; no socket opens */
	bool progress;		       /* a line per blob download on stderr */
};

struct fetch_client;

/* o is copied; bs is borrowed and must outlive the client. NULL with err
 * set (usage) when o->platform is not os/arch[/variant]. */
struct fetch_client *fetch_client_new(const struct fetch_opts *o,
				      struct blobstore *bs, struct kerr *err);
void fetch_client_free(struct fetch_client *c);

struct fetch_image {
	char index_digest[DIGEST_BUFSZ];    /* "" when ref is one manifest */
	char manifest_digest[DIGEST_BUFSZ]; /* the platform's manifest */
	char config_digest[DIGEST_BUFSZ];
	char *manifest_media_type;
	json_t *manifest;
	json_t *config;
};

/* Resolves ref (a tag: HEAD for its digest; or name@digest, which needs
 * no network when the store has it) for the client's platform, storing
 * the index, manifest and config, each verified. A ref naming a single
 * manifest is taken whatever platform its config says, as docker does.
 * Layers are left to fetch_blob. out is filled on success and cleared with
 * fetch_image_clear (also fine after a failure). */
int fetch_resolve(struct fetch_client *c, const char *ref,
		  struct fetch_image *out, struct kerr *err);
void fetch_image_clear(struct fetch_image *im);

/* Fetches one blob of ref's repository into the store, checked against
 * digest and size (FETCH_SIZE_UNKNOWN: digest only) while it streams;
 * retried and resumed with Range after a cut. Nothing happens when the
 * store has it. */
int fetch_blob(struct fetch_client *c, const char *ref, const char *digest,
	       uint64_t size, struct kerr *err);

/* Fetches the manifest or index named digest from ref's repository (for a
 * locked build): verified, stored, parsed into *out (the caller's). From
 * the store when it has it. */
int fetch_manifest(struct fetch_client *c, const char *ref, const char *digest,
		   json_t **out, struct kerr *err);

#endif
