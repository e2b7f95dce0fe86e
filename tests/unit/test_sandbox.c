/* test_sandbox: upper_diff on upper dirs built by hand (whiteouts, opaque
 * dirs, hard link groups, xattrs, the sandbox's mount point stubs), and
 * sandbox_run on a busybox root when this host can (root, overlayfs,
 * /bin/busybox): exit codes and the quoted output tail, setup and exec
 * failures as one sentence, stubs for a dangling /etc/resolv.conf. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "unit_tmp.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "../../compiler/fs_tree.h"
#include "../../compiler/sandbox.h"
#include "../../compiler/upper_diff.h"

struct fixture {
	char dir[64];
	struct fs_tree t;
	struct kerr err;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	strcpy(f->dir, "/tmp/kiln-test-sandbox-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	f->t = (struct fs_tree)FS_TREE_INIT;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	fs_tree_clear(&f->t);
	unit_rm_rf(f->dir);
	free(f);
	return 0;
}

static const char *p(struct fixture *f, const char *rel)
{
	static char buf[4][256];
	static int i;
	i = (i + 1) % 4;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", f->dir, rel);
	return buf[i];
}

static void mkfile(const char *path, const char *text, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	assert_int_equal(chmod(path, mode), 0);
}

static const struct layer_entry *get(struct fixture *f, const char *path)
{
	const struct layer_entry *e = fs_tree_get(&f->t, path);
	if (!e)
		fail_msg("no entry %s", path);
	return e;
}

static bool has_xattr(const struct layer_entry *e, const char *x)
{
	for (size_t i = 0; i < e->xattrs.n; i++)
		if (!strcmp(e->xattrs.v[i], x))
			return true;
	return false;
}

static bool is_root(void)
{
	return geteuid() == 0;
}

static void test_upper_diff_turns_overlay_marks_into_oci_ones(void **state)
{
	struct fixture *f = *state;

	if (!is_root())
		skip();
	assert_int_equal(mkdir(p(f, "etc"), 0755), 0);
	assert_int_equal(mknod(p(f, "etc/motd"), S_IFCHR, makedev(0, 0)), 0);
	assert_int_equal(mkdir(p(f, "var"), 0750), 0);
	assert_int_equal(chown(p(f, "var"), 7, 8), 0);
	assert_int_equal(
	    setxattr(p(f, "var"), "trusted.overlay.opaque", "y", 1, 0), 0);
	mkfile(p(f, "var/new"), "n", 0644);
	assert_int_equal(upper_diff(f->dir, 0, &f->t, &f->err), 0);

	const struct layer_entry *e = get(f, "etc/.wh.motd");
	assert_int_equal(e->type, LAYER_FILE);
	assert_int_equal(e->mode, 0600);
	assert_int_equal(e->size, 0);
	assert_null(e->src_path);
	assert_null(fs_tree_get(&f->t, "etc/motd"));
	e = get(f, "var/.wh..wh..opq");
	assert_int_equal(e->mode, 0750);
	assert_int_equal(e->uid, 7);
	assert_int_equal(e->gid, 8);
	e = get(f, "var");
	assert_int_equal(e->type, LAYER_DIR);
	assert_int_equal(e->xattrs.n, 0); /* trusted.overlay.* stays behind */
	assert_int_equal(f->t.n, 5);
}

static void test_upper_diff_keeps_files_links_owners_and_xattrs(void **state)
{
	struct fixture *f = *state;

	mkfile(p(f, "a-c"), "x", 04755);
	assert_int_equal(mkdir(p(f, "a"), 0700), 0);
	assert_int_equal(link(p(f, "a-c"), p(f, "a/b")), 0);
	assert_int_equal(link(p(f, "a-c"), p(f, "z")), 0);
	assert_int_equal(symlink("/etc/passwd", p(f, "a/l")), 0);
	assert_int_equal(setxattr(p(f, "a-c"), "user.keep", "v", 1, 0), 0);
	assert_int_equal(setxattr(p(f, "a-c"), "user.bin", "a\0b", 3, 0), 0);
	if (is_root()) {
		assert_int_equal(chown(p(f, "a-c"), 1000, 1000), 0);
		assert_int_equal(chmod(p(f, "a-c"), 04755), 0);
		assert_int_equal(
		    setxattr(p(f, "a-c"), "trusted.overlay.origin", "o", 1, 0),
		    0);
	}
	int sk = socket(AF_UNIX, SOCK_STREAM, 0);
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", p(f, "sock"));
	assert_int_equal(bind(sk, (struct sockaddr *)&sa, sizeof(sa)), 0);
	close(sk);
	assert_int_equal(upper_diff(f->dir, 0, &f->t, &f->err), 0);

	/* "a-c" sorts before "a/b": it carries the content */
	const struct layer_entry *e = get(f, "a-c");
	assert_int_equal(e->type, LAYER_FILE);
	assert_int_equal(e->mode, 04755);
	assert_string_equal(e->src_path, p(f, "a-c"));
	assert_int_equal(e->size, 1);
	assert_true(has_xattr(e, "user.keep=v"));
	assert_int_equal(e->xattrs.n, 1);
	if (is_root())
		assert_int_equal(e->uid, 1000);
	e = get(f, "a/b");
	assert_int_equal(e->type, LAYER_HARDLINK);
	assert_string_equal(e->link, "a-c");
	assert_null(e->src_path);
	assert_string_equal(get(f, "z")->link, "a-c");
	e = get(f, "a/l");
	assert_int_equal(e->type, LAYER_SYMLINK);
	assert_string_equal(e->link, "/etc/passwd");
	assert_int_equal(get(f, "a")->mode, 0700);
	assert_null(fs_tree_get(&f->t, "sock"));
}

