/* fsutil: small file-system helpers shared by oci/ (see fsutil.h). */
#include "fsutil.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "strbuf.h"

static int mkdir_one(const char *path, struct kerr *err)
{
	struct stat st;

	if (mkdir(path, 0755) == 0)
		return 0;
	if (errno == EEXIST && stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		return 0;
	if (errno == EEXIST)
		errno = ENOTDIR;
	return kerr_set(err, KERR_BUILD, "creating directory %s: %s", path,
			strerror(errno));
}

int fsutil_mkdir_p(const char *path, struct kerr *err)
{
	autofree char *p = xstrdup(path);

	if (!*p)
		return kerr_set(err, KERR_BUILD,
				"creating directory: empty path");
	for (char *s = strchr(p + 1, '/'); s; s = strchr(s + 1, '/')) {
		if (s[-1] == '/')
			continue;
		*s = '\0';
		if (mkdir_one(p, err) < 0)
			return -1;
		*s = '/';
	}
	return mkdir_one(p, err);
}

int fsutil_write_all(int fd, const void *buf, size_t n, const char *what,
		     struct kerr *err)
{
	const char *p = buf;

	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return kerr_set(err, KERR_BUILD, "writing %s: %s", what,
					strerror(errno));
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

ssize_t fsutil_read(int fd, void *buf, size_t n)
{
	ssize_t r;

	do
		r = read(fd, buf, n);
	while (r < 0 && errno == EINTR);
	return r;
}

int fsutil_fsync_dir(const char *dir, struct kerr *err)
{
	autoclose int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0 || fsync(fd) < 0)
		return kerr_set(err, KERR_BUILD, "syncing directory %s: %s",
				dir, strerror(errno));
	return 0;
}

int fsutil_write_atomic(const char *path, const void *data, size_t n,
			struct kerr *err)
{
	struct strbuf tmp = STRBUF_INIT;
	sb_addf(&tmp, "%s.kiln-tmp-XXXXXX", path);
	int fd = mkstemp(tmp.buf), r = 0;
	if (fd < 0)
		r = kerr_set(err, KERR_BUILD, "%s: %s", tmp.buf, strerror(errno));
	if (!r)
		r = fsutil_write_all(fd, data, n, tmp.buf, err);
	if (!r && (fchmod(fd, 0644) < 0 || fsync(fd) < 0))
		r = kerr_set(err, KERR_BUILD, "%s: %s", tmp.buf, strerror(errno));
	if (fd >= 0 && close(fd) < 0 && !r)
		r = kerr_set(err, KERR_BUILD, "%s: %s", tmp.buf, strerror(errno));
	if (!r && rename(tmp.buf, path) < 0)
		r = kerr_set(err, KERR_BUILD, "rename %s: %s", path, strerror(errno));
	if (r < 0 && fd >= 0)
		unlink(tmp.buf);
	sb_release(&tmp);
	return r;
}
