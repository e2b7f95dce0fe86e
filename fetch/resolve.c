/* resolve: a reference to one platform's image: the tag or digest to a
 * manifest or index, an index to the platform's manifest, the manifest to
 * its config, each verified and stored (see fetch_resolve). */
#include <stdlib.h>
#include <string.h>

#include "../oci/cleanup.h"
#include "fetch_internal.h"
#include "media.h"

void fetch_image_clear(struct fetch_image *im)
{
	free(im->manifest_media_type);
	json_decref(im->manifest);
	json_decref(im->config);
	memset(im, 0, sizeof(*im));
}

/* A descriptor's digest and size, checked for shape. */
static int descriptor(struct fetch_repo *r, json_t *d, const char *what,
		      const char **digest, uint64_t *size, struct kerr *err)
{
	json_t *sz = json_object_get(d, "size");

	*size = 0;
	*digest = json_string_value(json_object_get(d, "digest"));
	if (!*digest || !digest_valid(*digest) || !json_is_integer(sz) ||
	    json_integer_value(sz) < 0)
		return kerr_set(
		    err, KERR_BUILD,
		    "%s: %s descriptor without a sha256 digest and a "
		    "size",
		    r->name, what);
	*size = (uint64_t)json_integer_value(sz);
	return 0;
}

/* From an index to the platform's manifest: doc is replaced by it. */
static int choose_platform(struct fetch_client *c, struct fetch_repo *r,
			   struct fetch_doc *doc, struct fetch_image *out,
			   struct kerr *err)
{
	json_t *e =
	    fetch_platform_select(doc->json, &c->platform, r->name, err);
	const char *digest;
	uint64_t size;
	struct fetch_doc m;

	if (!e ||
	    descriptor(r, e, "platform manifest", &digest, &size, err) < 0)
		return -1;
	if (fetch_doc_get(c, r, digest, size, &m, err) < 0)
		return -1;
	strcpy(out->index_digest, doc->digest);
	fetch_doc_clear(doc);
	*doc = m;
	if (!fetch_media_is_manifest(doc->media_type))
		return kerr_set(err, KERR_BUILD,
				"%s: the index entry for the platform is a %s, "
				"not an image manifest",
				r->name, doc->media_type);
	return 0;
}

/* The manifest's config: fetched (small, verified), read back, parsed. */
static int load_config(struct fetch_client *c, struct fetch_repo *r,
		       struct fetch_image *out, struct kerr *err)
{
	json_t *d = json_object_get(out->manifest, "config");
	struct strbuf body = STRBUF_INIT;
	const char *digest;
	json_error_t je;
	uint64_t size;

	const char *mt = json_string_value(json_object_get(d, "mediaType"));

	if (descriptor(r, d, "config", &digest, &size, err) < 0)
		return -1;
	if (mt && strcmp(mt, OCI_MEDIA_CONFIG) &&
	    strcmp(mt, DOCKER_MEDIA_CONFIG))
		return kerr_set(
		    err, KERR_BUILD,
		    "%s: not an image: config media type \"%.100s\"", r->name,
		    mt);
	if (size > FETCH_MANIFEST_MAX)
		return kerr_set(
		    err, KERR_BUILD,
		    "%s: config too large: %llu bytes, more than %d", r->name,
		    (unsigned long long)size, FETCH_MANIFEST_MAX);
	if (fetch_repo_blob(c, r, digest, size, err) < 0)
		return -1;
	strcpy(out->config_digest, digest);
	if (fetch_store_read(c, digest, FETCH_MANIFEST_MAX, &body, err) < 0) {
		sb_release(&body);
		return kerr_prefix(err, "%s", r->name);
	}
	out->config = json_loadb(body.buf ? body.buf : "", body.len, 0, &je);
	sb_release(&body);
	if (!json_is_object(out->config))
		return kerr_set(err, KERR_BUILD,
				"%s: config %s is not a JSON object: %s",
				r->name, digest, out->config ? "" : je.text);
	return 0;
}

static int resolve(struct fetch_client *c, struct fetch_repo *r,
		   struct fetch_image *out, struct kerr *err)
{
	const char *what = r->ref.digest ? r->ref.digest : r->ref.tag;
	struct fetch_doc doc;

	if (fetch_doc_get(c, r, what, FETCH_SIZE_UNKNOWN, &doc, err) < 0)
		return -1;
	if (fetch_media_is_index(doc.media_type) &&
	    choose_platform(c, r, &doc, out, err) < 0) {
		fetch_doc_clear(&doc);
		return -1;
	}
	strcpy(out->manifest_digest, doc.digest);
	out->manifest_media_type = steal_pointer(&doc.media_type);
	out->manifest = steal_pointer(&doc.json);
	fetch_doc_clear(&doc);
	return load_config(c, r, out, err);
}

int fetch_resolve(struct fetch_client *c, const char *ref,
		  struct fetch_image *out, struct kerr *err)
{
	struct fetch_repo r;
	int rc;

	memset(out, 0, sizeof(*out));
	if (fetch_repo_open(c, ref, &r, err) < 0)
		return -1;
	rc = resolve(c, &r, out, err);
	if (rc < 0)
		fetch_image_clear(out);
	fetch_repo_clear(&r);
	return rc;
}
