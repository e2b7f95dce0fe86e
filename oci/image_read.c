/* image_read: an existing image, opened for reading (see image_read.h).
 * Three steps: a source that hands out blobs by name (a directory, or a
 * tar scanned with libarchive for one entry at a time), the index walk
 * that picks one manifest for a platform, and the manifest and config
 * loaded and paired with their layers and history. */
#include "image_read.h"

#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "cleanup.h"
#include "fsutil.h"
#include "media_types.h"
#include "strbuf.h"

#define DOCKER_MANIFEST "application/vnd.docker.distribution.manifest.v2+json"
#define DOCKER_LIST "application/vnd.docker.distribution.manifest.list.v2+json"
#define INDEX_DEPTH_MAX 4
#define STREAM_BLOCK 65536

struct image_src {
	bool tar; /* path is a tar of a layout, else a layout directory */
	char *path;
	image_fetch_fn fetch; /* for a blob store: what it lacks */
	void *fetch_ctx;
};

/* --- the source: blobs by name ------------------------------------------ */

static char *blob_name(const char *digest)
{
	struct strbuf sb = STRBUF_INIT;
	sb_addf(&sb, "blobs/sha256/%s", digest + DIGEST_PREFIX_LEN);
	return sb_detach(&sb, NULL);
}

/* Tar names may come as "./x" or "x". */
static bool tar_name_is(const char *name, const char *want)
{
	while (name[0] == '.' && name[1] == '/')
		name += 2;
	return !strcmp(name, want);
}

/* An outer reader positioned at the data of entry name in the tar. */
static int tar_seek(const struct image_src *s, const char *name,
		    struct archive **out, uint64_t *size, struct kerr *err)
{
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	int r;
	archive_read_support_filter_all(a);
	archive_read_support_format_tar(a);
	if (archive_read_open_filename(a, s->path, STREAM_BLOCK) !=
	    ARCHIVE_OK) {
		kerr_set(err, KERR_USAGE, "%s", archive_error_string(a));
		archive_read_free(a);
		return -1;
	}
	while ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK ||
	       r == ARCHIVE_WARN) {
		if (tar_name_is(archive_entry_pathname(e), name) &&
		    archive_entry_filetype(e) == AE_IFREG) {
			*size = (uint64_t)archive_entry_size(e);
			*out = a;
			return 0;
		}
	}
	if (r == ARCHIVE_EOF)
		kerr_set(err, KERR_BUILD, "no %s in the tar", name);
	else
		kerr_set(err, KERR_BUILD, "%s", archive_error_string(a));
	archive_read_free(a);
	return -1;
}

static int read_tar_entry(const struct image_src *s, const char *name,
			  size_t max, struct strbuf *sb, struct kerr *err)
{
	struct archive *a;
	uint64_t size;
	la_ssize_t n;
	if (tar_seek(s, name, &a, &size, err) < 0)
		return -1;
	if (size > max) {
		archive_read_free(a);
		return kerr_set(err, KERR_BUILD, "%s is larger than %zu bytes",
				name, max);
	}
	sb_grow(sb, (size_t)size + 1);
	while ((n = archive_read_data(a, sb->buf + sb->len,
				      sb->alloc - sb->len - 1)) > 0)
		sb->len += (size_t)n;
	sb->buf[sb->len] = '\0';
	if (n < 0)
		kerr_set(err, KERR_BUILD, "%s: %s", name,
			 archive_error_string(a));
	archive_read_free(a);
	return n < 0 ? -1 : 0;
}

static int read_dir_entry(const struct image_src *s, const char *name,
			  size_t max, struct strbuf *sb, struct kerr *err)
{
	struct strbuf path = STRBUF_INIT;
	char buf[STREAM_BLOCK];
	ssize_t n;
	sb_addf(&path, "%s/%s", s->path, name);
	autoclose int fd = open(path.buf, O_RDONLY | O_CLOEXEC);
	sb_release(&path);
	if (fd < 0)
		return kerr_set(err, KERR_BUILD, "%s: %s", name,
				strerror(errno));
	while ((n = fsutil_read(fd, buf, sizeof(buf))) > 0) {
		if (sb->len + (size_t)n > max)
			return kerr_set(err, KERR_BUILD,
					"%s is larger than %zu bytes", name,
					max);
		sb_add(sb, buf, (size_t)n);
	}
	if (n < 0)
		return kerr_set(err, KERR_BUILD, "%s: %s", name,
				strerror(errno));
	sb_grow(sb, 1); /* NUL-terminated even when empty */
	return 0;
}

