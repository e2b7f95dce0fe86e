/* context: scanning the build context into a file tree (see context.h). */
#include "context.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int read_ignore_file(struct build_context *c, struct kerr *err)
{
	struct strbuf path = STRBUF_INIT, buf = STRBUF_INIT;
	struct strlist patterns = STRLIST_INIT;
	char chunk[8192];
	sb_addf(&path, "%s/.dockerignore", c->root);
	FILE *f = fopen(path.buf, "rb");
	int r = 0;
	if (f) {
		size_t n;
		while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
			sb_add(&buf, chunk, n);
		fclose(f);
		r = dockerignore_read(sb_str(&buf), buf.len, &patterns, err);
	}
	if (!r) {
		c->ignore = dockerignore_new(&patterns, err);
		r = c->ignore ? 0 : -1;
	}
	if (r < 0)
		kerr_prefix(err, ".dockerignore");
	strlist_clear(&patterns);
	sb_release(&path);
	sb_release(&buf);
	return r;
}

int context_open(struct build_context *c, const char *dir, struct kerr *err)
{
	char real[PATH_MAX];
	memset(c, 0, sizeof(*c));
	c->tree.sorted = true;
	if (!dir) {
		c->scanned = true;
		return 0;
	}
	if (!realpath(dir, real))
		return kerr_set(err, KERR_USAGE, "context %s: %s", dir,
				strerror(errno));
	c->root = xstrdup(real);
	return read_ignore_file(c, err);
}

static bool has_exclusions(const struct dockerignore *d)
{
	for (size_t i = 0; i < dockerignore_count(d); i++)
		if (dockerignore_exclusion(d, i))
			return true;
	return false;
}

/* One context entry from its lstat; false for what kiln does not copy
 * (sockets, fifos, devices). */
static bool make_entry(const char *abs, const char *rel, const struct stat *st,
		       struct layer_entry *e, struct kerr *err)
{
	memset(e, 0, sizeof(*e));
	e->path = xstrdup(rel);
	if (S_ISDIR(st->st_mode)) {
		e->type = LAYER_DIR, e->mode = 0755;
	} else if (S_ISREG(st->st_mode)) {
		e->type = LAYER_FILE;
		e->mode = (st->st_mode & 0111) ? 0755 : 0644;
		e->src_path = xstrdup(abs);
		e->size = (size_t)st->st_size;
	} else if (S_ISLNK(st->st_mode)) {
		char target[PATH_MAX];
		ssize_t n = readlink(abs, target, sizeof(target) - 1);
		if (n < 0) {
			kerr_set(err, KERR_BUILD, "readlink %s: %s", abs, strerror(errno));
			free(e->path);
			return false;
		}
		e->type = LAYER_SYMLINK, e->mode = 0777;
		e->link = xstrndup(target, (size_t)n);
	} else {
		free(e->path);
		return false;
	}
	return true;
}

static int scan_dir(struct build_context *c, const char *rel, bool excl,
		    struct kerr *err);

static int scan_one(struct build_context *c, const char *rel, bool excl,
		    struct kerr *err)
{
	struct strbuf abs = STRBUF_INIT;
	struct stat st;
	struct layer_entry e;
	int r = 0;
	sb_addf(&abs, "%s/%s", c->root, rel);
	bool ignored = false;
	if (dockerignore_matches(c->ignore, rel, &ignored, err) < 0) {
		sb_release(&abs);
		return kerr_prefix(err, ".dockerignore");
	}
	if (lstat(abs.buf, &st) < 0)
		r = kerr_set(err, KERR_BUILD, "lstat %s: %s", abs.buf, strerror(errno));
	else if (!ignored && make_entry(abs.buf, rel, &st, &e, err))
		fs_tree_put(&c->tree, &e);
	else if (kerr_isset(err))
		r = -1;
	if (!r && S_ISDIR(st.st_mode) && (!ignored || excl))
		r = scan_dir(c, rel, excl, err);
	sb_release(&abs);
	return r;
}

static int scan_dir(struct build_context *c, const char *rel, bool excl,
		    struct kerr *err)
{
	struct strbuf path = STRBUF_INIT;
	sb_addf(&path, "%s%s%s", c->root, *rel ? "/" : "", rel);
	DIR *d = opendir(path.buf);
	struct dirent *de;
	int r = 0;
	if (!d)
		r = kerr_set(err, KERR_BUILD, "opendir %s: %s", path.buf, strerror(errno));
	while (!r && (de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		sb_reset(&path);
		sb_addf(&path, "%s%s%s", rel, *rel ? "/" : "", de->d_name);
		r = scan_one(c, path.buf, excl, err);
	}
	if (d)
		closedir(d);
	sb_release(&path);
	return r;
}

int context_tree(struct build_context *c, struct fs_tree **out,
		 struct kerr *err)
{
	if (!c->scanned) {
		if (scan_dir(c, "", has_exclusions(c->ignore), err) < 0)
			return kerr_prefix(err, "reading the build context");
		c->scanned = true;
	}
	*out = &c->tree;
	return 0;
}

void context_close(struct build_context *c)
{
	free(c->root);
	dockerignore_free(c->ignore);
	fs_tree_clear(&c->tree);
}
