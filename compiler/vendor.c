/* vendor: writing the lock's blobs as an OCI layout (see vendor.h). */
#include "vendor.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../fetch/url.h"
#include "../oci/digest.h"
#include "../oci/fsutil.h"
#include "../oci/media_types.h"
#include "build.h"
#include "lockfile.h"

static void push_unique(struct strlist *l, const char *s)
{
	if (!strlist_has(l, s))
		strlist_push(l, s);
}

/* Every blob of one pinned image: index, manifest, config, layers. */
static int image_blobs(struct fetch_client *fc, const struct lock_image *im,
		       struct strlist *digests, struct kerr *err)
{
	json_t *m = NULL;
	if (*im->index) {
		json_t *idx = NULL;
		if (fetch_manifest(fc, im->ref, im->index, &idx, err) < 0)
			return -1;
		json_decref(idx);
		push_unique(digests, im->index);
	}
	if (fetch_manifest(fc, im->ref, im->manifest, &m, err) < 0)
		return -1;
	push_unique(digests, im->manifest);
	json_t *cfg = json_object_get(m, "config"), *l;
	size_t i;
	int r = 0;
	json_t *all = json_array();
	json_array_append(all, cfg);
	json_array_extend(all, json_object_get(m, "layers"));
	json_array_foreach(all, i, l)
	{
		const char *d = json_string_value(json_object_get(l, "digest"));
		json_int_t size = json_integer_value(json_object_get(l, "size"));
		if (!d)
			r = kerr_set(err, KERR_BUILD, "%s: a descriptor has no digest", im->ref);
		else if ((r = fetch_blob(fc, im->ref, d, (uint64_t)size, err)) == 0)
			push_unique(digests, d);
		if (r < 0)
			break;
	}
	json_decref(all);
	json_decref(m);
	return r;
}

static int copy_blob(const char *from, const char *dir, const char *digest,
		     struct kerr *err)
{
	char got[DIGEST_BUFSZ];
	struct strbuf to = STRBUF_INIT;
	sb_addf(&to, "%s/blobs/sha256/%s", dir, digest + DIGEST_PREFIX_LEN);
	FILE *in = fopen(from, "rb"), *out = in ? fopen(to.buf, "wb") : NULL;
	char buf[65536];
	size_t n;
	int r = in && out ? 0 : kerr_set(err, KERR_BUILD, "%s: %s", in ? to.buf : from, strerror(errno));
	while (!r && (n = fread(buf, 1, sizeof(buf), in)) > 0)
		if (fwrite(buf, 1, n, out) != n)
			r = kerr_set(err, KERR_BUILD, "%s: %s", to.buf, strerror(errno));
	if (out && (fflush(out) || fsync(fileno(out))) && !r)
		r = kerr_set(err, KERR_BUILD, "%s: %s", to.buf, strerror(errno));
	if (in)
		fclose(in);
	if (out)
		fclose(out);
	if (!r && (digest_file(to.buf, got, NULL, err) < 0 || strcmp(got, digest)))
		r = kerr_isset(err) ? -1 : kerr_set(err, KERR_BUILD,
			"blob %s in the cache hashes to %s", digest, got);
	sb_release(&to);
	return r;
}

static json_t *layout_index(const struct lockfile *lf, struct blobstore *bs)
{
	json_t *ms = json_array();
	for (size_t i = 0; i < lf->nimages; i++) {
		const struct lock_image *im = &lf->images[i];
		const char *d = *im->index ? im->index : im->manifest;
		char *path = blobstore_path(bs, d);
		struct stat st;
		json_t *desc = json_pack("{s:s, s:s, s:I, s:{s:s}}", "mediaType",
			*im->index ? OCI_MEDIA_INDEX : OCI_MEDIA_MANIFEST, "digest", d,
			"size", (json_int_t)(path && !stat(path, &st) ? st.st_size : 0),
			"annotations", "org.opencontainers.image.ref.name", im->ref);
		json_array_append_new(ms, desc);
		free(path);
	}
	return json_pack("{s:i, s:s, s:o}", "schemaVersion", 2, "mediaType",
			 OCI_MEDIA_INDEX, "manifests", ms);
}