static int src_read(const struct image_src *s, const char *name, size_t max,
		    struct strbuf *sb, struct kerr *err)
{
	return s->tar ? read_tar_entry(s, name, max, sb, err)
		      : read_dir_entry(s, name, max, sb, err);
}

/* A layer blob inside the tar is read through the outer reader, by a
 * second reader whose input callback pulls the entry's data. */
struct nested {
	struct archive *outer;
	char buf[STREAM_BLOCK];
};

static la_ssize_t nested_read(struct archive *a, void *data, const void **buf)
{
	struct nested *n = data;
	la_ssize_t r = archive_read_data(n->outer, n->buf, sizeof(n->buf));
	if (r < 0)
		archive_set_error(a, EIO, "%s", archive_error_string(n->outer));
	*buf = n->buf;
	return r;
}

static int nested_close(struct archive *a, void *data)
{
	struct nested *n = data;
	(void)a;
	archive_read_free(n->outer);
	free(n);
	return ARCHIVE_OK;
}

static int src_stream(const struct image_src *s, const char *name,
		      struct archive *a, struct kerr *err)
{
	struct strbuf path = STRBUF_INIT;
	int r;
	if (s->tar) {
		struct nested *n = xcalloc(1, sizeof(*n));
		uint64_t size;
		if (tar_seek(s, name, &n->outer, &size, err) < 0) {
			free(n);
			return -1;
		}
		r = archive_read_open(a, n, NULL, nested_read, nested_close);
	} else {
		sb_addf(&path, "%s/%s", s->path, name);
		r = archive_read_open_filename(a, path.buf, STREAM_BLOCK);
	}
	sb_release(&path);
	if (r != ARCHIVE_OK)
		return kerr_set(err, KERR_BUILD, "%s: %s", name,
				archive_error_string(a));
	return 0;
}

/* --- reading blobs ------------------------------------------------------- */

static int read_blob(const struct image_src *s, const char *digest, size_t max,
		     struct strbuf *sb, struct kerr *err)
{
	char got[DIGEST_BUFSZ];
	struct sha256 h;
	if (!digest || !digest_valid(digest))
		return kerr_set(err, KERR_BUILD,
				"\"%s\" is not a sha256 digest",
				digest ? digest : "");
	autofree char *name = blob_name(digest);
	if (src_read(s, name, max, sb, err) < 0)
		return -1;
	sha256_init(&h);
	sha256_update(&h, sb->buf, sb->len);
	sha256_final(&h, got);
	if (strcmp(got, digest))
		return kerr_set(err, KERR_BUILD, "blob %s hashes to %s", digest,
				got);
	return 0;
}

/* The blob named digest (NULL: the layout's index.json) as a JSON object;
 * len, when not NULL, receives its size. */
static json_t *load_json(const struct image_src *s, const char *digest,
			 const char *what, size_t *len, struct kerr *err)
{
	struct strbuf sb = STRBUF_INIT;
	json_error_t je;
	json_t *doc = NULL;
	int r = digest ? read_blob(s, digest, IMAGE_JSON_MAX, &sb, err)
		       : src_read(s, "index.json", IMAGE_JSON_MAX, &sb, err);
	if (!r && !(doc = json_loadb(sb.buf, sb.len, 0, &je)))
		kerr_set(err, KERR_BUILD, "%s %s: %s", what,
			 digest ? digest : "index.json", je.text);
	else if (doc && !json_is_object(doc)) {
		kerr_set(err, KERR_BUILD, "%s %s is not a JSON object", what,
			 digest ? digest : "index.json");
		json_decref(steal_pointer(&doc));
	}
	if (len)
		*len = sb.len;
	sb_release(&sb);
	return doc;
}

/* --- platforms ------------------------------------------------------------ */

struct plat {
	char os[32], arch[32], variant[32];
};

static void plat_set(struct plat *p, const char *os, const char *arch,
		     const char *variant)
{
	static const char *const alias[][3] = {
	    {"x86_64", "amd64", ""},  {"x86-64", "amd64", ""},
	    {"aarch64", "arm64", ""}, {"armhf", "arm", "v7"},
	    {"armel", "arm", "v6"},   {"i386", "386", ""},
	    {"i686", "386", ""},
	};
	strlcpy(p->os, os ? os : "", sizeof(p->os));
	strlcpy(p->arch, arch ? arch : "", sizeof(p->arch));
	strlcpy(p->variant, variant ? variant : "", sizeof(p->variant));
	for (size_t i = 0; i < sizeof(alias) / sizeof(alias[0]); i++)
		if (!strcmp(p->arch, alias[i][0])) {
			strlcpy(p->arch, alias[i][1], sizeof(p->arch));
			if (!*p->variant)
				strlcpy(p->variant, alias[i][2],
					sizeof(p->variant));
		}
}

