/* sandbox: the caller's side of a RUN step (see sandbox.h). Checks the
 * options, prepares the upper dir, starts the sandbox's processes
 * (sandbox_setup.c), streams the command's output line by line under the
 * caller's prefix while keeping the last lines, and turns what the sandbox
 * reports into the result. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../oci/fsutil.h"
#include "sandbox_internal.h"

/* Lines longer than this are cut in the tail, and a line this long with
 * no newline yet is printed as it is. */
#define TAIL_LINE_MAX 1024
#define LINE_MAX_BYTES (64 * 1024)
/* What the error message may spend on quoted output: kerr holds 1024 bytes
 * and the callers above prefix the step and the Dockerfile line. */
#define ERR_TAIL_BUDGET 640
#define MAX_LOWERS 200

struct tail {
	struct strbuf line[SANDBOX_TAIL_LINES];
	size_t next, n;
};

static void tail_add(struct tail *t, const char *s, size_t n)
{
	struct strbuf *l = &t->line[t->next];

	sb_reset(l);
	sb_add(l, s, n < TAIL_LINE_MAX ? n : TAIL_LINE_MAX);
	t->next = (t->next + 1) % SANDBOX_TAIL_LINES;
	if (t->n < SANDBOX_TAIL_LINES)
		t->n++;
}

/* The i-th kept line, oldest first. */
static const struct strbuf *tail_get(const struct tail *t, size_t i)
{
	size_t first =
	    (t->next + SANDBOX_TAIL_LINES - t->n) % SANDBOX_TAIL_LINES;
	return &t->line[(first + i) % SANDBOX_TAIL_LINES];
}

static void tail_release(struct tail *t)
{
	for (size_t i = 0; i < SANDBOX_TAIL_LINES; i++)
		sb_release(&t->line[i]);
}

static void emit_line(const struct sandbox_opts *o, struct tail *t,
		      const char *s, size_t n)
{
	struct strbuf out = STRBUF_INIT;
	struct kerr ignored = KERR_INIT;

	tail_add(t, s, n);
	if (o->quiet)
		return;
	sb_adds(&out, o->prefix ? o->prefix : "");
	sb_add(&out, s, n);
	sb_addc(&out, '\n');
	/* a closed stderr must not fail the step */
	fsutil_write_all(o->out_fd ? o->out_fd : STDERR_FILENO, out.buf,
			 out.len, "RUN output", &ignored);
	sb_release(&out);
}

/* Until every writer is gone: the command and all it started. -1 when the
 * pipe itself failed. */
static int stream_output(const struct sandbox_opts *o, int fd, struct tail *t)
{
	struct strbuf cur = STRBUF_INIT;
	char buf[8192];
	ssize_t n;

	while ((n = fsutil_read(fd, buf, sizeof(buf))) > 0) {
		const char *p = buf, *end = buf + n;
		while (p < end) {
			const char *nl = memchr(p, '\n', (size_t)(end - p));
			sb_add(&cur, p, (size_t)((nl ? nl : end) - p));
			p = nl ? nl + 1 : end;
			if (nl || cur.len >= LINE_MAX_BYTES) {
				emit_line(o, t, sb_str(&cur), cur.len);
				sb_reset(&cur);
			}
		}
	}
	if (cur.len)
		emit_line(o, t, cur.buf, cur.len);
	sb_release(&cur);
	return n < 0 ? -1 : 0;
}

/* The first SETUP or EXEC message, else the EXIT one; 0 if none came. */
static int read_report(int fd, struct sandbox_report *out)
{
	struct sandbox_report r;
	int kind = 0;

	while (fsutil_read(fd, &r, sizeof(r)) == (ssize_t)sizeof(r)) {
		if (kind == SANDBOX_REPORT_SETUP || kind == SANDBOX_REPORT_EXEC)
			continue;
		*out = r;
		kind = r.kind;
	}
	return kind;
}

static void add_tail(struct strbuf *msg, const struct tail *t)
{
	size_t first = t->n, used = 0;

	/* the newest lines that fit */
	while (first > 0 &&
	       used + tail_get(t, first - 1)->len + 5 <= ERR_TAIL_BUDGET) {
		first--;
		used += tail_get(t, first)->len + 5;
	}
	if (first == t->n)
		return;
	sb_adds(msg, "; last output:");
	for (size_t i = first; i < t->n; i++) {
		sb_adds(msg, "\n  | ");
		sb_add(msg, tail_get(t, i)->buf, tail_get(t, i)->len);
	}
}

static int result(const struct sandbox_report *r, int kind, int a_status,
		  const struct tail *t, struct kerr *err)
{
	struct strbuf msg = STRBUF_INIT;

	if (kind == SANDBOX_REPORT_SETUP)
		return kerr_set(err, KERR_BUILD, "RUN sandbox: %s", r->msg);
	if (kind == SANDBOX_REPORT_EXEC)
		return kerr_set(err, KERR_BUILD, "RUN: %s", r->msg);
	if (kind != SANDBOX_REPORT_EXIT) {
		if (WIFSIGNALED(a_status))
			return kerr_set(err, KERR_BUILD,
					"RUN interrupted: its sandbox was "
					"killed by signal %d (%s)",
					WTERMSIG(a_status),
					strsignal(WTERMSIG(a_status)));
		return kerr_set(err, KERR_BUILD,
				"RUN sandbox ended without a report");
	}
	if (WIFEXITED(r->status) && WEXITSTATUS(r->status) == 0)
		return 0;
	if (WIFEXITED(r->status))
		sb_addf(&msg, "RUN exited with code %d",
			WEXITSTATUS(r->status));
	else
		sb_addf(&msg, "RUN killed by signal %d (%s)",
			WTERMSIG(r->status), strsignal(WTERMSIG(r->status)));
	add_tail(&msg, t);
	kerr_set(err, KERR_BUILD, "%s", msg.buf);
	sb_release(&msg);
	return -1;
}

