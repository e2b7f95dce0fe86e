/* layout_tar: the image tarball, an OCI layout plus Docker's manifest.json
 * (see layout_tar.h). */
#include "layout_tar.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <libgen.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "fsutil.h"
#include "image.h"
#include "strbuf.h"
#include "reference.h"
#include "tarw.h"

#define LAYOUT_VERSION "1.0.0"
#define ANNOT_IMAGE_NAME "io.containerd.image.name"
#define ANNOT_REF_NAME "org.opencontainers.image.ref.name"

/* The tag of a full reference: what follows the ':' after the last '/'. */
static const char *ref_tag(const char *ref, struct kerr *err)
{
	const char *slash = strrchr(ref, '/');
	const char *colon = strrchr(slash ? slash : ref, ':');

	if (strchr(ref, '@') || !colon || !colon[1]) {
		kerr_set(err, KERR_BUILD,
			 "image name %s: not of the form name:tag", ref);
		return NULL;
	}
	return colon + 1;
}

/* The name as Docker shows it (docker.io/library/app:t -> app:t). */
static json_t *familiar_name(const char *ref)
{
	struct oci_ref r;
	struct kerr ignored = KERR_INIT;
	if (oci_ref_parse(ref, &r, &ignored) < 0)
		return json_string(ref);
	char *f = oci_ref_familiar(&r);
	json_t *j = json_string(f);
	free(f);
	oci_ref_clear(&r);
	return j;
}

/* Tags given twice are written once. */
static bool seen_before(const struct strlist *l, size_t i)
{
	for (size_t j = 0; j < i; j++)
		if (!strcmp(l->v[j], l->v[i]))
			return true;
	return false;
}

static json_t *index_doc(const struct oci_image_ref *img,
			 const struct strlist *tags, struct kerr *err)
{
	json_t *idx = json_object(), *mans = json_array();

	json_object_set_new(idx, "schemaVersion", json_integer(2));
	json_object_set_new(idx, "mediaType", json_string(OCI_MEDIA_INDEX));
	json_object_set_new(idx, "manifests", mans);
	for (size_t i = 0; i < tags->n; i++) {
		const char *tag = ref_tag(tags->v[i], err);
		json_t *d, *a;
		if (!tag) {
			json_decref(idx);
			return NULL;
		}
		if (seen_before(tags, i))
			continue;
		d = oci_descriptor(OCI_MEDIA_MANIFEST, img->manifest_digest,
				   img->manifest_size);
		a = json_object();
		json_object_set_new(a, ANNOT_IMAGE_NAME,
				    json_string(tags->v[i]));
		json_object_set_new(a, ANNOT_REF_NAME, json_string(tag));
		json_object_set_new(d, "annotations", a);
		json_array_append_new(mans, d);
	}
	if (!tags->n)
		json_array_append_new(mans, oci_descriptor(OCI_MEDIA_MANIFEST,
							   img->manifest_digest,
							   img->manifest_size));
	return idx;
}

static json_t *blob_name(const char *digest)
{
	return json_pack("s+", "blobs/sha256/", digest + DIGEST_PREFIX_LEN);
}

