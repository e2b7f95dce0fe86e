/* sandbox_setup: the sandbox's own processes (see sandbox.h).
 *   A  unshares the namespaces, forks B and waits for it;
 *   B  pid 1 of the new pid namespace: builds the root as a straight line of
 *      checked syscalls, pivots into it, forks the command C and reaps
 *      zombies until C exits, then exits, which kills whatever C left;
 *   C  drops privileges and execs the command.
 * A failure ends the step with one sentence naming the syscall and the
 * path, sent to the caller over the report pipe. Everything mounted here
 * lives in the new mount namespace only.
 *
 * B works in a tmpfs it mounts over /tmp (as bubblewrap does): the root is
 * built at /tmp/kiln/root, and /tmp/kiln/scaffold, the bottom lower of the
 * overlay, holds the mount points the image may lack (/proc, /dev, /sys,
 * /etc/hosts...), so they exist in the merged tree without ever being
 * created in the upper dir. The caller's dirs, which may be under /tmp
 * too, are reached through fds opened before, as /proc/self/fd/N; this
 * also keeps the overlay options short and free of ',' and ':'. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <linux/capability.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../oci/strbuf.h"
#include "sandbox_internal.h"

#define SCRATCH "/tmp"
#define WORKDIR SCRATCH "/kiln"
#define ROOT WORKDIR "/root"
#define SCAFFOLD WORKDIR "/scaffold"
#define FILES WORKDIR "/files"

/* The host devices a build may use, bind-mounted into the new /dev. */
static const char *const devices[] = {"null",	"zero",	   "full",
				      "random", "urandom", "tty"};

/* /proc files a RUN step must not write (they reach the host's kernel) or
 * read (kernel memory, other users' keys). */
static const char *const proc_readonly[] = {"/proc/sys", "/proc/sysrq-trigger",
					    "/proc/irq", "/proc/bus"};
static const char *const proc_masked[] = {"/proc/kcore", "/proc/keys",
					  "/proc/timer_list"};

/* Docker's default capability set; the rest leave the bounding set. There
 * is no device cgroup here, so CAP_MKNOD goes too. */
static const int kept_caps[] = {
    CAP_CHOWN,	     CAP_DAC_OVERRIDE,	   CAP_FSETID,	   CAP_FOWNER,
    CAP_NET_RAW,     CAP_SETGID,	   CAP_SETUID,	   CAP_SETFCAP,
    CAP_SETPCAP,     CAP_NET_BIND_SERVICE, CAP_SYS_CHROOT, CAP_KILL,
    CAP_AUDIT_WRITE,
};

struct setup {
	const struct sandbox_child *c;
	const struct sandbox_opts *o;
	int *lower_fd;
	int upper_fd, work_fd;
	int *bind_fd;  /* per sorted mount; -1 for tmpfs */
	int resolv_fd; /* the host's /etc/resolv.conf, or -1 */
	int root;      /* the merged tree, O_PATH */
};

static void report(int fd, int kind, int status, const char *msg)
{
	struct sandbox_report r = {.kind = kind, .status = status};

	if (msg)
		snprintf(r.msg, sizeof(r.msg), "%s", msg);
	while (write(fd, &r, sizeof(r)) < 0 && errno == EINTR)
		;
}

/* Reports "<what>: <strerror(errno)>" and exits. */
static _Noreturn __attribute__((format(printf, 3, 4))) void
die_kind(int report_fd, int kind, const char *fmt, ...)
{
	int e = errno;
	char msg[900];
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	sb_addf(&sb, "%s: %s", msg, strerror(e));
	report(report_fd, kind, 0, sb.buf);
	_exit(kind == SANDBOX_REPORT_EXEC ? 127 : 1);
}

#define die(s, ...)                                                            \
	die_kind((s)->c->report_w, SANDBOX_REPORT_SETUP, __VA_ARGS__)

/* "/proc/self/fd/N[/name]" in buf: how mount(2) and overlayfs get to a
 * directory the fd holds, whatever is mounted over its path now. */