static bool clean_target(const char *p)
{
	if (!p || p[0] != '/' || !p[strspn(p, "/")])
		return false;
	for (const char *c = p; *c;) {
		c += strspn(c, "/");
		size_t len = strcspn(c, "/");
		if (len == 2 && c[0] == '.' && c[1] == '.')
			return false;
		c += len;
	}
	return true;
}

static int check_opts(const struct sandbox_opts *o, struct kerr *err)
{
	if (!o->argv || !o->argv[0] || !o->argv[0][0])
		return kerr_set(err, KERR_BUILD, "RUN: no command");
	if (!o->upper || !o->work)
		return kerr_set(err, KERR_BUILD,
				"RUN sandbox: no upper or work dir");
	if (o->n_lowers > MAX_LOWERS)
		return kerr_set(err, KERR_BUILD,
				"RUN sandbox: %zu layers, more than the %d "
				"an overlay mount takes here",
				o->n_lowers, MAX_LOWERS);
	if (o->cwd && o->cwd[0] != '/')
		return kerr_set(err, KERR_BUILD,
				"RUN: working directory \"%s\" is not absolute",
				o->cwd);
	if (o->hostname &&
	    (!*o->hostname || strlen(o->hostname) > HOST_NAME_MAX))
		return kerr_set(err, KERR_BUILD, "RUN: bad hostname \"%s\"",
				o->hostname);
	for (size_t i = 0; i < o->n_mounts; i++) {
		const struct sandbox_mount *m = &o->mounts[i];
		if (!clean_target(m->target))
			return kerr_set(err, KERR_BUILD,
					"RUN: mount target \"%s\" must be an "
					"absolute path below / without \"..\"",
					m->target ? m->target : "");
		if (m->type == SANDBOX_MOUNT_BIND && !m->source)
			return kerr_set(err, KERR_BUILD,
					"RUN: bind mount on %s has no source",
					m->target);
	}
	return 0;
}

/* Creates upper and work; gives the upper root the top lower's owner and
 * mode, which the merged root shows. */
static int prepare_dirs(const struct sandbox_opts *o, struct kerr *err)
{
	struct stat st = {.st_mode = S_IFDIR | 0755};

	if (fsutil_mkdir_p(o->upper, err) < 0 ||
	    fsutil_mkdir_p(o->work, err) < 0)
		return kerr_prefix(err, "RUN sandbox");
	if (o->n_lowers && stat(o->lowers[0], &st) < 0)
		return kerr_set(err, KERR_BUILD, "RUN sandbox: stat %s: %s",
				o->lowers[0], strerror(errno));
	if (chown(o->upper, st.st_uid, st.st_gid) < 0 ||
	    chmod(o->upper, st.st_mode & 07777) < 0)
		return kerr_set(err, KERR_BUILD,
				"RUN sandbox: chown/chmod %s: %s", o->upper,
				strerror(errno));
	return 0;
}

static int cmp_mount(const void *a, const void *b)
{
	const struct sandbox_mount *const *x = a, *const *y = b;
	return strcmp((*x)->target, (*y)->target);
}

int sandbox_run(const struct sandbox_opts *o, struct kerr *err)
{
	struct sandbox_child c = {
	    .o = o,
	    .kiln = getpid(),
	    .cwd = o->cwd ? o->cwd : "/",
	    .hostname = o->hostname ? o->hostname : SANDBOX_HOSTNAME,
	};
	struct tail t = {.n = 0};
	struct sandbox_report r;
	int out[2] = {-1, -1}, rep[2] = {-1, -1}, a_status = 0, kind, rc = -1;

	if (check_opts(o, err) < 0 || prepare_dirs(o, err) < 0)
		return -1;
	c.mounts = xcalloc(o->n_mounts + 1, sizeof(*c.mounts));
	for (size_t i = 0; i < o->n_mounts; i++)
		c.mounts[i] = &o->mounts[i];
	if (o->n_mounts)
		qsort(c.mounts, o->n_mounts, sizeof(*c.mounts), cmp_mount);
	if (pipe2(out, O_CLOEXEC) < 0 || pipe2(rep, O_CLOEXEC) < 0) {
		kerr_set(err, KERR_BUILD, "RUN sandbox: pipe2: %s",
			 strerror(errno));
		goto out;
	}
	c.out_w = out[1];
	c.report_w = rep[1];
	pid_t a = fork();
	if (a < 0) {
		kerr_set(err, KERR_BUILD, "RUN sandbox: fork: %s",
			 strerror(errno));
		goto out;
	}
	if (a == 0) {
		close(out[0]);
		close(rep[0]);
		sandbox_child_main(&c);
	}
	close(out[1]);
	close(rep[1]);
	out[1] = rep[1] = -1;
	if (stream_output(o, out[0], &t) < 0)
		kill(a, SIGKILL); /* B and C follow A */
	kind = read_report(rep[0], &r);
	while (waitpid(a, &a_status, 0) < 0 && errno == EINTR)
		;
	rc = result(&r, kind, a_status, &t, err);
out:
	if (o->tail) {
		sb_reset(o->tail);
		for (size_t i = 0; i < t.n; i++) {
			sb_add(o->tail, tail_get(&t, i)->buf,
			       tail_get(&t, i)->len);
			sb_addc(o->tail, '\n');
		}
	}
	for (int i = 0; i < 2; i++) {
		if (out[i] >= 0)
			close(out[i]);
		if (rep[i] >= 0)
			close(rep[i]);
	}
	tail_release(&t);
	free(c.mounts);
	return rc;
}