static int write_text(const char *dir, const char *name, const char *text,
		      struct kerr *err)
{
	struct strbuf p = STRBUF_INIT;
	sb_addf(&p, "%s/%s", dir, name);
	FILE *f = fopen(p.buf, "w");
	int r = f && fputs(text, f) >= 0 && !fflush(f) && !fsync(fileno(f)) ? 0 :
		kerr_set(err, KERR_BUILD, "%s: %s", p.buf, strerror(errno));
	if (f)
		fclose(f);
	sb_release(&p);
	return r;
}

/* The layout in DIR.kiln-tmp-*, renamed to DIR once complete. */
static int write_layout(const struct vendor_opts *o, const struct lockfile *lf,
			struct blobstore *bs, const struct strlist *digests,
			struct kerr *err)
{
	struct strbuf tmp = STRBUF_INIT, blobs = STRBUF_INIT;
	sb_addf(&tmp, "%s.kiln-tmp-XXXXXX", o->out_dir);
	int r = mkdtemp(tmp.buf) ? 0 : kerr_set(err, KERR_BUILD, "%s: %s", tmp.buf, strerror(errno));
	sb_addf(&blobs, "%s/blobs/sha256", tmp.buf);
	if (!r)
		r = fsutil_mkdir_p(blobs.buf, err);
	for (size_t i = 0; !r && i < digests->n; i++) {
		char *from = blobstore_path(bs, digests->v[i]);
		r = copy_blob(from, tmp.buf, digests->v[i], err);
		free(from);
	}
	json_t *idx = layout_index(lf, bs);
	char *text = json_dumps(idx, JSON_SORT_KEYS | JSON_COMPACT);
	json_decref(idx);
	if (!r)
		r = write_text(tmp.buf, "index.json", text, err);
	if (!r)
		r = write_text(tmp.buf, "oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}", err);
	rmdir(o->out_dir); /* an empty one may be replaced */
	if (!r && rename(tmp.buf, o->out_dir) < 0)
		r = kerr_set(err, KERR_BUILD, "%s: %s", o->out_dir, strerror(errno));
	free(text);
	sb_release(&tmp);
	sb_release(&blobs);
	return r;
}

int vendor_run(const struct vendor_opts *o, struct kerr *err)
{
	struct lockfile lf = { 0 };
	struct strlist digests = STRLIST_INIT;
	struct fetch_opts fo = { .platform = o->platform, .insecure = o->insecure };
	const char *path = o->lock_path ? o->lock_path : "kiln.lock";
	char *cache = build_cache_dir(o->cache_dir);
	struct blobstore *bs = NULL;
	struct fetch_client *fc = NULL;
	bool exists;
	int r = lockfile_read(path, &lf, &exists, err);
	if (!r && !exists)
		r = kerr_set(err, KERR_USAGE, "%s: no lockfile (run kiln lock first)", path);
	if (!r && !(bs = blobstore_open(cache, err)))
		r = -1;
	if (!r && !(fc = fetch_client_new(&fo, bs, err)))
		r = -1;
	for (size_t i = 0; !r && i < lf.nimages; i++)
		r = image_blobs(fc, &lf.images[i], &digests, err);
	for (size_t i = 0; !r && i < lf.nsources; i++) {
		char got[DIGEST_BUFSZ];
		uint64_t n;
		r = fetch_url(fc, lf.sources[i].url, lf.sources[i].digest, got, &n, err);
		push_unique(&digests, lf.sources[i].digest);
	}
	if (!r)
		r = write_layout(o, &lf, bs, &digests, err);
	fetch_client_free(fc);
	blobstore_free(bs);
	lockfile_clear(&lf);
	strlist_clear(&digests);
	free(cache);
	return r;
}
