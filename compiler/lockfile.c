/* lockfile: reading and writing kiln.lock (see lockfile.h). */
#include "lockfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../oci/digest.h"
#include "../oci/fsutil.h"
#include "../oci/strbuf.h"

static const char *str(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s ? s : "";
}

static int parse(json_t *root, struct lockfile *lf, struct kerr *err)
{
	size_t i;
	json_t *v;
	if (json_integer_value(json_object_get(root, "version")) != 1)
		return kerr_set(err, KERR_USAGE, "unsupported lockfile version (want 1)");
	lf->platform = xstrdup(str(root, "platform"));
	lf->compression = json_incref(json_object_get(root, "compression"));
	json_array_foreach(json_object_get(root, "images"), i, v)
	{
		if (!digest_valid(str(v, "manifest")) ||
		    (*str(v, "index") && !digest_valid(str(v, "index"))))
			return kerr_set(err, KERR_USAGE, "image %zu: bad digest", i);
		lockfile_set_image(lf, str(v, "ref"), str(v, "index"), str(v, "manifest"));
	}
	json_array_foreach(json_object_get(root, "sources"), i, v)
	{
		if (!digest_valid(str(v, "digest")))
			return kerr_set(err, KERR_USAGE, "source %zu: bad digest", i);
		lockfile_set_source(lf, str(v, "url"), str(v, "digest"),
				    (uint64_t)json_integer_value(json_object_get(v, "size")));
	}
	json_array_foreach(json_object_get(root, "git"), i, v)
	{
		const char *c = str(v, "commit");
		if (strlen(c) != 40 || strspn(c, "0123456789abcdef") != 40)
			return kerr_set(err, KERR_USAGE, "git %zu: bad commit", i);
		lockfile_set_git(lf, str(v, "url"), str(v, "ref"), c);
	}
	return 0;
}

int lockfile_read(const char *path, struct lockfile *lf, bool *exists,
		  struct kerr *err)
{
	json_error_t je;
	memset(lf, 0, sizeof(*lf));
	*exists = access(path, F_OK) == 0;
	if (!*exists)
		return 0;
	json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
	if (!root)
		return kerr_set(err, KERR_USAGE, "%s:%d: %s", path, je.line, je.text);
	int r = json_is_object(root) ? parse(root, lf, err) :
				       kerr_set(err, KERR_USAGE, "not a JSON object");
	json_decref(root);
	return r < 0 ? kerr_prefix(err, "%s", path) : 0;
}

static int cmp_image(const void *a, const void *b)
{
	return strcmp(((const struct lock_image *)a)->ref,
		      ((const struct lock_image *)b)->ref);
}

static int cmp_source(const void *a, const void *b)
{
	return strcmp(((const struct lock_source *)a)->url,
		      ((const struct lock_source *)b)->url);
}

static int cmp_git(const void *a, const void *b)
{
	const struct lock_git *x = a, *y = b;
	int c = strcmp(x->url, y->url);
	return c ? c : strcmp(x->ref, y->ref);
}

static json_t *to_json(const struct lockfile *lf)
{
	json_t *images = json_array(), *sources = json_array(), *gits = json_array();
	if (lf->ngits)
		qsort(lf->gits, lf->ngits, sizeof(*lf->gits), cmp_git);
	for (size_t i = 0; i < lf->ngits; i++)
		json_array_append_new(gits, json_pack("{s:s, s:s, s:s}", "url",
			lf->gits[i].url, "ref", lf->gits[i].ref, "commit", lf->gits[i].commit));
	if (lf->nimages)
		qsort(lf->images, lf->nimages, sizeof(*lf->images), cmp_image);
	if (lf->nsources)
		qsort(lf->sources, lf->nsources, sizeof(*lf->sources), cmp_source);
	for (size_t i = 0; i < lf->nimages; i++)
		json_array_append_new(images, json_pack("{s:s, s:s, s:s}",
			"ref", lf->images[i].ref, "index", lf->images[i].index,
			"manifest", lf->images[i].manifest));
	for (size_t i = 0; i < lf->nsources; i++)
		json_array_append_new(sources, json_pack("{s:s, s:s, s:I}",
			"url", lf->sources[i].url, "digest", lf->sources[i].digest,
			"size", (json_int_t)lf->sources[i].size));
	json_t *root = json_pack("{s:i, s:s, s:o, s:o, s:o}", "version", 1,
				 "platform", lf->platform ? lf->platform : "",
				 "images", images, "sources", sources, "git", gits);
	if (lf->compression)
		json_object_set(root, "compression", lf->compression);
	return root;
}