/* Docker's manifest.json, what docker load and podman load read. */
static json_t *docker_manifest_doc(const struct oci_image_ref *img,
				   const struct strlist *tags)
{
	json_t *m = json_object(), *repo_tags = json_array(),
	       *layers = json_array();

	for (size_t i = 0; i < tags->n; i++)
		if (!seen_before(tags, i))
			json_array_append_new(repo_tags,
					      familiar_name(tags->v[i]));
	for (size_t i = 0; i < img->layer_digests.n; i++)
		json_array_append_new(layers,
				      blob_name(img->layer_digests.v[i]));
	json_object_set_new(m, "Config", blob_name(img->config_digest));
	json_object_set_new(m, "RepoTags", repo_tags);
	json_object_set_new(m, "Layers", layers);
	return json_pack("[o]", m);
}

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every blob of the image once, sorted (the tar's order). */
static int blob_list(struct blobstore *bs, const struct oci_image_ref *img,
		     struct strlist *out, struct kerr *err)
{
	strlist_push(out, img->manifest_digest);
	strlist_push(out, img->config_digest);
	for (size_t i = 0; i < img->layer_digests.n; i++)
		strlist_push(out, img->layer_digests.v[i]);
	for (size_t i = 0; i < out->n; i++) {
		if (!digest_valid(out->v[i]))
			return kerr_set(err, KERR_BUILD,
					"\"%s\" is not a sha256 digest",
					out->v[i]);
		if (!blobstore_has(bs, out->v[i]))
			return kerr_set(err, KERR_BUILD,
					"blob %s is not in the blob store",
					out->v[i]);
	}
	qsort(out->v, out->n, sizeof(*out->v), str_cmp);
	return 0;
}

static int add_dir(struct archive *a, const char *name, int64_t mtime,
		   struct kerr *err)
{
	struct archive_entry *e = tarw_entry(name, AE_IFDIR, 0755, 0, 0, mtime);
	int r = archive_write_header(a, e);

	archive_entry_free(e);
	return r == ARCHIVE_OK ? 0 : tarw_fail(a, name, err);
}

/* A file made from a JSON document's stable serialisation. */
static int add_json(struct archive *a, const char *name, json_t *doc,
		    int64_t mtime, struct kerr *err)
{
	autofree char *s =
	    doc ? json_dumps(doc, JSON_SORT_KEYS | JSON_COMPACT) : NULL;
	struct archive_entry *e;
	size_t n;
	int r;

	json_decref(doc);
	if (!s)
		return kerr_set(err, KERR_BUILD, "%s: serialising JSON failed",
				name);
	n = strlen(s);
	e = tarw_entry(name, AE_IFREG, 0644, 0, 0, mtime);
	archive_entry_set_size(e, (la_int64_t)n);
	r = archive_write_header(a, e);
	archive_entry_free(e);
	if (r != ARCHIVE_OK)
		return tarw_fail(a, name, err);
	return tarw_write(a, s, n, name, err);
}

/* Copies a blob out of the store, checking it still matches its name. */
static int add_blob(struct archive *a, struct blobstore *bs, const char *digest,
		    int64_t mtime, uint64_t *size, struct kerr *err)
{
	autofree char *path = blobstore_path(bs, digest);
	autofree char *name = NULL;
	struct strbuf sb = STRBUF_INIT;
	autoclose int fd = open(path, O_RDONLY | O_CLOEXEC);
	char got[DIGEST_BUFSZ];
	struct archive_entry *e;
	struct sha256 h;
	struct stat st;
	int r;

	if (fd < 0 || fstat(fd, &st) < 0)
		return kerr_set(err, KERR_BUILD, "opening %s: %s", path,
				strerror(errno));
	*size = (uint64_t)st.st_size;
	sb_addf(&sb, "blobs/sha256/%s", digest + DIGEST_PREFIX_LEN);
	name = sb_detach(&sb, NULL);
	e = tarw_entry(name, AE_IFREG, 0644, 0, 0, mtime);
	archive_entry_set_size(e, st.st_size);
	r = archive_write_header(a, e);
	archive_entry_free(e);
	if (r != ARCHIVE_OK)
		return tarw_fail(a, name, err);
	sha256_init(&h);
	if (tarw_copy_fd(a, fd, path, *size, &h, err) < 0) {
		sha256_release(&h);
		return -1;
	}
	sha256_final(&h, got);
	if (strcmp(got, digest))
		return kerr_set(err, KERR_BUILD,
				"blob store is corrupt: %s has digest %s", path,
				got);
	return 0;
}

/* All entries, in bytewise order: blobs/, blobs/sha256/, the blobs,
 * index.json, manifest.json, oci-layout. */
static int write_entries(struct archive *a, struct blobstore *bs,
			 const struct oci_image_ref *img,
			 const struct strlist *tags, int64_t mtime,
			 struct kerr *err)
{
	struct strlist blobs = STRLIST_INIT;
	json_t *idx = index_doc(img, tags, err);
	uint64_t size = 0;
	int r = idx ? blob_list(bs, img, &blobs, err) : -1;

	if (r == 0)
		r = add_dir(a, "blobs", mtime, err);
	if (r == 0)
		r = add_dir(a, "blobs/sha256", mtime, err);
	for (size_t i = 0; r == 0 && i < blobs.n; i++) {
		r = add_blob(a, bs, blobs.v[i], mtime, &size, err);
		if (r == 0 && !strcmp(blobs.v[i], img->manifest_digest) &&
		    size != img->manifest_size)
			r = kerr_set(err, KERR_BUILD,
				     "manifest %s is %llu bytes, not %llu",
				     blobs.v[i], (unsigned long long)size,
				     (unsigned long long)img->manifest_size);
	}
	strlist_clear(&blobs);
	if (r == 0)
		r = add_json(a, "index.json", steal_pointer(&idx), mtime, err);
	json_decref(idx);
	if (r == 0)
		r = add_json(a, "manifest.json", docker_manifest_doc(img, tags),
			     mtime, err);
	if (r == 0)
		r = add_json(
		    a, "oci-layout",
		    json_pack("{ss}", "imageLayoutVersion", LAYOUT_VERSION),
		    mtime, err);
	return r;
}

/* Writes the tar into fd, which is then synced. */
static int write_tar(int fd, const char *tmp, struct blobstore *bs,
		     const struct oci_image_ref *img,
		     const struct strlist *tags, int64_t mtime,
		     struct kerr *err)
{
	autoarchive_write struct archive *a = tarw_new(err);

	if (!a)
		return -1;
	if (archive_write_open_fd(a, fd) != ARCHIVE_OK)
		return tarw_fail(a, tmp, err);
	if (write_entries(a, bs, img, tags, mtime, err) < 0)
		return -1;
	if (archive_write_close(a) != ARCHIVE_OK)
		return tarw_fail(a, tmp, err);
	if (fsync(fd) < 0)
		return kerr_set(err, KERR_BUILD, "syncing %s: %s", tmp,
				strerror(errno));
	return 0;
}

int oci_write_image_tar(struct blobstore *bs, const char *out_path,
			const struct oci_image_ref *img,
			const struct strlist *tags, int64_t mtime,
			struct kerr *err)
{
	static const struct strlist no_tags = STRLIST_INIT;
	autofree char *dir_copy = xstrdup(out_path);
	const char *dir = dirname(dir_copy);
	struct strbuf tmp = STRBUF_INIT;
	autoclose int fd = -1;
	int r;

	sb_addf(&tmp, "%s/.kiln-tmp-XXXXXX", dir);
	fd = mkostemp(tmp.buf, O_CLOEXEC);
	if (fd < 0) {
		kerr_set(err, KERR_BUILD, "creating a temp file in %s: %s", dir,
			 strerror(errno));
		sb_release(&tmp);
		return kerr_prefix(err, "writing %s", out_path);
	}
	if (fchmod(fd, 0644) < 0)
		r = kerr_set(err, KERR_BUILD, "chmod %s: %s", tmp.buf,
			     strerror(errno));
	else
		r = write_tar(fd, tmp.buf, bs, img, tags ? tags : &no_tags,
			      mtime, err);
	if (r == 0 && close(steal_fd(&fd)) < 0)
		r = kerr_set(err, KERR_BUILD, "closing %s: %s", tmp.buf,
			     strerror(errno));
	if (r == 0 && rename(tmp.buf, out_path) < 0)
		r = kerr_set(err, KERR_BUILD, "renaming %s to %s: %s", tmp.buf,
			     out_path, strerror(errno));
	if (r < 0)
		unlink(tmp.buf);
	sb_release(&tmp);
	if (r == 0)
		r = fsutil_fsync_dir(dir, err);
	return r < 0 ? kerr_prefix(err, "writing %s", out_path) : 0;
}