static int plat_parse(const char *s, struct plat *p, struct kerr *err)
{
	const char *a = strchr(s, '/'), *v = a ? strchr(a + 1, '/') : NULL;
	const char *variant = v ? v + 1 : "";
	size_t os_len = a ? (size_t)(a - s) : 0;
	size_t arch_len = !a ? 0 : v ? (size_t)(v - a - 1) : strlen(a + 1);
	if (!os_len || !arch_len || (v && !*variant) || strchr(variant, '/') ||
	    os_len >= sizeof(p->os) || arch_len >= sizeof(p->arch) ||
	    strlen(variant) >= sizeof(p->variant))
		return kerr_set(err, KERR_USAGE,
				"platform \"%s\" is not os/arch[/variant]", s);
	autofree char *os = xstrndup(s, os_len);
	autofree char *arch = xstrndup(a + 1, arch_len);
	plat_set(p, os, arch, variant);
	return 0;
}

static void plat_from_json(json_t *o, struct plat *p)
{
	plat_set(p, json_string_value(json_object_get(o, "os")),
		 json_string_value(json_object_get(o, "architecture")),
		 json_string_value(json_object_get(o, "variant")));
}

static void plat_host(struct plat *p)
{
	struct utsname u;
	plat_set(p, "linux", uname(&u) ? "amd64" : u.machine, NULL);
	if (!strncmp(p->arch, "armv", 4)) /* armv7l -> arm/v7 */
		plat_set(p, "linux", "arm", (char[]){'v', p->arch[4], 0});
}

static const char *plat_default_variant(const char *arch)
{
	return !strcmp(arch, "arm64")	? "v8"
	       : !strcmp(arch, "arm")	? "v7"
	       : !strcmp(arch, "amd64") ? "v1"
					: "";
}

/* A want without a variant takes any. */
static bool plat_match(const struct plat *want, const struct plat *have)
{
	const char *hv =
	    *have->variant ? have->variant : plat_default_variant(have->arch);
	return !strcmp(want->os, have->os) && !strcmp(want->arch, have->arch) &&
	       (!*want->variant || !strcmp(want->variant, hv));
}

static void plat_format(const struct plat *p, struct strbuf *sb)
{
	sb_addf(sb, "%s/%s", p->os, p->arch);
	if (*p->variant)
		sb_addf(sb, "/%s", p->variant);
}

/* --- picking a manifest from the index --------------------------------- */

struct cand {
	char digest[DIGEST_BUFSZ];
	char via[DIGEST_BUFSZ]; /* the nested index it came through, or "" */
	struct plat p;
	bool has_p;
};

struct cands {
	struct cand *v;
	size_t n;
};

static bool is_index(const char *mt)
{
	return mt && (!strcmp(mt, OCI_MEDIA_INDEX) || !strcmp(mt, DOCKER_LIST));
}

static bool is_manifest(const char *mt)
{
	return mt && (!strcmp(mt, OCI_MEDIA_MANIFEST) ||
		      !strcmp(mt, DOCKER_MANIFEST));
}

static void add_cand(struct cands *c, const char *digest, const char *via,
		     json_t *platform)
{
	for (size_t i = 0; i < c->n; i++)
		if (!strcmp(c->v[i].digest, digest))
			return; /* two tags of one image */
	c->v = xreallocarray(c->v, c->n + 1, sizeof(*c->v));
	struct cand *e = &c->v[c->n++];
	*e = (struct cand){0};
	strlcpy(e->digest, digest, sizeof(e->digest));
	strlcpy(e->via, via, sizeof(e->via));
	e->has_p = json_is_object(platform);
	if (e->has_p)
		plat_from_json(platform, &e->p);
}

/* Image manifests of index and of the indexes it names; attestation
 * manifests (platform unknown/unknown) are left out. */
