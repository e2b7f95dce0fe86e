/* sandbox_path: finds (and if asked creates) a mount point inside the
 * sandbox's root before pivot_root, following the image's symlinks the way
 * they will resolve once the root is "/" — so a mount can never land
 * outside it — and marking what it had to create so that upper_diff can
 * leave it out of the layer. Walks one component at a time from the root's
 * fd: the image is data, and openat2(RESOLVE_IN_ROOT) could not say which
 * component is missing. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "../oci/cleanup.h"
#include "../oci/strbuf.h"
#include "sandbox_internal.h"

#define MAX_LINKS 40

/* The directories walked so far, root first; ".." pops one. */
struct walk {
	int fd[PATH_MAX / 2];
	size_t n;
};

static void walk_pop_to(struct walk *w, size_t n)
{
	while (w->n > n)
		close(w->fd[--w->n]);
}

static int walk_top(const struct walk *w)
{
	return w->fd[w->n - 1];
}

/* Creates comp in dir as a directory or an empty file, marked if asked. */
static int create(int dir, const char *comp, bool as_dir, int flags)
{
	autoclose int fd = -1;

	if (as_dir) {
		if (mkdirat(dir, comp, 0755) < 0)
			return -1;
		fd = openat(dir, comp,
			    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	} else {
		fd = openat(
		    dir, comp,
		    O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	}
	if (fd < 0)
		return -1;
	if ((flags & SANDBOX_MARK) &&
	    fsetxattr(fd, SANDBOX_STUB_XATTR, "1", 1, 0) < 0)
		return -1;
	return 0;
}

/* Takes the first component off *rest into comp; false when none is
 * left. *last: nothing follows it. */
static bool next_component(char *rest, char comp[NAME_MAX + 1], bool *last)
{
	char *p = rest + strspn(rest, "/");
	size_t len = strcspn(p, "/");

	if (!len)
		return false;
	if (len > NAME_MAX)
		len = NAME_MAX; /* the lookup then fails with ENOENT */
	memcpy(comp, p, len);
	comp[len] = '\0';
	p += strcspn(p, "/");
	*last = !p[strspn(p, "/")];
	memmove(rest, p, strlen(p) + 1);
	return true;
}

/* rest = target + "/" + rest */
static void splice_link(char **rest, const char *target)
{
	struct strbuf sb = STRBUF_INIT;

	sb_addf(&sb, "%s/%s", target, *rest);
	free(*rest);
	*rest = sb_detach(&sb, NULL);
}

int sandbox_open_in_root(int root, const char *path, enum sandbox_want want,
			 int flags)
{
	struct walk w = {.n = 0};
	autofree char *rest = xstrdup(path);
	char comp[NAME_MAX + 1], target[PATH_MAX];
	int links = 0, e;
	bool last;

	w.fd[w.n] = openat(root, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (w.fd[w.n] < 0)
		return -1;
	w.n++;
	while (next_component(rest, comp, &last)) {
		struct stat st;
		if (!strcmp(comp, "."))
			continue;
		if (!strcmp(comp, "..")) {
			walk_pop_to(&w, w.n > 1 ? w.n - 1 : 1);
			continue;
		}
		if (fstatat(walk_top(&w), comp, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			if (errno != ENOENT || !(flags & SANDBOX_CREATE))
				goto fail;
			bool as_dir = !last || want != SANDBOX_WANT_FILE;
			if (create(walk_top(&w), comp, as_dir, flags) < 0 ||
			    fstatat(walk_top(&w), comp, &st,
				    AT_SYMLINK_NOFOLLOW) < 0)
				goto fail;
		}
		if (S_ISLNK(st.st_mode)) {
			ssize_t n = readlinkat(walk_top(&w), comp, target,
					       sizeof(target) - 1);
			if (n < 0)
				goto fail;
			if (++links > MAX_LINKS) {
				errno = ELOOP;
				goto fail;
			}
			target[n] = '\0';
			if (target[0] == '/')
				walk_pop_to(&w, 1);
			splice_link(&rest, target);
			continue;
		}
		if (S_ISDIR(st.st_mode)) {
			if (w.n == sizeof(w.fd) / sizeof(*w.fd)) {
				errno = ENAMETOOLONG;
				goto fail;
			}
			int fd = openat(walk_top(&w), comp,
					O_PATH | O_DIRECTORY | O_NOFOLLOW |
					    O_CLOEXEC);
			if (fd < 0)
				goto fail;
			w.fd[w.n++] = fd;
			continue;
		}
		if (!last || want == SANDBOX_WANT_DIR) {
			errno = ENOTDIR;
			goto fail;
		}
		int fd =
		    openat(walk_top(&w), comp, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		e = errno;
		walk_pop_to(&w, 0);
		errno = e;
		return fd;
	}
	if (want == SANDBOX_WANT_FILE) {
		errno = EISDIR;
		goto fail;
	}
	int fd = w.fd[--w.n];
	walk_pop_to(&w, 0);
	return fd;
fail:
	e = errno;
	walk_pop_to(&w, 0);
	errno = e;
	return -1;
}