static const char *fdpath(char buf[PATH_MAX], int fd, const char *name)
{
	snprintf(buf, PATH_MAX, "/proc/self/fd/%d%s%s", fd, name ? "/" : "",
		 name ? name : "");
	return buf;
}

static int open_in_root(struct setup *s, const char *path,
			enum sandbox_want want, int flags)
{
	int fd = sandbox_open_in_root(s->root, path, want, flags);
	if (fd < 0)
		die(s, "resolving %s inside the root", path);
	return fd;
}

/* mount(2) at path inside the root, its mount point created (and marked)
 * when missing; then remounted read-only when asked. */
static void mount_in_root(struct setup *s, const char *src, const char *path,
			  enum sandbox_want want, const char *fstype,
			  unsigned long flags, const char *data, bool ro)
{
	char dst[PATH_MAX];
	int fd = open_in_root(s, path, want, SANDBOX_CREATE | SANDBOX_MARK);

	if (mount(src, fdpath(dst, fd, NULL), fstype, flags, data) < 0)
		die(s, "mount %s on %s", fstype ? fstype : src, path);
	close(fd);
	if (!ro)
		return;
	/* the fd above still names what is under the new mount */
	fd = open_in_root(s, path, SANDBOX_WANT_ANY, 0);
	if (mount(NULL, fdpath(dst, fd, NULL), NULL,
		  MS_REMOUNT | MS_BIND | MS_RDONLY |
		      (flags & ~MS_BIND & ~MS_REC),
		  NULL) < 0)
		die(s, "remount %s read-only", path);
	close(fd);
}

/* A and B die with their parent; B checks A is still there after asking,
 * as A may have died before. */
static void die_with_parent(int alive_fd)
{
	struct pollfd p = {.fd = alive_fd, .events = POLLIN};

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (poll(&p, 1, 0) != 0)
		_exit(1);
}