static int collect(const struct image_src *s, json_t *index, const char *via,
		   int depth, struct cands *c, struct kerr *err)
{
	size_t i;
	json_t *d;
	json_array_foreach(json_object_get(index, "manifests"), i, d)
	{
		const char *mt =
		    json_string_value(json_object_get(d, "mediaType"));
		const char *dg =
		    json_string_value(json_object_get(d, "digest"));
		json_t *p = json_object_get(d, "platform");
		if (!dg || !digest_valid(dg))
			return kerr_set(err, KERR_BUILD,
					"index entry %zu has no valid digest",
					i);
		const char *os = json_string_value(json_object_get(p, "os"));
		if (is_manifest(mt) && !(os && !strcmp(os, "unknown")))
			add_cand(c, dg, via, p);
		if (!is_index(mt) || depth >= INDEX_DEPTH_MAX)
			continue;
		json_t *sub = load_json(s, dg, "index", NULL, err);
		int r = sub ? collect(s, sub, dg, depth + 1, c, err) : -1;
		json_decref(sub);
		if (r < 0)
			return -1;
	}
	return 0;
}

/* A candidate whose index entry has no platform: its config says. */
static int cand_platform(const struct image_src *s, struct cand *c,
			 struct kerr *err)
{
	json_t *m = load_json(s, c->digest, "manifest", NULL, err), *cfg = NULL;
	const char *cd = json_string_value(
	    json_object_get(json_object_get(m, "config"), "digest"));
	if (m)
		cfg = load_json(s, cd, "config", NULL, err);
	if (cfg)
		plat_from_json(cfg, &c->p);
	c->has_p = cfg != NULL;
	json_decref(m);
	json_decref(cfg);
	return c->has_p ? 0 : -1;
}

static int no_match(const struct cands *c, const struct plat *want,
		    size_t matches, struct kerr *err)
{
	struct strbuf w = STRBUF_INIT, list = STRBUF_INIT;
	plat_format(want, &w);
	for (size_t i = 0; i < c->n; i++) {
		if (list.len)
			sb_adds(&list, ", ");
		plat_format(&c->v[i].p, &list);
	}
	if (matches)
		kerr_set(err, KERR_USAGE, "%zu manifests for platform %s (%s)",
			 matches, w.buf, list.buf);
	else
		kerr_set(err, KERR_USAGE,
			 "no manifest for platform %s (available: %s)", w.buf,
			 list.buf);
	sb_release(&w);
	sb_release(&list);
	return -1;
}

static int pick(const struct image_src *s, struct cands *c,
		const char *platform, size_t *out, struct kerr *err)
{
	struct plat want = {0};
	size_t matches = 0;
	if (platform && plat_parse(platform, &want, err) < 0)
		return -1;
	if (c->n == 0)
		return kerr_set(err, KERR_BUILD,
				"the index names no image manifest");
	if (c->n == 1 && (!platform || !c->v[0].has_p)) {
		*out = 0;
		return 0;
	}
	if (!platform)
		plat_host(&want);
	for (size_t i = 0; i < c->n; i++) {
		if (!c->v[i].has_p && cand_platform(s, &c->v[i], err) < 0)
			return -1;
		if (plat_match(&want, &c->v[i].p))
			*out = i, matches++;
	}
	return matches == 1 ? 0 : no_match(c, &want, matches, err);
}

/* --- the chosen manifest and its config --------------------------------- */

/* Layer i gets the i-th history entry that made a layer. */
static void pair_history(struct image *im)
{
	size_t i, l = 0;
	json_t *h;
	json_array_foreach(json_object_get(im->config, "history"), i, h)
	{
		if (json_is_true(json_object_get(h, "empty_layer")))
			continue;
		if (l >= im->n_layers)
			break;
		im->layers[l++].history = h;
	}
}

static int fill_layers(struct image *im, struct kerr *err)
{
	json_t *descs = json_object_get(im->manifest, "layers");
	json_t *diffs =
	    json_object_get(json_object_get(im->config, "rootfs"), "diff_ids");
	size_t i;
	json_t *d;
	im->n_layers = json_array_size(descs);
	im->layers = xcalloc(im->n_layers + 1, sizeof(*im->layers));
	json_array_foreach(descs, i, d)
	{
		struct image_layer *l = &im->layers[i];
		const char *dg =
		    json_string_value(json_object_get(d, "digest"));
		const char *id = json_string_value(json_array_get(diffs, i));
		if (!dg || !digest_valid(dg))
			return kerr_set(err, KERR_BUILD,
					"layer %zu has no valid digest", i);
		strlcpy(l->digest, dg, sizeof(l->digest));
		strlcpy(l->diff_id, id ? id : "", sizeof(l->diff_id));
		l->media_type =
		    json_string_value(json_object_get(d, "mediaType"));
		l->size =
		    (uint64_t)json_integer_value(json_object_get(d, "size"));
	}
	pair_history(im);
	return 0;
}

