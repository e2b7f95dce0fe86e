/* step_cache: build cache records (see step_cache.h). */
#include "step_cache.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../oci/fsutil.h"
#include "../oci/strbuf.h"

static char *record_path(const char *dir, const char *key)
{
	struct strbuf sb = STRBUF_INIT;
	sb_addf(&sb, "%s/steps/%s", dir, key + DIGEST_PREFIX_LEN);
	return sb_detach(&sb, NULL);
}

int step_cache_get(const char *dir, struct blobstore *bs, const char *key,
		   struct cached_layer *out, bool *hit, struct kerr *err)
{
	(void)err;
	char *path = record_path(dir, key);
	json_t *j = json_load_file(path, 0, NULL);
	const char *d = json_string_value(json_object_get(j, "digest"));
	const char *diff = json_string_value(json_object_get(j, "diff_id"));
	const char *mt = json_string_value(json_object_get(j, "mediaType"));
	*hit = d && diff && mt && digest_valid(d) && digest_valid(diff) &&
	       strlen(mt) < sizeof(out->media_type) && blobstore_has(bs, d);
	if (*hit) {
		strcpy(out->digest, d);
		strcpy(out->diff_id, diff);
		strcpy(out->media_type, mt);
		out->size = (uint64_t)json_integer_value(json_object_get(j, "size"));
		char *blob = blobstore_path(bs, d);
		utimensat(AT_FDCWD, path, NULL, 0); /* least recently used last */
		utimensat(AT_FDCWD, blob, NULL, 0);
		free(blob);
	}
	json_decref(j);
	free(path);
	return 0;
}

int step_cache_put(const char *dir, const char *key,
		   const struct cached_layer *l, struct kerr *err)
{
	struct strbuf steps = STRBUF_INIT;
	char *path = record_path(dir, key);
	json_t *j = json_pack("{s:s, s:s, s:I, s:s}", "digest", l->digest, "diff_id",
			      l->diff_id, "size", (json_int_t)l->size, "mediaType",
			      l->media_type);
	char *text = json_dumps(j, JSON_SORT_KEYS | JSON_COMPACT);
	sb_addf(&steps, "%s/steps", dir);
	int r = fsutil_mkdir_p(steps.buf, err);
	if (!r)
		r = fsutil_write_atomic(path, text, strlen(text), err);
	json_decref(j);
	free(text);
	free(path);
	sb_release(&steps);
	return r;
}
