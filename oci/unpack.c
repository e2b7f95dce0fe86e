/* unpack: layer tar -> overlay lower dir (see unpack.h). Every path is
 * reached from the root's fd: parents through openat2(RESOLVE_IN_ROOT), so
 * a symlink can never lead out of the root (on a kernel without openat2, a
 * walk with O_NOFOLLOW that refuses symlinked parents), and the last
 * component only through *at calls on the parent's fd, never followed. */
#include "unpack.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "cleanup.h"
#include "digest.h"
#include "fsutil.h"
#include "strbuf.h"

#define WH_PREFIX ".wh."
#define WH_META_PREFIX ".wh..wh."
#define WH_OPAQUE ".wh..wh..opq"
#define OVL_OPAQUE_XATTR "trusted.overlay.opaque"

/* A directory whose mode and mtime are set once all entries are written:
 * writing its children would undo the mtime, and a read-only mode could
 * stop a non-root unpack from writing them at all. */
struct dir_meta {
	char *path;
	mode_t mode;
	struct timespec mtime;
};

struct unpack {
	int root; /* the temp root, O_RDONLY | O_DIRECTORY */
	bool as_root;
	bool no_openat2; /* the kernel said ENOSYS once */
	struct dir_meta *dirs;
	size_t n_dirs, alloc_dirs;
};

static inline void cleanup_archive_read(struct archive **a)
{
	if (*a)
		archive_read_free(*a);
}
#define autoarchive_read __attribute__((cleanup(cleanup_archive_read)))

/* The clean relative form of an entry name ("./a//b/" -> "a/b", "./" ->
 * ""), or NULL when it is absolute or has a ".." component. */
static char *clean_name(const char *name)
{
	struct strbuf sb = STRBUF_INIT;

	if (!name || name[0] == '/')
		return NULL;
	for (const char *p = name; *p;) {
		size_t len = strcspn(p, "/");
		if (len == 2 && p[0] == '.' && p[1] == '.') {
			sb_release(&sb);
			return NULL;
		}
		if (len && !(len == 1 && p[0] == '.')) {
			if (sb.len)
				sb_addc(&sb, '/');
			sb_add(&sb, p, len);
		}
		p += len;
		if (*p)
			p++;
	}
	return sb_detach(&sb, NULL);
}

/* Splits a clean path in place into its directory ("" for the root) and
 * its last component. */
static void split_path(char *path, const char **dir, const char **base)
{
	char *slash = strrchr(path, '/');

	if (!slash) {
		*dir = "";
		*base = path;
		return;
	}
	*slash = '\0';
	*dir = path;
	*base = slash + 1;
}