static void test_upper_diff_drops_the_sandbox_stubs_only(void **state)
{
	struct fixture *f = *state;

	if (!is_root())
		skip();
	assert_int_equal(mkdir(p(f, "run"), 0755), 0);
	assert_int_equal(setxattr(p(f, "run"), SANDBOX_STUB_XATTR, "1", 1, 0),
			 0);
	mkfile(p(f, "run/resolv.conf"), "", 0644);
	assert_int_equal(
	    setxattr(p(f, "run/resolv.conf"), SANDBOX_STUB_XATTR, "1", 1, 0),
	    0);
	mkfile(p(f, "run/step-wrote-this"), "w", 0644);
	assert_int_equal(upper_diff(f->dir, 0, &f->t, &f->err), 0);
	assert_null(fs_tree_get(&f->t, "run"));
	assert_null(fs_tree_get(&f->t, "run/resolv.conf"));
	get(f, "run/step-wrote-this");
	assert_int_equal(f->t.n, 1);
}

static void test_upper_diff_refuses_what_a_layer_cannot_hold(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(mkfifo(p(f, "pipe"), 0644), 0);
	assert_int_equal(upper_diff(f->dir, 0, &f->t, &f->err), -1);
	assert_non_null(strstr(f->err.msg, "RUN created pipe, a fifo"));
	assert_int_equal(f->t.n, 0);
	unlink(p(f, "pipe"));
	mkfile(p(f, ".wh.x"), "", 0644);
	kerr_clear(&f->err);
	assert_int_equal(upper_diff(f->dir, 0, &f->t, &f->err), -1);
	assert_non_null(strstr(f->err.msg, "RUN created .wh.x"));
}

/* sandbox_run on a busybox root in f->dir/root, with upper and work. */
struct run {
	struct sandbox_opts o;
	const char *lowers[2];
	char upper[128], work[128], lower[128];
	int out[2];
	char output[8192];
};

static bool can_sandbox(void)
{
	return is_root() && access("/bin/busybox", X_OK) == 0;
}

static void run_init(struct fixture *f, struct run *r, char *const *argv)
{
	static char *const env[] = {"PATH=/bin", NULL};

	memset(r, 0, sizeof(*r));
	snprintf(r->lower, sizeof(r->lower), "%s", p(f, "root"));
	snprintf(r->upper, sizeof(r->upper), "%s", p(f, "upper"));
	snprintf(r->work, sizeof(r->work), "%s", p(f, "work"));
	if (access(r->lower, F_OK) != 0) {
		assert_int_equal(mkdir(r->lower, 0755), 0);
		assert_int_equal(mkdir(p(f, "root/bin"), 0755), 0);
		/* a copy: the sandbox cannot see the host's /bin */
		char cmd[512];
		snprintf(cmd, sizeof(cmd),
			 "cp /bin/busybox %s/root/bin/busybox && "
			 "for a in sh echo cat ls seq true; do ln -s busybox "
			 "%s/root/bin/$a; done",
			 f->dir, f->dir);
		assert_int_equal(system(cmd), 0);
	}
	r->lowers[0] = r->lower;
	r->o.lowers = r->lowers;
	r->o.n_lowers = 1;
	r->o.upper = r->upper;
	r->o.work = r->work;
	r->o.argv = argv;
	r->o.env = env;
	r->o.prefix = "[2/5] ";
	assert_int_equal(pipe(r->out), 0);
	r->o.out_fd = r->out[1];
}

/* The output written to out_fd, once the run is over. */
static const char *run_output(struct run *r)
{
	close(r->out[1]);
	ssize_t n = read(r->out[0], r->output, sizeof(r->output) - 1);
	r->output[n > 0 ? n : 0] = '\0';
	close(r->out[0]);
	return r->output;
}

static void test_sandbox_exit_code_is_an_error_quoting_the_tail(void **state)
{
	struct fixture *f = *state;
	struct run r;
	struct strbuf tail = STRBUF_INIT;
	char *argv[] = {"sh", "-c", "seq 1 30; echo oops >&2; exit 3", NULL};

	if (!can_sandbox())
		skip();
	run_init(f, &r, argv);
	r.o.tail = &tail;
	assert_int_equal(sandbox_run(&r.o, &f->err), -1);
	const char *out = run_output(&r);
	assert_non_null(strstr(out, "[2/5] 1\n[2/5] 2\n"));
	assert_non_null(strstr(out, "[2/5] oops\n"));
	assert_non_null(
	    strstr(f->err.msg, "RUN exited with code 3; last output:\n"));
	assert_non_null(strstr(f->err.msg, "\n  | 30\n  | oops"));
	assert_null(strstr(f->err.msg, "| 11\n")); /* older than 20 lines */
	assert_non_null(strstr(tail.buf, "12\n"));
	assert_non_null(strstr(tail.buf, "30\noops\n"));
	sb_release(&tail);
}