static void open_host_fds(struct setup *s)
{
	const struct sandbox_opts *o = s->o;

	s->lower_fd = xcalloc(o->n_lowers + 1, sizeof(int));
	for (size_t i = 0; i < o->n_lowers; i++) {
		s->lower_fd[i] =
		    open(o->lowers[i], O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (s->lower_fd[i] < 0)
			die(s, "open lower dir %s", o->lowers[i]);
	}
	s->upper_fd = open(o->upper, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (s->upper_fd < 0)
		die(s, "open upper dir %s", o->upper);
	s->work_fd = open(o->work, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (s->work_fd < 0)
		die(s, "open work dir %s", o->work);
	s->bind_fd = xcalloc(o->n_mounts + 1, sizeof(int));
	for (size_t i = 0; i < o->n_mounts; i++) {
		const struct sandbox_mount *m = s->c->mounts[i];
		s->bind_fd[i] = -1;
		if (m->type != SANDBOX_MOUNT_BIND)
			continue;
		s->bind_fd[i] = open(m->source, O_PATH | O_CLOEXEC);
		if (s->bind_fd[i] < 0)
			die(s, "open bind source %s", m->source);
	}
	s->resolv_fd = -1;
	if (o->network == SANDBOX_NET_HOST)
		s->resolv_fd = open("/etc/resolv.conf", O_PATH | O_CLOEXEC);
}

static void write_file(struct setup *s, const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	size_t n = strlen(text);

	if (fd < 0)
		die(s, "open %s", path);
	if (write(fd, text, n) != (ssize_t)n)
		die(s, "write %s", path);
	close(fd);
}

/* mkdir -p of a clean absolute path under base, the last component a
 * directory or an empty file. */
static void scaffold_path(struct setup *s, const char *base, const char *path,
			  bool as_dir, mode_t mode)
{
	struct strbuf sb = STRBUF_INIT;

	sb_adds(&sb, base);
	for (const char *p = path; *p;) {
		p += strspn(p, "/");
		size_t len = strcspn(p, "/");
		if (!len)
			break;
		sb_addc(&sb, '/');
		sb_add(&sb, p, len);
		p += len;
		bool last = !p[strspn(p, "/")];
		if (last && !as_dir) {
			int fd =
			    open(sb.buf, O_WRONLY | O_CREAT | O_CLOEXEC, mode);
			if (fd < 0)
				die(s, "open %s", sb.buf);
			close(fd);
		} else if (mkdir(sb.buf, last ? mode : 0755) < 0 &&
			   errno != EEXIST) {
			die(s, "mkdir %s", sb.buf);
		}
	}
	sb_release(&sb);
}

/* The tmpfs over /tmp: the root's mount point, the scaffold, the files
 * bind-mounted over /etc/hosts, /etc/hostname and /etc/resolv.conf. */
static void build_scratch(struct setup *s)
{
	const struct sandbox_opts *o = s->o;
	struct strbuf sb = STRBUF_INIT;

	if (mount("tmpfs", SCRATCH, "tmpfs", MS_NOSUID | MS_NODEV,
		  "mode=0700") < 0)
		die(s, "mount tmpfs on %s", SCRATCH);
	if (mkdir(WORKDIR, 0755) < 0 || mkdir(ROOT, 0755) < 0 ||
	    mkdir(SCAFFOLD, 0755) < 0 || mkdir(FILES, 0755) < 0)
		die(s, "mkdir in %s", WORKDIR);
	scaffold_path(s, SCAFFOLD, "/proc", true, 0555);
	scaffold_path(s, SCAFFOLD, "/sys", true, 0555);
	scaffold_path(s, SCAFFOLD, "/dev", true, 0755);
	scaffold_path(s, SCAFFOLD, "/etc/hosts", false, 0644);
	scaffold_path(s, SCAFFOLD, "/etc/hostname", false, 0644);
	scaffold_path(s, SCAFFOLD, "/etc/resolv.conf", false, 0644);
	for (size_t i = 0; i < o->n_mounts; i++) {
		struct stat st;
		bool as_dir = true;
		if (s->bind_fd[i] >= 0 && fstat(s->bind_fd[i], &st) == 0)
			as_dir = S_ISDIR(st.st_mode);
		scaffold_path(s, SCAFFOLD, s->c->mounts[i]->target, as_dir,
			      as_dir ? 0755 : 0644);
	}
	sb_addf(&sb, "%s\n", s->c->hostname);
	write_file(s, FILES "/hostname", sb.buf);
	sb_reset(&sb);
	sb_addf(&sb,
		"127.0.0.1\tlocalhost %s\n"
		"::1\tlocalhost ip6-localhost ip6-loopback %s\n",
		s->c->hostname, s->c->hostname);
	write_file(s, FILES "/hosts", sb.buf);
	sb_release(&sb);
	write_file(s, FILES "/resolv.conf", "");
}

/* The lowers top first, then the scaffold at the bottom: anything the
 * image has wins over it. redirect_dir, index and metacopy off: a renamed
 * or chmod'ed lower entry must be copied up whole, as the upper dir is the
 * layer. */
static void mount_overlay(struct setup *s)
{
	struct strbuf opts = STRBUF_INIT;
	char buf[PATH_MAX];

	sb_adds(&opts, "lowerdir=");
	for (size_t i = 0; i < s->o->n_lowers; i++)
		sb_addf(&opts, "%s:", fdpath(buf, s->lower_fd[i], NULL));
	sb_adds(&opts, SCAFFOLD);
	sb_addf(&opts, ",upperdir=%s", fdpath(buf, s->upper_fd, NULL));
	sb_addf(&opts, ",workdir=%s", fdpath(buf, s->work_fd, NULL));
	sb_adds(&opts, ",redirect_dir=off,index=off,metacopy=off");
	if (opts.len >= 4096) {
		errno = E2BIG;
		die(s, "mount overlay on %s: %zu lower dirs", ROOT,
		    s->o->n_lowers);
	}
	if (mount("overlay", ROOT, "overlay", 0, opts.buf) < 0)
		die(s, "mount overlay on %s (upper %s)", ROOT, s->o->upper);
	sb_release(&opts);
	s->root = open(ROOT, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (s->root < 0)
		die(s, "open %s", ROOT);
}

static void mount_proc(struct setup *s)
{
	char dst[PATH_MAX];

	mount_in_root(s, "proc", "/proc", SANDBOX_WANT_DIR, "proc",
		      MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL, false);
	for (size_t i = 0; i < sizeof(proc_readonly) / sizeof(*proc_readonly);
	     i++) {
		int fd = sandbox_open_in_root(s->root, proc_readonly[i],
					      SANDBOX_WANT_ANY, 0);
		if (fd < 0)
			continue; /* not in this kernel */
		fdpath(dst, fd, NULL);
		if (mount(dst, dst, NULL, MS_BIND | MS_REC, NULL) < 0)
			die(s, "bind %s over itself", proc_readonly[i]);
		close(fd);
		fd = open_in_root(s, proc_readonly[i], SANDBOX_WANT_ANY, 0);
		if (mount(NULL, fdpath(dst, fd, NULL), NULL,
			  MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID |
			      MS_NODEV | MS_NOEXEC,
			  NULL) < 0)
			die(s, "remount %s read-only", proc_readonly[i]);
		close(fd);
	}
	for (size_t i = 0; i < sizeof(proc_masked) / sizeof(*proc_masked);
	     i++) {
		int fd = sandbox_open_in_root(s->root, proc_masked[i],
					      SANDBOX_WANT_FILE, 0);
		if (fd < 0)
			continue;
		if (mount("/dev/null", fdpath(dst, fd, NULL), NULL, MS_BIND,
			  NULL) < 0)
			die(s, "bind /dev/null over %s", proc_masked[i]);
		close(fd);
	}
}

/* A tmpfs with the host's harmless devices bound in, a private devpts and
 * a tmpfs for shm. */
static void mount_dev(struct setup *s)
{
	char src[PATH_MAX], dst[PATH_MAX];
	struct stat st;

	mount_in_root(s, "tmpfs", "/dev", SANDBOX_WANT_DIR, "tmpfs",
		      MS_NOSUID | MS_STRICTATIME, "mode=0755,size=65536k",
		      false);
	int dev = open_in_root(s, "/dev", SANDBOX_WANT_DIR, 0);
	for (size_t i = 0; i < sizeof(devices) / sizeof(*devices); i++) {
		snprintf(src, sizeof(src), "/dev/%s", devices[i]);
		if (stat(src, &st) < 0 && errno == ENOENT)
			continue; /* e.g. no /dev/tty on this host */
		int fd = openat(dev, devices[i],
				O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
		if (fd < 0)
			die(s, "creating /dev/%s", devices[i]);
		close(fd);
		if (mount(src, fdpath(dst, dev, devices[i]), NULL, MS_BIND,
			  NULL) < 0)
			die(s, "bind %s on /dev/%s", src, devices[i]);
	}
	if (mkdirat(dev, "pts", 0755) < 0)
		die(s, "mkdir /dev/pts");
	if (mount("devpts", fdpath(dst, dev, "pts"), "devpts",
		  MS_NOSUID | MS_NOEXEC,
		  "newinstance,ptmxmode=0666,mode=0620") < 0)
		die(s, "mount devpts on /dev/pts");
	if (mkdirat(dev, "shm", 01777) < 0)
		die(s, "mkdir /dev/shm");
	if (mount("shm", fdpath(dst, dev, "shm"), "tmpfs",
		  MS_NOSUID | MS_NODEV | MS_NOEXEC,
		  "mode=1777,size=65536k") < 0)
		die(s, "mount tmpfs on /dev/shm");
	if (symlinkat("pts/ptmx", dev, "ptmx") < 0 ||
	    symlinkat("/proc/self/fd", dev, "fd") < 0 ||
	    symlinkat("/proc/self/fd/0", dev, "stdin") < 0 ||
	    symlinkat("/proc/self/fd/1", dev, "stdout") < 0 ||
	    symlinkat("/proc/self/fd/2", dev, "stderr") < 0)
		die(s, "symlink in /dev");
	close(dev);
}

static void mount_etc(struct setup *s)
{
	char src[PATH_MAX];
	const char *resolv = FILES "/resolv.conf";

	if (s->resolv_fd >= 0)
		resolv = fdpath(src, s->resolv_fd, NULL);
	mount_in_root(s, FILES "/hosts", "/etc/hosts", SANDBOX_WANT_FILE, NULL,
		      MS_BIND, NULL, true);
	mount_in_root(s, FILES "/hostname", "/etc/hostname", SANDBOX_WANT_FILE,
		      NULL, MS_BIND, NULL, true);
	mount_in_root(s, resolv, "/etc/resolv.conf", SANDBOX_WANT_FILE, NULL,
		      MS_BIND, NULL, true);
}

static void mount_extra(struct setup *s)
{
	char src[PATH_MAX];

	for (size_t i = 0; i < s->o->n_mounts; i++) {
		const struct sandbox_mount *m = s->c->mounts[i];
		if (m->type == SANDBOX_MOUNT_TMPFS) {
			mount_in_root(s, "tmpfs", m->target, SANDBOX_WANT_DIR,
				      "tmpfs", MS_NOSUID | MS_NODEV,
				      m->tmpfs_options ? m->tmpfs_options
						       : "mode=0755",
				      m->readonly);
			continue;
		}
		struct stat st;
		if (fstat(s->bind_fd[i], &st) < 0)
			die(s, "fstat %s", m->source);
		mount_in_root(s, fdpath(src, s->bind_fd[i], NULL), m->target,
			      S_ISDIR(st.st_mode) ? SANDBOX_WANT_DIR
						  : SANDBOX_WANT_FILE,
			      NULL, MS_BIND | MS_REC, NULL, m->readonly);
	}
}

static void bring_up_lo(struct setup *s)
{
	struct ifreq ifr = {0};
	int sk = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (sk < 0)
		die(s, "socket for lo");
	strcpy(ifr.ifr_name, "lo");
	if (ioctl(sk, SIOCGIFFLAGS, &ifr) < 0)
		die(s, "ioctl SIOCGIFFLAGS lo");
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(sk, SIOCSIFFLAGS, &ifr) < 0)
		die(s, "ioctl SIOCSIFFLAGS lo");
	close(sk);
}

static void enter_root(struct setup *s)
{
	if (fchdir(s->root) < 0)
		die(s, "chdir %s", ROOT);
	/* the old root goes on top of the new one, then away */
	if (syscall(SYS_pivot_root, ".", ".") < 0)
		die(s, "pivot_root %s", ROOT);
	if (umount2(".", MNT_DETACH) < 0)
		die(s, "umount the old root");
	if (chdir("/") < 0)
		die(s, "chdir /");
}

static void drop_caps(struct setup *s)
{
	struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
	struct __user_cap_data_struct d[2];

	for (int cap = 0; cap < 64; cap++) {
		bool keep = false;
		for (size_t i = 0; i < sizeof(kept_caps) / sizeof(*kept_caps);
		     i++)
			keep = keep || kept_caps[i] == cap;
		if (keep)
			continue;
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0) {
			if (errno == EINVAL)
				break; /* past the kernel's last cap */
			die(s, "prctl PR_CAPBSET_DROP %d", cap);
		}
	}
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 &&
	    errno != EINVAL)
		die(s, "prctl PR_CAP_AMBIENT_CLEAR_ALL");
	if (syscall(SYS_capget, &h, d) < 0)
		die(s, "capget");
	d[0].inheritable = d[1].inheritable = 0;
	if (syscall(SYS_capset, &h, d) < 0)
		die(s, "capset");
}

/* C: the command. stdout and stderr into the output pipe, stdin from
 * /dev/null, a session of its own, then the user and the exec. */
static _Noreturn void run_command(struct setup *s)
{
	const struct sandbox_opts *o = s->o;
	static char *const no_env[] = {NULL};
	extern char **environ;

	setsid();
	int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (null < 0)
		die(s, "open /dev/null");
	if (dup2(null, 0) < 0 || dup2(s->c->out_w, 1) < 0 ||
	    dup2(s->c->out_w, 2) < 0)
		die(s, "dup2");
	/* nothing of kiln's reaches the command; the report fd closes on
	 * exec, telling the caller nothing went wrong before */
	if (close_range(3, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
		die(s, "close_range");
	if (chdir(s->c->cwd) < 0)
		die(s, "chdir %s", s->c->cwd);
	drop_caps(s);
	if (setgroups(o->n_groups, o->groups) < 0)
		die(s, "setgroups");
	if (setresgid(o->gid, o->gid, o->gid) < 0)
		die(s, "setresgid %u", (unsigned)o->gid);
	if (setresuid(o->uid, o->uid, o->uid) < 0)
		die(s, "setresuid %u", (unsigned)o->uid);
	/* execvp looks argv[0] up in environ's PATH: the image's */
	environ = (char **)(o->env ? o->env : no_env);
	execvp(o->argv[0], o->argv);
	die_kind(s->c->report_w, SANDBOX_REPORT_EXEC, "exec \"%s\"",
		 o->argv[0]);
}

/* B after pivot_root: pid 1, reaping until the command exits. */
static _Noreturn void init_loop(struct setup *s)
{
	pid_t cmd = fork();

	if (cmd < 0)
		die(s, "fork the command");
	if (cmd == 0)
		run_command(s);
	close(s->c->out_w);
	for (;;) {
		int st;
		pid_t p = waitpid(-1, &st, 0);
		if (p < 0 && errno == EINTR)
			continue;
		if (p < 0)
			die(s, "waitpid");
		if (p == cmd) {
			report(s->c->report_w, SANDBOX_REPORT_EXIT, st, NULL);
			/* the kernel kills what is left in the namespace */
			_exit(0);
		}
	}
}

/* B: straight from fork to the command. */
static _Noreturn void sandbox_init(const struct sandbox_child *c, int alive_fd)
{
	struct setup s = {.c = c, .o = c->o, .root = -1};

	die_with_parent(alive_fd);
	close(alive_fd);
	umask(022);
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		die(&s, "making / private (mount MS_REC|MS_PRIVATE)");
	open_host_fds(&s);
	build_scratch(&s);
	mount_overlay(&s);
	mount_proc(&s);
	mount_dev(&s);
	mount_in_root(&s, "sysfs", "/sys", SANDBOX_WANT_DIR, "sysfs",
		      MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL,
		      false);
	mount_etc(&s);
	mount_extra(&s);
	close(open_in_root(&s, c->cwd, SANDBOX_WANT_DIR, SANDBOX_CREATE));
	if (sethostname(c->hostname, strlen(c->hostname)) < 0)
		die(&s, "sethostname %s", c->hostname);
	if (c->o->network == SANDBOX_NET_NONE)
		bring_up_lo(&s);
	enter_root(&s);
	init_loop(&s);
}

_Noreturn void sandbox_child_main(const struct sandbox_child *c)
{
	int flags = CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWIPC |
		    CLONE_NEWCGROUP;
	int alive[2];

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != c->kiln)
		_exit(1);
	if (c->o->network == SANDBOX_NET_NONE)
		flags |= CLONE_NEWNET;
	if (unshare(flags) < 0)
		die_kind(c->report_w, SANDBOX_REPORT_SETUP, "unshare");
	/* B's check that A is alive: A holds the write end, never writes */
	if (pipe2(alive, O_CLOEXEC) < 0)
		die_kind(c->report_w, SANDBOX_REPORT_SETUP, "pipe2");
	pid_t init = fork();
	if (init < 0)
		die_kind(c->report_w, SANDBOX_REPORT_SETUP,
			 "fork into the new pid namespace");
	if (init == 0) {
		close(alive[1]);
		sandbox_init(c, alive[0]);
	}
	close(alive[0]);
	close(c->out_w);
	close(c->report_w);
	int st;
	while (waitpid(init, &st, 0) < 0 && errno == EINTR)
		;
	_exit(0);
}