/* Without openat2: component by component, refusing symlinks. */
static int walk_nofollow(int root, const char *path, int flags)
{
	autofree char *p = xstrdup(path);
	autoclose int cur = openat(root, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	char *save = NULL;
	bool walked = false;

	if (cur < 0)
		return -1;
	for (char *c = strtok_r(p, "/", &save); c;
	     c = strtok_r(NULL, "/", &save)) {
		bool last = !*save;
		int next = openat(cur, c,
				  (last ? flags : O_PATH | O_DIRECTORY) |
				      O_NOFOLLOW | O_CLOEXEC);
		if (next < 0)
			return -1;
		close(cur);
		cur = next;
		walked = true;
	}
	return walked ? steal_fd(&cur) : openat(cur, ".", flags | O_CLOEXEC);
}

/* Opens path (clean, relative, "." for the root) inside the root. */
static int resolve(struct unpack *u, const char *path, int flags)
{
	if (!*path)
		path = ".";
	if (!u->no_openat2) {
		struct open_how how = {
		    .flags = (uint64_t)(flags | O_CLOEXEC),
		    .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
		};
		long fd =
		    syscall(SYS_openat2, u->root, path, &how, sizeof(how));
		if (fd >= 0 || errno != ENOSYS)
			return (int)fd;
		u->no_openat2 = true;
	}
	return walk_nofollow(u->root, path, flags);
}

/* Removes name under parent, a directory with everything in it. */
static int rm_tree_at(int parent, const char *name)
{
	struct stat st;

	if (fstatat(parent, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : -1;
	if (!S_ISDIR(st.st_mode))
		return unlinkat(parent, name, 0);
	int fd = openat(parent, name,
			O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -1;
	DIR *d = fdopendir(fd);
	if (!d) {
		close(fd);
		return -1;
	}
	int r = 0;
	for (struct dirent *de; r == 0 && (de = readdir(d));)
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			r = rm_tree_at(dirfd(d), de->d_name);
	closedir(d);
	return r < 0 ? -1 : unlinkat(parent, name, AT_REMOVEDIR);
}

/* Opens the directory dir (clean, relative, "" for the root) for *at
 * calls, creating missing components 0755. A component that exists but
 * does not resolve is a symlink to nothing: an error, as creating its
 * target would mean guessing. */
static int open_parent(struct unpack *u, const char *dir, struct kerr *err)
{
	int fd = resolve(u, dir, O_PATH | O_DIRECTORY);

	if (fd >= 0)
		return fd;
	if (errno != ENOENT)
		return kerr_set(err, KERR_BUILD, "opening %s: %s", dir,
				strerror(errno));
	autofree char *p = xstrdup(dir);
	autoclose int cur = resolve(u, ".", O_PATH | O_DIRECTORY);
	if (cur < 0)
		return kerr_set(err, KERR_BUILD, "opening the layer root: %s",
				strerror(errno));
	for (char *s = p;;) {
		char *slash = strchr(s, '/');
		if (slash)
			*slash = '\0';
		int next = resolve(u, p, O_PATH | O_DIRECTORY);
		if (next < 0 && errno == ENOENT) {
			if (mkdirat(cur, s, 0755) < 0) {
				if (errno == EEXIST)
					return kerr_set(err, KERR_BUILD,
							"%s is a symlink to "
							"nothing",
							p);
				return kerr_set(err, KERR_BUILD,
						"mkdirat %s: %s", p,
						strerror(errno));
			}
			/* mkdirat's mode went through the umask */
			if (fchmodat(cur, s, 0755, 0) < 0)
				return kerr_set(err, KERR_BUILD,
						"fchmodat %s: %s", p,
						strerror(errno));
			next = resolve(u, p, O_PATH | O_DIRECTORY);
		}
		if (next < 0)
			return kerr_set(err, KERR_BUILD, "opening %s: %s", p,
					strerror(errno));
		close(cur);
		cur = next;
		if (!slash)
			return steal_fd(&cur);
		*slash = '/';
		s = slash + 1;
	}
}

/* Makes room for a new entry base in parent: removes what is there, unless
 * both are directories (then 1: the directory stays, content and all). */
static int make_room(int parent, const char *base, bool want_dir,
		     const char *path, struct kerr *err)
{
	struct stat st;

	if (fstatat(parent, base, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		if (errno == ENOENT)
			return 0;
		return kerr_set(err, KERR_BUILD, "fstatat %s: %s", path,
				strerror(errno));
	}
	if (S_ISDIR(st.st_mode) && want_dir)
		return 1;
	if (rm_tree_at(parent, base) < 0)
		return kerr_set(err, KERR_BUILD,
				"removing %s to replace it: %s", path,
				strerror(errno));
	return 0;
}

/* A failure that does not matter for a non-root unpack: it keeps its own
 * ids and cannot set trusted.* or security.* xattrs. */
static bool ignorable(const struct unpack *u, int e)
{
	return !u->as_root && (e == EPERM || e == EOPNOTSUPP);
}

/* Sets the entry's xattrs on fd, or, when fd < 0, on base in parent
 * without following it (through the parent's /proc/self/fd link: there is
 * no fd-based call that works on a symlink). */
static int set_xattrs(struct unpack *u, struct archive_entry *ae, int fd,
		      int parent, const char *base, const char *path,
		      struct kerr *err)
{
	const char *name;
	const void *value;
	size_t size;
	struct strbuf at = STRBUF_INIT;

	if (fd < 0)
		sb_addf(&at, "/proc/self/fd/%d/%s", parent, base);
	archive_entry_xattr_reset(ae);
	while (archive_entry_xattr_next(ae, &name, &value, &size) ==
	       ARCHIVE_OK) {
		/* a layer must not steer overlayfs: only whiteouts may */
		if (!strncmp(name, "trusted.overlay.", 16))
			continue;
		int r = fd >= 0 ? fsetxattr(fd, name, value, size, 0)
				: lsetxattr(at.buf, name, value, size, 0);
		if (r < 0 && !ignorable(u, errno) &&
		    !(errno == EOPNOTSUPP &&
		      !strcmp(name, "security.selinux"))) {
			sb_release(&at);
			return kerr_set(err, KERR_BUILD,
					"setting xattr %s on %s: %s", name,
					path, strerror(errno));
		}
	}
	sb_release(&at);
	return 0;
}

static void entry_times(struct archive_entry *ae, struct timespec ts[2])
{
	ts[1].tv_sec = archive_entry_mtime(ae);
	ts[1].tv_nsec = archive_entry_mtime_nsec(ae);
	ts[0] = ts[1];
}

/* Owner, mode, xattrs and mtime of an open file, in the order that keeps
 * them: chown clears set-id bits and security.capability. */
static int set_meta_fd(struct unpack *u, struct archive_entry *ae, int fd,
		       const char *path, bool with_mode_and_time,
		       struct kerr *err)
{
	struct timespec ts[2];

	if (fchown(fd, (uid_t)archive_entry_uid(ae),
		   (gid_t)archive_entry_gid(ae)) < 0 &&
	    !ignorable(u, errno))
		return kerr_set(err, KERR_BUILD, "fchown %s: %s", path,
				strerror(errno));
	if (with_mode_and_time &&
	    fchmod(fd, archive_entry_perm(ae) & 07777) < 0)
		return kerr_set(err, KERR_BUILD, "fchmod %s: %s", path,
				strerror(errno));
	if (set_xattrs(u, ae, fd, -1, NULL, path, err) < 0)
		return -1;
	entry_times(ae, ts);
	if (with_mode_and_time && futimens(fd, ts) < 0)
		return kerr_set(err, KERR_BUILD, "futimens %s: %s", path,
				strerror(errno));
	return 0;
}

/* The same for what cannot be opened safely (symlinks, devices, fifos):
 * base in parent, never followed. */
static int set_meta_at(struct unpack *u, struct archive_entry *ae, int parent,
		       const char *base, const char *path, bool is_symlink,
		       struct kerr *err)
{
	struct timespec ts[2];

	if (fchownat(parent, base, (uid_t)archive_entry_uid(ae),
		     (gid_t)archive_entry_gid(ae), AT_SYMLINK_NOFOLLOW) < 0 &&
	    !ignorable(u, errno))
		return kerr_set(err, KERR_BUILD, "fchownat %s: %s", path,
				strerror(errno));
	/* base was just created by mknodat/mkfifoat, so it is no symlink */
	if (!is_symlink &&
	    fchmodat(parent, base, archive_entry_perm(ae) & 07777, 0) < 0)
		return kerr_set(err, KERR_BUILD, "fchmodat %s: %s", path,
				strerror(errno));
	if (set_xattrs(u, ae, -1, parent, base, path, err) < 0)
		return -1;
	entry_times(ae, ts);
	if (utimensat(parent, base, ts, AT_SYMLINK_NOFOLLOW) < 0)
		return kerr_set(err, KERR_BUILD, "utimensat %s: %s", path,
				strerror(errno));
	return 0;
}

static int write_all_at(int fd, const char *buf, size_t n, int64_t off,
			const char *path, struct kerr *err)
{
	while (n > 0) {
		ssize_t w = pwrite(fd, buf, n, (off_t)off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return kerr_set(err, KERR_BUILD, "writing %s: %s", path,
					strerror(errno));
		buf += w;
		off += w;
		n -= (size_t)w;
	}
	return 0;
}

static int unpack_file(struct unpack *u, struct archive *a,
		       struct archive_entry *ae, int parent, const char *base,
		       const char *path, struct kerr *err)
{
	const void *buf;
	size_t size;
	la_int64_t off;

	if (make_room(parent, base, false, path, err) < 0)
		return -1;
	autoclose int fd =
	    openat(parent, base,
		   O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return kerr_set(err, KERR_BUILD, "openat %s: %s", path,
				strerror(errno));
	for (;;) {
		int r = archive_read_data_block(a, &buf, &size, &off);
		if (r == ARCHIVE_EOF)
			break;
		if (r < ARCHIVE_WARN)
			return kerr_set(err, KERR_BUILD, "reading %s: %s", path,
					archive_error_string(a));
		if (write_all_at(fd, buf, size, off, path, err) < 0)
			return -1;
	}
	/* a sparse file may end in a hole */
	if (ftruncate(fd, (off_t)archive_entry_size(ae)) < 0)
		return kerr_set(err, KERR_BUILD, "ftruncate %s: %s", path,
				strerror(errno));
	return set_meta_fd(u, ae, fd, path, true, err);
}

static int unpack_dir(struct unpack *u, struct archive_entry *ae, int parent,
		      const char *base, const char *path, struct kerr *err)
{
	int kept = make_room(parent, base, true, path, err);

	if (kept < 0)
		return -1;
	if (!kept && mkdirat(parent, base, 0700) < 0)
		return kerr_set(err, KERR_BUILD, "mkdirat %s: %s", path,
				strerror(errno));
	autoclose int fd = openat(
	    parent, base, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return kerr_set(err, KERR_BUILD, "opening %s: %s", path,
				strerror(errno));
	if (set_meta_fd(u, ae, fd, path, false, err) < 0)
		return -1;
	if (u->n_dirs == u->alloc_dirs) {
		u->alloc_dirs = u->alloc_dirs ? 2 * u->alloc_dirs : 64;
		u->dirs =
		    xreallocarray(u->dirs, u->alloc_dirs, sizeof(*u->dirs));
	}
	struct dir_meta *d = &u->dirs[u->n_dirs++];
	d->path = xstrdup(path);
	d->mode = archive_entry_perm(ae) & 07777;
	d->mtime.tv_sec = archive_entry_mtime(ae);
	d->mtime.tv_nsec = archive_entry_mtime_nsec(ae);
	return 0;
}

/* Modes and mtimes of the directories, in entry order so that the later of
 * two entries for one path wins. A directory replaced since by something
 * else is skipped. */
static int finish_dirs(struct unpack *u, struct kerr *err)
{
	for (size_t i = 0; i < u->n_dirs; i++) {
		struct dir_meta *d = &u->dirs[i];
		struct timespec ts[2] = {d->mtime, d->mtime};
		autoclose int fd =
		    resolve(u, d->path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
		if (fd < 0 &&
		    (errno == ENOTDIR || errno == ELOOP || errno == ENOENT))
			continue;
		if (fd < 0 || fchmod(fd, d->mode) < 0 || futimens(fd, ts) < 0)
			return kerr_set(err, KERR_BUILD,
					"setting mode and mtime of %s: %s",
					d->path, strerror(errno));
	}
	return 0;
}

static int unpack_hardlink(struct unpack *u, const char *target, int parent,
			   const char *base, const char *path, struct kerr *err)
{
	autofree char *t = clean_name(target);
	const char *tdir, *tbase;

	if (!t || !*t)
		return kerr_set(err, KERR_BUILD,
				"hard link %s -> \"%s\" leaves the layer root",
				path, target);
	if (!strcmp(t, path))
		return 0;
	autofree char *tpath = xstrdup(t);
	split_path(t, &tdir, &tbase);
	autoclose int tparent = resolve(u, tdir, O_PATH | O_DIRECTORY);
	if (tparent < 0)
		return kerr_set(err, KERR_BUILD, "hard link %s -> %s: %s", path,
				tpath, strerror(errno));
	if (make_room(parent, base, false, path, err) < 0)
		return -1;
	/* flags 0: a link to a symlink links the symlink itself */
	if (linkat(tparent, tbase, parent, base, 0) < 0)
		return kerr_set(err, KERR_BUILD, "linkat %s -> %s: %s", path,
				tpath, strerror(errno));
	return 0;
}

/* "dir/.wh.NAME": hide NAME of the layers below. */
static int unpack_whiteout(struct unpack *u, int parent, const char *name,
			   const char *path, struct kerr *err)
{
	(void)u;
	if (!*name || !strcmp(name, ".") || !strcmp(name, ".."))
		return kerr_set(err, KERR_BUILD, "whiteout %s names no entry",
				path);
	if (make_room(parent, name, false, path, err) < 0)
		return -1;
	if (mknodat(parent, name, S_IFCHR | 0, makedev(0, 0)) < 0)
		return kerr_set(err, KERR_BUILD, "mknodat %s (a whiteout): %s",
				path, strerror(errno));
	return 0;
}

static int unpack_opaque(struct unpack *u, const char *dir, const char *path,
			 struct kerr *err)
{
	autoclose int parent = open_parent(u, dir, err);

	if (parent < 0)
		return -1;
	autoclose int fd =
	    openat(parent, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return kerr_set(err, KERR_BUILD, "opening %s: %s", path,
				strerror(errno));
	if (fsetxattr(fd, OVL_OPAQUE_XATTR, "y", 1, 0) < 0)
		return kerr_set(err, KERR_BUILD, "setting %s on %s: %s",
				OVL_OPAQUE_XATTR, *dir ? dir : ".",
				strerror(errno));
	return 0;
}

static int unpack_special(struct unpack *u, struct archive_entry *ae,
			  int parent, const char *base, const char *path,
			  struct kerr *err)
{
	mode_t type = archive_entry_filetype(ae);
	int r;

	if (type == AE_IFSOCK ||
	    ((type == AE_IFCHR || type == AE_IFBLK) && !u->as_root))
		return 0;
	if (make_room(parent, base, false, path, err) < 0)
		return -1;
	switch (type) {
	case AE_IFLNK: {
		const char *target = archive_entry_symlink(ae);
		r = symlinkat(target ? target : "", parent, base);
		break;
	}
	case AE_IFIFO:
		r = mkfifoat(parent, base, 0600);
		break;
	case AE_IFCHR:
	case AE_IFBLK:
		r = mknodat(parent, base, type | 0600,
			    makedev(archive_entry_rdevmajor(ae),
				    archive_entry_rdevminor(ae)));
		break;
	default:
		return kerr_set(err, KERR_BUILD, "%s: unknown entry type 0%o",
				path, (unsigned)type);
	}
	if (r < 0)
		return kerr_set(err, KERR_BUILD, "creating %s: %s", path,
				strerror(errno));
	return set_meta_at(u, ae, parent, base, path, type == AE_IFLNK, err);
}

static bool in_aufs_meta(const char *path)
{
	for (const char *p = path; p; p = strchr(p, '/'), p = p ? p + 1 : p)
		if (!strncmp(p, WH_META_PREFIX, strlen(WH_META_PREFIX)) &&
		    strncmp(p, WH_OPAQUE, strlen(WH_OPAQUE) + 1))
			return true;
	return false;
}

static int unpack_entry(struct unpack *u, struct archive *a,
			struct archive_entry *ae, struct kerr *err)
{
	const char *name = archive_entry_pathname(ae);
	autofree char *path = clean_name(name);
	const char *dir, *base;

	if (!path)
		return kerr_set(err, KERR_BUILD,
				"entry \"%s\" leaves the layer root",
				name ? name : "(no name)");
	if (!*path || in_aufs_meta(path))
		return 0; /* the root keeps 0755 root:root */
	autofree char *full = xstrdup(path);
	split_path(path, &dir, &base);
	if (!strcmp(base, WH_OPAQUE))
		return unpack_opaque(u, dir, full, err);
	autoclose int parent = open_parent(u, dir, err);
	if (parent < 0)
		return -1;
	if (!strncmp(base, WH_PREFIX, strlen(WH_PREFIX)))
		return unpack_whiteout(u, parent, base + strlen(WH_PREFIX),
				       full, err);
	const char *hardlink = archive_entry_hardlink(ae);
	if (hardlink)
		return unpack_hardlink(u, hardlink, parent, base, full, err);
	switch (archive_entry_filetype(ae)) {
	case AE_IFREG:
		return unpack_file(u, a, ae, parent, base, full, err);
	case AE_IFDIR:
		return unpack_dir(u, ae, parent, base, full, err);
	default:
		return unpack_special(u, ae, parent, base, full, err);
	}
}

static int unpack_into(struct unpack *u, const char *blob_path,
		       struct kerr *err)
{
	autoarchive_read struct archive *a = archive_read_new();
	struct archive_entry *ae;
	int r;

	if (!a)
		return kerr_set(err, KERR_BUILD, "archive_read_new failed");
	archive_read_support_filter_all(a);
	archive_read_support_format_tar(a);
	if (archive_read_open_filename(a, blob_path, 1 << 16) != ARCHIVE_OK)
		return kerr_set(err, KERR_BUILD, "opening %s: %s", blob_path,
				archive_error_string(a));
	while ((r = archive_read_next_header(a, &ae)) == ARCHIVE_OK ||
	       r == ARCHIVE_WARN)
		if (unpack_entry(u, a, ae, err) < 0)
			return -1;
	if (r != ARCHIVE_EOF)
		return kerr_set(err, KERR_BUILD, "reading %s: %s", blob_path,
				archive_error_string(a));
	if (finish_dirs(u, err) < 0)
		return -1;
	/* durable before the rename makes it visible as complete */
	if (syncfs(u->root) < 0)
		return kerr_set(err, KERR_BUILD, "syncfs: %s", strerror(errno));
	return 0;
}

static bool is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int layer_unpack(const char *blob_path, const char *dest_dir, struct kerr *err)
{
	struct strbuf tmp = STRBUF_INIT;
	struct unpack u = {.root = -1, .as_root = geteuid() == 0};
	autofree char *parent = xstrdup(dest_dir);
	char *slash = strrchr(parent, '/');
	int r = -1;

	if (is_dir(dest_dir))
		return 0;
	if (slash && slash != parent) {
		*slash = '\0';
		if (fsutil_mkdir_p(parent, err) < 0)
			return kerr_prefix(err, "unpacking layer %s",
					   blob_path);
	}
	sb_addf(&tmp, "%s.tmp-XXXXXX", dest_dir);
	if (!mkdtemp(tmp.buf)) {
		kerr_set(err, KERR_BUILD, "mkdtemp %s: %s", tmp.buf,
			 strerror(errno));
		goto out;
	}
	u.root = open(tmp.buf, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (u.root < 0 || fchmod(u.root, 0755) < 0) {
		kerr_set(err, KERR_BUILD, "opening %s: %s", tmp.buf,
			 strerror(errno));
		goto out;
	}
	if (unpack_into(&u, blob_path, err) < 0)
		goto out;
	if (rename(tmp.buf, dest_dir) < 0) {
		if ((errno == EEXIST || errno == ENOTEMPTY) && is_dir(dest_dir))
			r = 0; /* a concurrent unpack finished first */
		else
			kerr_set(err, KERR_BUILD, "rename %s to %s: %s",
				 tmp.buf, dest_dir, strerror(errno));
		goto out;
	}
	sb_reset(&tmp);
	r = slash && slash != parent ? fsutil_fsync_dir(parent, err) : 0;
out:
	if (u.root >= 0)
		close(u.root);
	if (tmp.len)
		rm_tree_at(AT_FDCWD, tmp.buf);
	sb_release(&tmp);
	for (size_t i = 0; i < u.n_dirs; i++)
		free(u.dirs[i].path);
	free(u.dirs);
	if (r < 0)
		kerr_prefix(err, "unpacking layer %s", blob_path);
	return r;
}

char *layer_cache_dir(const char *cache_root, const char *diff_id)
{
	struct strbuf sb = STRBUF_INIT;

	if (!diff_id || !digest_valid(diff_id))
		return NULL;
	sb_addf(&sb, "%s/layers/sha256/%s", cache_root,
		diff_id + DIGEST_PREFIX_LEN);
	return sb_detach(&sb, NULL);
}
