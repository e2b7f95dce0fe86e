/* exec_url: ADD <http(s) URL>: the lock pins the download's digest; its
 * bytes come from the blob store, the vendor layout or the network, and
 * land as one file, mode 0600 as Docker makes it, never unpacked. */
#include <stdlib.h>
#include <string.h>

#include "../fetch/git.h"
#include "exec_internal.h"

/* The file name a URL gives: its path's last segment, query dropped. */
static char *url_file_name(const char *url)
{
	const char *p = strstr(url, "://");
	p = p ? strchr(p + 3, '/') : NULL;
	if (!p)
		return NULL;
	size_t n = strcspn(p, "?#");
	const char *end = p + n, *start = end;
	while (start > p && start[-1] != '/')
		start--;
	return start < end ? xstrndup(start, (size_t)(end - start)) : NULL;
}

static const char *checksum_flag(const struct plan_ins *ins)
{
	for (size_t i = 0; i < ins->flags.n; i++)
		if (!strncmp(ins->flags.v[i], "--checksum=", 11))
			return ins->flags.v[i] + 11;
	return NULL;
}

int exec_add_url(struct exec_ctx *c, const struct plan_ins *ins,
		 const char *url, const struct copy_opts *o,
		 struct fs_tree *out, struct kerr *err)
{
	const struct lock_source *ls = lockfile_source(c->o->lock, url);
	const char *want = checksum_flag(ins);
	char *name = o->dest_is_dir ? url_file_name(url) : NULL;
	if (!ls)
		return kerr_set(err, KERR_BUILD, "ADD %s: not pinned in the lockfile", url);
	if (want && strcmp(want, ls->digest)) {
		free(name);
		return kerr_set(err, KERR_BUILD, "ADD %s: checksum mismatch: --checksum=%s, the download is %s",
				url, want, ls->digest);
	}
	if (o->dest_is_dir && !name)
		return kerr_set(err, KERR_USAGE,
				"ADD %s: the URL names no file; give a destination file name", url);
	if (exec_ensure_blob(c, url, ls->digest, ls->size, err) < 0) {
		free(name);
		return -1;
	}
	struct layer_entry e = { 0 };
	struct strbuf path = STRBUF_INIT;
	sb_addf(&path, "%s%s%s", o->dest, name && *o->dest ? "/" : "", name ? name : "");
	e.path = sb_detach(&path, NULL);
	e.type = LAYER_FILE;
	e.mode = o->chmod ? o->mode : 0600;
	e.uid = o->chown ? o->uid : 0;
	e.gid = o->chown ? o->gid : 0;
	e.src_path = blobstore_path(c->o->bs, ls->digest);
	e.size = (size_t)ls->size;
	fs_tree_put(out, &e);
	free(name);
	return 0;
}

int exec_add_git(struct exec_ctx *c, const char *src, const struct copy_opts *o,
		 struct fs_tree *out, struct kerr *err)
{
	char *url, *ref, *sub;
	struct strbuf tar = STRBUF_INIT;
	fetch_git_split(src, &url, &ref, &sub);
	const struct lock_git *g = lockfile_git(c->o->lock, url, ref);
	sb_addf(&tar, "%s/git-%d.tar", c->o->tmpdir, c->sh->tmp_seq++);
	int r = g ? 0 : kerr_set(err, KERR_BUILD, "ADD %s: not pinned in the lockfile", src);
	if (!r)
		r = fetch_git_archive(c->o->cache_dir, url, ref, g->commit, sub,
				      !c->o->fc, tar.buf, err);
	/* The repository's files land in the destination, as a directory. */
	if (!r && add_archive(c, tar.buf, o->dest, out, err) != 0)
		r = kerr_isset(err) ? -1 : kerr_set(err, KERR_BUILD, "ADD %s: git gave no tree", src);
	free(url), free(ref), free(sub);
	sb_release(&tar);
	return r < 0 ? kerr_prefix(err, "ADD %s", src) : 0;
}
