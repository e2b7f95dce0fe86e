/* upper_diff: overlay upper dir -> layer entries (see upper_diff.h). The
 * walk goes from directory fds with O_NOFOLLOW; the step's processes are
 * all gone by now, so the tree holds still while it is read. Entries are
 * gathered first and put into the tree at the end, once hard link groups
 * are known: only then is the first path of each group. */
#include "upper_diff.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "../oci/cleanup.h"
#include "sandbox.h"

#define WH_PREFIX ".wh."
#define WH_OPAQUE ".wh..wh..opq"
#define OVL_PREFIX "trusted.overlay."
#define OVL_OPAQUE "trusted.overlay.opaque"
#define OVL_WHITEOUT "trusted.overlay.whiteout"

struct item {
	struct layer_entry e;
	dev_t dev;
	ino_t ino;
	bool linkable; /* a file or symlink with more than one link */
};

struct diff {
	const char *upper;
	struct item *v;
	size_t n, alloc;
};

static struct layer_entry *add(struct diff *d, const char *path,
			       enum layer_type type, unsigned mode,
			       const struct stat *st)
{
	if (d->n == d->alloc) {
		d->alloc = d->alloc ? 2 * d->alloc : 64;
		d->v = xreallocarray(d->v, d->alloc, sizeof(*d->v));
	}
	struct item *it = &d->v[d->n++];
	memset(it, 0, sizeof(*it));
	layer_entry_init(&it->e, path, type, mode);
	it->e.uid = st->st_uid;
	it->e.gid = st->st_gid;
	it->dev = st->st_dev;
	it->ino = st->st_ino;
	return &it->e;
}

/* Whether abs (not followed) has the xattr, with value want if given. */
static bool has_xattr(const char *abs, const char *name, const char *want)
{
	char v[16];
	ssize_t n = lgetxattr(abs, name, want ? v : NULL, want ? sizeof(v) : 0);

	if (n < 0)
		return false;
	return !want || ((size_t)n == strlen(want) && !memcmp(v, want, n));
}

static bool dropped_xattr(const char *name)
{
	return !strncmp(name, OVL_PREFIX, strlen(OVL_PREFIX)) ||
	       !strcmp(name, "security.selinux") ||
	       !strcmp(name, SANDBOX_STUB_XATTR);
}

static int add_xattrs(struct layer_entry *e, const char *abs, struct kerr *err)
{
	ssize_t n = llistxattr(abs, NULL, 0);

	if (n < 0 && (errno == ENOTSUP || errno == EOPNOTSUPP))
		return 0;
	if (n < 0)
		return kerr_set(err, KERR_BUILD, "llistxattr %s: %s", abs,
				strerror(errno));
	if (n == 0)
		return 0;
	autofree char *names = xmalloc((size_t)n);
	n = llistxattr(abs, names, (size_t)n);
	if (n < 0)
		return kerr_set(err, KERR_BUILD, "llistxattr %s: %s", abs,
				strerror(errno));
	for (char *name = names; name < names + n; name += strlen(name) + 1) {
		if (dropped_xattr(name))
			continue;
		ssize_t len = lgetxattr(abs, name, NULL, 0);
		if (len < 0)
			return kerr_set(err, KERR_BUILD, "lgetxattr %s %s: %s",
					abs, name, strerror(errno));
		autofree char *value = xmalloc((size_t)len + 1);
		len = lgetxattr(abs, name, value, (size_t)len);
		if (len < 0)
			return kerr_set(err, KERR_BUILD, "lgetxattr %s %s: %s",
					abs, name, strerror(errno));
		if (memchr(value, '\0', (size_t)len))
			continue; /* see upper_diff.h */
		struct strbuf x = STRBUF_INIT;
		sb_addf(&x, "%s=", name);
		sb_add(&x, value, (size_t)len);
		strlist_push_owned(&e->xattrs, sb_detach(&x, NULL));
	}
	return 0;
}

static void whiteout(struct diff *d, const char *dir, const char *name,
		     const struct stat *st)
{
	struct strbuf p = STRBUF_INIT;

	sb_addf(&p, "%s%s" WH_PREFIX "%s", dir, *dir ? "/" : "", name);
	add(d, p.buf, LAYER_FILE, 0600, st);
	sb_release(&p);
}

static int walk(struct diff *d, int dirfd, const char *rel, struct kerr *err);

/* One name of directory rel (open as dirfd). */
static int visit(struct diff *d, int dirfd, const char *rel, const char *name,
		 struct kerr *err)
{
	struct strbuf path = STRBUF_INIT, abs = STRBUF_INIT;
	struct stat st;
	int r = 0;