static int load_image(struct image *im, const char *digest, struct kerr *err)
{
	json_t *cd;
	const char *cfg;
	struct plat p;
	struct strbuf sb = STRBUF_INIT;
	size_t len = 0;
	if (!(im->manifest = load_json(im->src, digest, "manifest", &len, err)))
		return -1;
	strlcpy(im->manifest_digest, digest, sizeof(im->manifest_digest));
	im->manifest_size = len;
	cd = json_object_get(im->manifest, "config");
	cfg = json_string_value(json_object_get(cd, "digest"));
	if (!cfg)
		return kerr_set(err, KERR_BUILD,
				"manifest %s has no config digest", digest);
	if (!(im->config = load_json(im->src, cfg, "config", NULL, err)))
		return -1;
	strlcpy(im->config_digest, cfg, sizeof(im->config_digest));
	im->config_size =
	    (uint64_t)json_integer_value(json_object_get(cd, "size"));
	plat_from_json(im->config, &p);
	plat_format(&p, &sb);
	im->platform = sb_detach(&sb, NULL);
	return fill_layers(im, err);
}

/* --- opening ----------------------------------------------------------------
 */

static struct image *image_new(const char *name, bool tar, const char *path)
{
	struct image *im = xcalloc(1, sizeof(*im));
	im->name = xstrdup(name);
	im->src = xcalloc(1, sizeof(*im->src));
	im->src->tar = tar;
	im->src->path = xstrdup(path);
	return im;
}

static int open_index(struct image *im, const char *platform, struct kerr *err)
{
	struct cands c = {0};
	size_t i = 0;
	json_t *index = load_json(im->src, NULL, "index", NULL, err);
	int r = index ? collect(im->src, index, "", 0, &c, err) : -1;
	if (!r)
		r = pick(im->src, &c, platform, &i, err);
	if (!r && i < c.n) {
		strlcpy(im->index_digest, c.v[i].via, sizeof(im->index_digest));
		r = load_image(im, c.v[i].digest, err);
	}
	json_decref(index);
	free(c.v);
	return r;
}

int image_open(const char *path, const char *platform, struct image **out,
	       struct kerr *err)
{
	struct stat st;
	*out = NULL;
	if (stat(path, &st) < 0)
		return kerr_set(err, KERR_USAGE, "%s: %s", path,
				strerror(errno));
	if (!S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode))
		return kerr_set(
		    err, KERR_USAGE,
		    "%s: neither an image tarball nor a layout directory",
		    path);
	struct image *im = image_new(path, S_ISREG(st.st_mode), path);
	if (open_index(im, platform, err) < 0) {
		image_free(im);
		return kerr_prefix(err, "%s", path);
	}
	*out = im;
	return 0;
}

int image_open_store(const char *dir, const char *manifest_digest,
		     const char *name, image_fetch_fn fetch, void *ctx,
		     struct image **out, struct kerr *err)
{
	struct image *im = image_new(name, false, dir);
	*out = NULL;
	im->src->fetch = fetch;
	im->src->fetch_ctx = ctx;
	if (load_image(im, manifest_digest, err) < 0) {
		image_free(im);
		return kerr_prefix(err, "%s", name);
	}
	*out = im;
	return 0;
}

void image_free(struct image *im)
{
	if (!im)
		return;
	free(im->name);
	free(im->platform);
	json_decref(im->manifest);
	json_decref(im->config);
	free(im->layers);
	if (im->src)
		free(im->src->path);
	free(im->src);
	free(im);
}

int image_layer_open(const struct image *im, size_t i, struct archive **out,
		     struct kerr *err)
{
	struct archive *a;
	if (i >= im->n_layers)
		return kerr_set(err, KERR_BUILD, "%s: no layer %zu", im->name,
				i);
	const struct image_layer *l = &im->layers[i];
	if (im->src->fetch &&
	    im->src->fetch(im->src->fetch_ctx, l->digest, l->size, err) < 0)
		return kerr_prefix(err, "%s: layer %zu", im->name, i);
	autofree char *name = blob_name(l->digest);
	a = archive_read_new();
	archive_read_support_filter_all(a);
	archive_read_support_format_tar(a);
	archive_read_support_format_empty(a);
	if (src_stream(im->src, name, a, err) < 0) {
		archive_read_free(a);
		return kerr_prefix(err, "%s: layer %zu", im->name, i);
	}
	*out = a;
	return 0;
}

const char *image_history_created_by(const json_t *h)
{
	const char *s = json_string_value(json_object_get(h, "created_by"));
	return s ? s : "";
}
