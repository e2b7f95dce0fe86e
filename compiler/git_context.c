/* git_context: checking out a git build context (see git_context.h). */
#include "git_context.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../fetch/git.h"
#include "../oci/fsutil.h"
#include "../oci/strbuf.h"
#include "copy.h"

/* Unpacks tar into dir, refusing paths that would leave it. */
static int extract(const char *tar, const char *dir, struct kerr *err)
{
	struct archive *a = archive_read_new(), *w = archive_write_disk_new();
	struct archive_entry *ae;
	int st, r = 0;
	archive_read_support_format_tar(a);
	/* Names are checked here: they get dir prepended, so libarchive's
	 * absolute-path check cannot be used. */
	archive_write_disk_set_options(w, ARCHIVE_EXTRACT_PERM |
		ARCHIVE_EXTRACT_SECURE_NODOTDOT | ARCHIVE_EXTRACT_SECURE_SYMLINKS);
	if (archive_read_open_filename(a, tar, 65536) != ARCHIVE_OK)
		r = kerr_set(err, KERR_BUILD, "%s: %s", tar, archive_error_string(a));
	while (!r && (st = archive_read_next_header(a, &ae)) == ARCHIVE_OK) {
		struct strbuf path = STRBUF_INIT;
		const char *name = archive_entry_pathname(ae);
		char *clean = name[0] == '/' ? NULL : copy_clean_source(name);
		if (!clean) {
			r = kerr_set(err, KERR_BUILD, "%s: entry \"%s\" leaves the context", tar, name);
			break;
		}
		sb_addf(&path, "%s/%s", dir, clean);
		free(clean);
		archive_entry_set_pathname(ae, path.buf);
		sb_release(&path);
		if (archive_write_header(w, ae) != ARCHIVE_OK)
			r = kerr_set(err, KERR_BUILD, "%s: %s", dir, archive_error_string(w));
		const void *buf;
		size_t n;
		la_int64_t off;
		while (!r && archive_read_data_block(a, &buf, &n, &off) == ARCHIVE_OK)
			if (archive_write_data_block(w, buf, n, off) != ARCHIVE_OK)
				r = kerr_set(err, KERR_BUILD, "%s: %s", dir, archive_error_string(w));
		archive_write_finish_entry(w);
	}
	archive_read_free(a);
	archive_write_free(w);
	return r;
}

int git_context_checkout(const char *src, const char *cache, bool quiet,
			 char **dir, struct kerr *err)
{
	char *url, *ref, *sub, commit[41];
	struct strbuf tmp = STRBUF_INIT, tar = STRBUF_INIT;
	fetch_git_split(src, &url, &ref, &sub);
	sb_addf(&tmp, "%s/tmp", cache);
	int r = fsutil_mkdir_p(tmp.buf, err);
	sb_adds(&tmp, "/context-XXXXXX");
	if (!r && !mkdtemp(tmp.buf))
		r = kerr_set(err, KERR_BUILD, "mkdtemp %s: %s", tmp.buf, strerror(errno));
	sb_addf(&tar, "%s.tar", tmp.buf);
	if (!r)
		r = fetch_git_resolve(url, ref, commit, err);
	if (!r)
		r = fetch_git_archive(cache, url, ref, commit, sub, false, tar.buf, err);
	if (!r)
		r = extract(tar.buf, tmp.buf, err);
	if (!r && !quiet)
		fprintf(stderr, "context: %s at commit %s\n", src, commit);
	unlink(tar.buf);
	*dir = sb_detach(&tmp, NULL);
	free(url), free(ref), free(sub);
	sb_release(&tar);
	return r < 0 ? kerr_prefix(err, "context %s", src) : 0;
}