	sb_addf(&path, "%s%s%s", rel, *rel ? "/" : "", name);
	sb_addf(&abs, "%s/%s", d->upper, path.buf);
	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		r = kerr_set(err, KERR_BUILD, "fstatat %s: %s", abs.buf,
			     strerror(errno));
		goto out;
	}
	bool stub = has_xattr(abs.buf, SANDBOX_STUB_XATTR, NULL);
	if ((S_ISCHR(st.st_mode) && st.st_rdev == 0) ||
	    (S_ISREG(st.st_mode) && has_xattr(abs.buf, OVL_WHITEOUT, NULL))) {
		whiteout(d, rel, name, &st);
		goto out;
	}
	if (S_ISSOCK(st.st_mode) || (stub && !S_ISDIR(st.st_mode)))
		goto out;
	if (!strncmp(name, WH_PREFIX, strlen(WH_PREFIX))) {
		r = kerr_set(err, KERR_BUILD,
			     "RUN created %s: names starting with \"" WH_PREFIX
			     "\" mark deletions in a layer",
			     path.buf);
		goto out;
	}
	struct layer_entry *e;
	unsigned mode = st.st_mode & 07777;
	switch (st.st_mode & S_IFMT) {
	case S_IFDIR: {
		if (!stub) {
			e = add(d, path.buf, LAYER_DIR, mode, &st);
			if ((r = add_xattrs(e, abs.buf, err)) < 0)
				goto out;
			if (has_xattr(abs.buf, OVL_OPAQUE, "y")) {
				struct strbuf o = STRBUF_INIT;
				sb_addf(&o, "%s/" WH_OPAQUE, path.buf);
				add(d, o.buf, LAYER_FILE, st.st_mode & 0777,
				    &st);
				sb_release(&o);
			}
		}
		autoclose int fd =
		    openat(dirfd, name,
			   O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0) {
			r = kerr_set(err, KERR_BUILD, "opening %s: %s", abs.buf,
				     strerror(errno));
			goto out;
		}
		r = walk(d, fd, path.buf, err);
		goto out;
	}
	case S_IFREG:
		e = add(d, path.buf, LAYER_FILE, mode, &st);
		e->src_path = xstrdup(abs.buf);
		e->size = (size_t)st.st_size;
		d->v[d->n - 1].linkable = st.st_nlink > 1;
		break;
	case S_IFLNK: {
		autofree char *target = xmalloc((size_t)st.st_size + 2);
		ssize_t n =
		    readlinkat(dirfd, name, target, (size_t)st.st_size + 1);
		if (n < 0) {
			r = kerr_set(err, KERR_BUILD, "readlink %s: %s",
				     abs.buf, strerror(errno));
			goto out;
		}
		target[n] = '\0';
		e = add(d, path.buf, LAYER_SYMLINK, 0777, &st);
		e->link = xstrdup(target);
		d->v[d->n - 1].linkable = st.st_nlink > 1;
		break;
	}
	default:
		r = kerr_set(err, KERR_BUILD,
			     "RUN created %s, a %s: a layer holds only files, "
			     "directories and links",
			     path.buf,
			     S_ISFIFO(st.st_mode) ? "fifo" : "device node");
		goto out;
	}
	r = add_xattrs(e, abs.buf, err);
out:
	sb_release(&path);
	sb_release(&abs);
	return r;
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names of a directory, sorted: the same tree always fails on the
 * same entry. */
static int walk(struct diff *d, int dirfd, const char *rel, struct kerr *err)
{
	struct strlist names = STRLIST_INIT;
	int fd = dup(dirfd);
	DIR *dir = fd >= 0 ? fdopendir(fd) : NULL;
	int r = 0;

	if (!dir) {
		if (fd >= 0)
			close(fd);
		return kerr_set(err, KERR_BUILD, "reading %s/%s: %s", d->upper,
				rel, strerror(errno));
	}
	for (struct dirent *de; (de = readdir(dir));)
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			strlist_push(&names, de->d_name);
	closedir(dir);
	if (names.n)
		qsort(names.v, names.n, sizeof(*names.v), cmp_name);
	for (size_t i = 0; i < names.n && r == 0; i++)
		r = visit(d, dirfd, rel, names.v[i], err);
	strlist_clear(&names);
	return r;
}

static int cmp_inode(const void *a, const void *b)
{
	const struct item *x = *(struct item *const *)a,
			  *y = *(struct item *const *)b;
	if (x->dev != y->dev)
		return x->dev < y->dev ? -1 : 1;
	if (x->ino != y->ino)
		return x->ino < y->ino ? -1 : 1;
	return strcmp(x->e.path, y->e.path);
}

/* Every path of a link group but the first becomes a hard link to it. */
static void link_groups(struct diff *d)
{
	struct item **v = xcalloc(d->n + 1, sizeof(*v));
	size_t n = 0;

	for (size_t i = 0; i < d->n; i++)
		if (d->v[i].linkable)
			v[n++] = &d->v[i];
	if (n)
		qsort(v, n, sizeof(*v), cmp_inode);
	for (size_t start = 0; start < n;) {
		size_t end = start + 1;
		for (; end < n && v[end]->dev == v[start]->dev &&
		       v[end]->ino == v[start]->ino;
		     end++) {
			struct layer_entry *e = &v[end]->e;
			free(e->src_path);
			free(e->link);
			e->src_path = NULL;
			e->size = 0;
			e->type = LAYER_HARDLINK;
			e->link = xstrdup(v[start]->e.path);
			strlist_clear(&e->xattrs);
		}
		start = end;
	}
	free(v);
}

int upper_diff(const char *upper, int64_t epoch, struct fs_tree *out,
	       struct kerr *err)
{
	struct diff d = {.upper = upper};
	autoclose int fd = open(upper, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int r;

	(void)epoch; /* see upper_diff.h */
	if (fd < 0)
		return kerr_set(err, KERR_BUILD, "opening upper dir %s: %s",
				upper, strerror(errno));
	r = walk(&d, fd, "", err);
	if (r == 0)
		link_groups(&d);
	for (size_t i = 0; i < d.n; i++) {
		if (r == 0)
			fs_tree_put(out, &d.v[i].e);
		else
			layer_entry_free(&d.v[i].e);
	}
	free(d.v);
	return r < 0 ? kerr_prefix(err, "diffing the RUN step's changes") : 0;
}