static void test_sandbox_success_and_cwd_created_in_the_layer(void **state)
{
	struct fixture *f = *state;
	struct run r;
	char *argv[] = {"sh", "-c", "pwd; echo $PATH > here", NULL};

	if (!can_sandbox())
		skip();
	run_init(f, &r, argv);
	r.o.cwd = "/app/src";
	assert_int_equal(sandbox_run(&r.o, &f->err), 0);
	assert_string_equal(run_output(&r), "[2/5] /app/src\n");
	assert_int_equal(upper_diff(r.upper, 0, &f->t, &f->err), 0);
	get(f, "app");
	get(f, "app/src");
	assert_int_equal(get(f, "app/src/here")->size, 5);
	assert_int_equal(f->t.n, 3); /* no /proc, /dev, /etc/hosts... */
}

static void test_sandbox_exec_failure_names_the_command(void **state)
{
	struct fixture *f = *state;
	struct run r;
	char *argv[] = {"no-such-tool", "--help", NULL};

	if (!can_sandbox())
		skip();
	run_init(f, &r, argv);
	assert_int_equal(sandbox_run(&r.o, &f->err), -1);
	run_output(&r);
	assert_string_equal(
	    f->err.msg,
	    "RUN: exec \"no-such-tool\": No such file or directory");
}

static void test_sandbox_setup_failure_is_one_sentence(void **state)
{
	struct fixture *f = *state;
	struct run r;
	char *argv[] = {"true", NULL};

	if (!can_sandbox())
		skip();
	run_init(f, &r, argv);
	r.lowers[1] = p(f, "missing");
	r.o.n_lowers = 2;
	assert_int_equal(sandbox_run(&r.o, &f->err), -1);
	run_output(&r);
	assert_non_null(strstr(f->err.msg, "RUN sandbox: open lower dir "));
	assert_non_null(
	    strstr(f->err.msg, "missing: No such file or directory"));
}

static void test_sandbox_rejects_bad_options(void **state)
{
	struct fixture *f = *state;
	struct run r;
	char *argv[] = {"true", NULL};
	struct sandbox_mount m = {.type = SANDBOX_MOUNT_TMPFS,
				  .target = "/a/../../x"};

	run_init(f, &r, argv);
	r.o.mounts = &m;
	r.o.n_mounts = 1;
	assert_int_equal(sandbox_run(&r.o, &f->err), -1);
	assert_non_null(strstr(f->err.msg, "mount target \"/a/../../x\""));
	r.o.n_mounts = 0;
	r.o.cwd = "relative";
	assert_int_equal(sandbox_run(&r.o, &f->err), -1);
	assert_non_null(strstr(f->err.msg, "is not absolute"));
	run_output(&r);
}

static void test_sandbox_stubs_for_a_dangling_resolv_conf_stay_out(void **state)
{
	struct fixture *f = *state;
	struct run r;
	char *argv[] = {"sh", "-c", "ls /run; echo made > /run/x", NULL};

	if (!can_sandbox())
		skip();
	run_init(f, &r, argv);
	assert_int_equal(mkdir(p(f, "root/etc"), 0755), 0);
	assert_int_equal(
	    symlink("../run/resolv.conf", p(f, "root/etc/resolv.conf")), 0);
	r.o.network = SANDBOX_NET_HOST;
	assert_int_equal(sandbox_run(&r.o, &f->err), 0);
	assert_string_equal(run_output(&r), "[2/5] resolv.conf\n");
	assert_int_equal(upper_diff(r.upper, 0, &f->t, &f->err), 0);
	assert_null(fs_tree_get(&f->t, "run"));
	assert_null(fs_tree_get(&f->t, "run/resolv.conf"));
	get(f, "run/x");
	assert_int_equal(f->t.n, 1);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_upper_diff_turns_overlay_marks_into_oci_ones),
	    T(test_upper_diff_keeps_files_links_owners_and_xattrs),
	    T(test_upper_diff_drops_the_sandbox_stubs_only),
	    T(test_upper_diff_refuses_what_a_layer_cannot_hold),
	    T(test_sandbox_exit_code_is_an_error_quoting_the_tail),
	    T(test_sandbox_success_and_cwd_created_in_the_layer),
	    T(test_sandbox_exec_failure_names_the_command),
	    T(test_sandbox_setup_failure_is_one_sentence),
	    T(test_sandbox_rejects_bad_options),
	    T(test_sandbox_stubs_for_a_dangling_resolv_conf_stay_out),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
