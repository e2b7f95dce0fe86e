/* cred_helper: the docker-credential-<name> "get" protocol: the server URL
 * on the helper's stdin, {"Username","Secret"} on its stdout, an error
 * message on stdout with a non-zero exit otherwise. The helper is found on
 * PATH and run with fork/exec, never through a shell; its stderr goes to
 * /dev/null so that kiln's errors stay one line. */
#include "creds.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../oci/fsutil.h"
#include "../oci/strbuf.h"

/* Bounds what a helper may print: an answer is a few hundred bytes. */
#define HELPER_OUTPUT_MAX (64 * 1024)

/* A helper name becomes part of a program name: no paths. */
static bool valid_name(const char *name)
{
	if (!*name)
		return false;
	for (const char *p = name; *p; p++)
		if (!(*p >= 'a' && *p <= 'z') && !(*p >= 'A' && *p <= 'Z') &&
		    !(*p >= '0' && *p <= '9') && !strchr("._-", *p))
			return false;
	return true;
}

static void child(const char *prog, int in, int out)
{
	int null = open("/dev/null", O_WRONLY);

	if (dup2(in, 0) < 0 || dup2(out, 1) < 0 || null < 0 ||
	    dup2(null, 2) < 0)
		_exit(126);
	execlp(prog, prog, "get", (char *)NULL);
	_exit(127);
}

/* Reads all of fd, keeping at most HELPER_OUTPUT_MAX bytes. */
static void read_all(int fd, struct strbuf *sb)
{
	char buf[4096];
	ssize_t n;

	while ((n = fsutil_read(fd, buf, sizeof(buf))) > 0)
		if (sb->len + (size_t)n <= HELPER_OUTPUT_MAX)
			sb_add(sb, buf, (size_t)n);
	explicit_bzero(buf, sizeof(buf));
}

/* Starts prog with the server URL already waiting on its stdin (written
 * before the fork, so a helper that exits early cannot SIGPIPE kiln) and
 * collects its stdout and exit status. */
static int spawn(const char *prog, const char *url, struct strbuf *out,
		 int *status, struct kerr *err)
{
	int in[2], o[2];
	pid_t pid;

	if (pipe2(in, O_CLOEXEC) < 0)
		return kerr_set(err, KERR_BUILD, "pipe: %s", strerror(errno));
	if (pipe2(o, O_CLOEXEC) < 0) {
		close(in[0]), close(in[1]);
		return kerr_set(err, KERR_BUILD, "pipe: %s", strerror(errno));
	}
	/* A pipe holds 64 KiB: the write completes with no reader yet. */
	if (strlen(url) > 4096 ||
	    write(in[1], url, strlen(url)) != (ssize_t)strlen(url)) {
		close(in[0]), close(in[1]), close(o[0]), close(o[1]);
		return kerr_set(err, KERR_BUILD, "cannot pass the server URL");
	}
	close(in[1]);
	pid = fork();
	if (pid == 0)
		child(prog, in[0], o[1]);
	close(in[0]);
	close(o[1]);
	if (pid < 0) {
		close(o[0]);
		return kerr_set(err, KERR_BUILD, "fork: %s", strerror(errno));
	}
	read_all(o[0], out);
	close(o[0]);
	while (waitpid(pid, status, 0) < 0 && errno == EINTR)
		;
	return 0;
}

/* The helper's first line, bounded and printable, for a message: by the
 * protocol it is an error text, never a credential. */
static const char *first_line(const struct strbuf *out, char *buf, size_t n)
{
	size_t i = 0;

	for (; i + 1 < n && i < out->len && out->buf[i] != '\n'; i++)
		buf[i] = (unsigned char)out->buf[i] < ' ' ? ' ' : out->buf[i];
	buf[i] = '\0';
	return buf;
}

static int answer(const char *prog, const struct strbuf *out, int status,
		  struct fetch_cred *c, struct kerr *err)
{
	char line[160];

	if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		return kerr_set(err, KERR_BUILD, "%s: not found on PATH", prog);
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		if (memmem(sb_str(out), out->len, "credentials not found", 21))
			return 0; /* the helper knows nothing: anonymous */
		return kerr_set(err, KERR_BUILD, "%s get failed: %s", prog,
				first_line(out, line, sizeof(line)));
	}
	if (fetch_creds_parse_helper(sb_str(out), out->len, c, err) < 0)
		return kerr_prefix(err, "%s get", prog);
	return 0;
}

int fetch_creds_run_helper(const char *name, const char *domain,
			   struct fetch_cred *out, struct kerr *err)
{
	struct strbuf prog = STRBUF_INIT, res = STRBUF_INIT;
	int status = 0, rc;

	if (!valid_name(name))
		return kerr_set(
		    err, KERR_BUILD,
		    "credential helper name \"%s\" is not a plain name", name);
	sb_addf(&prog, "docker-credential-%s", name);
	rc =
	    spawn(prog.buf, fetch_creds_server_url(domain), &res, &status, err);
	if (!rc)
		rc = answer(prog.buf, &res, status, out, err);
	if (res.buf)
		explicit_bzero(res.buf, res.len);
	sb_release(&res);
	sb_release(&prog);
	return rc;
}