int lockfile_write(const char *path, const struct lockfile *lf,
		   struct kerr *err)
{
	json_t *root = to_json(lf);
	char *text = json_dumps(root, JSON_SORT_KEYS | JSON_INDENT(2));
	struct strbuf sb = STRBUF_INIT;
	json_decref(root);
	sb_addf(&sb, "%s\n", text);
	int r = fsutil_write_atomic(path, sb.buf, sb.len, err);
	free(text);
	sb_release(&sb);
	return r;
}

const struct lock_image *lockfile_image(const struct lockfile *lf,
					const char *ref)
{
	for (size_t i = 0; i < lf->nimages; i++)
		if (!strcmp(lf->images[i].ref, ref))
			return &lf->images[i];
	return NULL;
}

void lockfile_set_image(struct lockfile *lf, const char *ref,
			const char *index, const char *manifest)
{
	struct lock_image *im = (struct lock_image *)lockfile_image(lf, ref);
	if (!im) {
		lf->images = xreallocarray(lf->images, lf->nimages + 1, sizeof(*im));
		im = &lf->images[lf->nimages++];
		im->ref = xstrdup(ref);
	} else {
		free(im->index);
		free(im->manifest);
	}
	im->index = xstrdup(index);
	im->manifest = xstrdup(manifest);
}

const struct lock_source *lockfile_source(const struct lockfile *lf,
					  const char *url)
{
	for (size_t i = 0; i < lf->nsources; i++)
		if (!strcmp(lf->sources[i].url, url))
			return &lf->sources[i];
	return NULL;
}

void lockfile_set_source(struct lockfile *lf, const char *url,
			 const char *digest, uint64_t size)
{
	struct lock_source *s = (struct lock_source *)lockfile_source(lf, url);
	if (!s) {
		lf->sources = xreallocarray(lf->sources, lf->nsources + 1, sizeof(*s));
		s = &lf->sources[lf->nsources++];
		s->url = xstrdup(url);
	} else {
		free(s->digest);
	}
	s->digest = xstrdup(digest);
	s->size = size;
}

const struct lock_git *lockfile_git(const struct lockfile *lf,
				    const char *url, const char *ref)
{
	for (size_t i = 0; i < lf->ngits; i++)
		if (!strcmp(lf->gits[i].url, url) && !strcmp(lf->gits[i].ref, ref))
			return &lf->gits[i];
	return NULL;
}

void lockfile_set_git(struct lockfile *lf, const char *url, const char *ref,
		      const char *commit)
{
	struct lock_git *g = (struct lock_git *)lockfile_git(lf, url, ref);
	if (!g) {
		lf->gits = xreallocarray(lf->gits, lf->ngits + 1, sizeof(*g));
		g = &lf->gits[lf->ngits++];
		g->url = xstrdup(url);
		g->ref = xstrdup(ref);
	} else {
		free(g->commit);
	}
	g->commit = xstrdup(commit);
}

void lockfile_clear(struct lockfile *lf)
{
	for (size_t i = 0; i < lf->ngits; i++) {
		free(lf->gits[i].url);
		free(lf->gits[i].ref);
		free(lf->gits[i].commit);
	}
	free(lf->gits);
	for (size_t i = 0; i < lf->nimages; i++) {
		free(lf->images[i].ref);
		free(lf->images[i].index);
		free(lf->images[i].manifest);
	}
	for (size_t i = 0; i < lf->nsources; i++) {
		free(lf->sources[i].url);
		free(lf->sources[i].digest);
	}
	free(lf->images);
	free(lf->sources);
	free(lf->platform);
	json_decref(lf->compression);
	memset(lf, 0, sizeof(*lf));
}
