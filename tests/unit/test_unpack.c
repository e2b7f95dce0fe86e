/* test_unpack: layer_unpack on tars written here with libarchive: what a
 * layer carries is kept (modes, owners, mtimes, xattrs, links, whiteouts),
 * and hostile entries (../, absolute names, writes through symlinks and
 * hard links, a whiteout of "..") are rejected or contained, with nothing
 * written outside the unpack root and no half-unpacked directory left. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "unit_tmp.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "../../oci/kerr.h"
#include "../../oci/strbuf.h"
#include "../../oci/unpack.h"

/* base/outside/target is what a hostile layer aims at; base/cache/x is
 * where it is unpacked. */
struct fixture {
	char base[64];
	char tar[128];
	char dest[128];
	char outside[128];
	struct archive *a;
	struct kerr err;
};

static void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static char *read_text(const char *path)
{
	static char buf[256];
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	strcpy(f->base, "/tmp/kiln-test-unpack-XXXXXX");
	assert_non_null(mkdtemp(f->base));
	snprintf(f->tar, sizeof(f->tar), "%s/layer.tar", f->base);
	snprintf(f->dest, sizeof(f->dest), "%s/cache/x", f->base);
	snprintf(f->outside, sizeof(f->outside), "%s/outside", f->base);
	assert_int_equal(mkdir(f->outside, 0755), 0);
	struct strbuf p = STRBUF_INIT;
	sb_addf(&p, "%s/target", f->outside);
	write_text(p.buf, "precious\n");
	sb_release(&p);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	if (f->a)
		archive_write_free(f->a);
	unit_rm_rf(f->base);
	free(f);
	return 0;
}

/* Starts a pax tar at f->tar, compressed with filter (NULL: none). */
static void tar_begin(struct fixture *f, const char *filter)
{
	f->a = archive_write_new();
	assert_int_equal(archive_write_set_format_pax_restricted(f->a),
			 ARCHIVE_OK);
	if (filter && !strcmp(filter, "gzip"))
		assert_int_equal(archive_write_add_filter_gzip(f->a),
				 ARCHIVE_OK);
	if (filter && !strcmp(filter, "zstd"))
		assert_int_equal(archive_write_add_filter_zstd(f->a),
				 ARCHIVE_OK);
	assert_int_equal(archive_write_open_filename(f->a, f->tar), ARCHIVE_OK);
}

static void tar_end(struct fixture *f)
{
	assert_int_equal(archive_write_close(f->a), ARCHIVE_OK);
	archive_write_free(f->a);
	f->a = NULL;
}

static struct archive_entry *entry(const char *name, mode_t type, unsigned mode)
{
	struct archive_entry *ae = archive_entry_new();
	archive_entry_set_pathname(ae, name);
	archive_entry_set_filetype(ae, type);
	archive_entry_set_perm(ae, mode);
	archive_entry_set_mtime(ae, 1000, 0);
	return ae;
}

static void put(struct fixture *f, struct archive_entry *ae, const char *data)
{
	if (data)
		archive_entry_set_size(ae, (la_int64_t)strlen(data));
	assert_int_equal(archive_write_header(f->a, ae), ARCHIVE_OK);
	if (data && *data)
		assert_int_equal(archive_write_data(f->a, data, strlen(data)),
				 (la_ssize_t)strlen(data));
	archive_entry_free(ae);
}

static void put_file(struct fixture *f, const char *name, const char *data)
{
	put(f, entry(name, AE_IFREG, 0644), data);
}

static void put_dir(struct fixture *f, const char *name)
{
	put(f, entry(name, AE_IFDIR, 0755), NULL);
}

static void put_symlink(struct fixture *f, const char *name, const char *target)
{
	struct archive_entry *ae = entry(name, AE_IFLNK, 0777);
	archive_entry_set_symlink(ae, target);
	put(f, ae, NULL);
}

static void put_hardlink(struct fixture *f, const char *name,
			 const char *target)
{
	struct archive_entry *ae = entry(name, AE_IFREG, 0644);
	archive_entry_set_hardlink(ae, target);
	put(f, ae, NULL);
}

static const char *in_dest(struct fixture *f, const char *rel)
{
	static char buf[512];
	snprintf(buf, sizeof(buf), "%s/%s", f->dest, rel);
	return buf;
}

/* Nothing but the fixture's own files beside the unpack root: the target
 * is intact and alone, and no temp dir was left behind. */
static void assert_nothing_outside(struct fixture *f)
{
	struct strbuf p = STRBUF_INIT;
	sb_addf(&p, "%s/target", f->outside);
	assert_string_equal(read_text(p.buf), "precious\n");
	sb_release(&p);

	const char *allowed[] = {".", "..", "outside", "layer.tar", "cache"};
	DIR *d = opendir(f->base);
	assert_non_null(d);
	for (struct dirent *de; (de = readdir(d));) {
		bool ok = false;
		for (size_t i = 0; i < sizeof(allowed) / sizeof(*allowed); i++)
			ok = ok || !strcmp(de->d_name, allowed[i]);
		if (!ok)
			fail_msg("unexpected %s/%s", f->base, de->d_name);
	}
	closedir(d);
	d = opendir(f->outside);
	assert_non_null(d);
	int n = 0;
	for (struct dirent *de; (de = readdir(d));)
		n++;
	closedir(d);
	assert_int_equal(n, 3); /* ".", ".." and target */

	struct strbuf cache = STRBUF_INIT;
	sb_addf(&cache, "%s/cache", f->base);
	d = opendir(cache.buf);
	sb_release(&cache);
	if (!d)
		return;
	for (struct dirent *de; (de = readdir(d));)
		if (strstr(de->d_name, ".tmp-"))
			fail_msg("temp dir %s left behind", de->d_name);
	closedir(d);
}

/* The unpack failed with a message matching want and left no dest. */
static void assert_rejected(struct fixture *f, const char *want)
{
	struct stat st;
	kerr_clear(&f->err);
	assert_int_equal(layer_unpack(f->tar, f->dest, &f->err), -1);
	if (!strstr(f->err.msg, want))
		fail_msg("error \"%s\" does not say \"%s\"", f->err.msg, want);
	assert_int_equal(stat(f->dest, &st), -1);
	assert_nothing_outside(f);
}

static void unpack_ok(struct fixture *f)
{
	kerr_clear(&f->err);
	if (layer_unpack(f->tar, f->dest, &f->err) < 0)
		fail_msg("layer_unpack: %s", f->err.msg);
	assert_nothing_outside(f);
}

static void test_unpack_keeps_modes_owners_mtimes_xattrs_and_links(void **state)
{
	struct fixture *f = *state;
	struct stat st, st2;
	char buf[64];

	tar_begin(f, "gzip");
	struct archive_entry *ae = entry("./app/", AE_IFDIR, 0750);
	archive_entry_set_mtime(ae, 777, 0);
	archive_entry_set_uid(ae, 1000);
	put(f, ae, NULL);
	ae = entry("./app/run", AE_IFREG, 04755);
	archive_entry_set_uid(ae, 1000);
	archive_entry_set_gid(ae, 1001);
	archive_entry_set_mtime(ae, 12345, 500);
	archive_entry_xattr_add_entry(ae, "user.kiln", "yes", 3);
	archive_entry_xattr_add_entry(ae, "trusted.overlay.redirect", "/x", 2);
	put(f, ae, "#!/bin/sh\n");
	put_symlink(f, "app/passwd", "/etc/passwd");
	put_hardlink(f, "app/run2", "./app/run");
	put(f, entry("app/fifo", AE_IFIFO, 0640), NULL);
	ae = entry("deep/er/null", AE_IFCHR, 0666);
	archive_entry_set_rdevmajor(ae, 1);
	archive_entry_set_rdevminor(ae, 3);
	put(f, ae, NULL);
	tar_end(f);
	unpack_ok(f);

	assert_int_equal(stat(f->dest, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0755);
	assert_int_equal(lstat(in_dest(f, "app"), &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0750);
	assert_int_equal(st.st_uid, 1000);
	assert_int_equal(st.st_mtime, 777); /* set after its children */
	assert_int_equal(lstat(in_dest(f, "app/run"), &st), 0);
	assert_int_equal(st.st_mode & 07777, 04755);
	assert_int_equal(st.st_uid, 1000);
	assert_int_equal(st.st_gid, 1001);
	assert_int_equal(st.st_mtim.tv_sec, 12345);
	assert_int_equal(st.st_mtim.tv_nsec, 500);
	assert_int_equal(st.st_nlink, 2);
	assert_string_equal(read_text(in_dest(f, "app/run")), "#!/bin/sh\n");
	ssize_t n =
	    getxattr(in_dest(f, "app/run"), "user.kiln", buf, sizeof(buf));
	assert_int_equal(n, 3);
	assert_memory_equal(buf, "yes", 3);
	assert_int_equal(getxattr(in_dest(f, "app/run"),
				  "trusted.overlay.redirect", buf, sizeof(buf)),
			 -1);
	assert_int_equal(lstat(in_dest(f, "app/run2"), &st2), 0);
	assert_int_equal(st.st_ino, st2.st_ino);
	n = readlink(in_dest(f, "app/passwd"), buf, sizeof(buf));
	assert_int_equal(n, 11);
	assert_memory_equal(buf, "/etc/passwd", 11);
	assert_int_equal(lstat(in_dest(f, "app/fifo"), &st), 0);
	assert_true(S_ISFIFO(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0640);
	assert_int_equal(lstat(in_dest(f, "deep/er"), &st), 0);
	assert_int_equal(st.st_mode & 07777, 0755); /* implied parent */
	assert_int_equal(lstat(in_dest(f, "deep/er/null"), &st), 0);
	if (geteuid() == 0) {
		assert_true(S_ISCHR(st.st_mode));
		assert_int_equal(st.st_rdev, makedev(1, 3));
	}
}

static void test_unpack_reads_zstd_and_plain_tars(void **state)
{
	struct fixture *f = *state;

	tar_begin(f, "zstd");
	put_file(f, "z", "zstd\n");
	tar_end(f);
	unpack_ok(f);
	assert_string_equal(read_text(in_dest(f, "z")), "zstd\n");

	strcat(f->dest, "-plain");
	tar_begin(f, NULL);
	put_file(f, "p", "plain\n");
	tar_end(f);
	unpack_ok(f);
	assert_string_equal(read_text(in_dest(f, "p")), "plain\n");
}

static void test_oci_whiteouts_become_overlay_whiteouts(void **state)
{
	struct fixture *f = *state;
	struct stat st;
	char v[8];

	if (geteuid() != 0)
		skip();
	tar_begin(f, NULL);
	put_dir(f, "d");
	put_file(f, "d/.wh.gone", "");
	put_dir(f, "e");
	put_file(f, "e/.wh..wh..opq", "");
	put_file(f, "e/kept", "k");
	put_file(f, ".wh..wh.plnk/123", "aufs");
	tar_end(f);
	unpack_ok(f);

	assert_int_equal(lstat(in_dest(f, "d/gone"), &st), 0);
	assert_true(S_ISCHR(st.st_mode));
	assert_int_equal(st.st_rdev, makedev(0, 0));
	assert_int_equal(lstat(in_dest(f, "d/.wh.gone"), &st), -1);
	assert_int_equal(
	    lgetxattr(in_dest(f, "e"), "trusted.overlay.opaque", v, sizeof(v)),
	    1);
	assert_int_equal(v[0], 'y');
	assert_int_equal(lstat(in_dest(f, "e/.wh..wh..opq"), &st), -1);
	assert_int_equal(lstat(in_dest(f, "e/kept"), &st), 0);
	assert_int_equal(lstat(in_dest(f, ".wh..wh.plnk"), &st), -1);
}

static void test_dotdot_entry_is_rejected(void **state)
{
	struct fixture *f = *state;

	tar_begin(f, NULL);
	put_file(f, "ok", "fine");
	put_file(f, "../outside/evil", "pwned");
	tar_end(f);
	assert_rejected(f, "\"../outside/evil\" leaves the layer root");
}

static void test_dotdot_inside_a_name_is_rejected(void **state)
{
	struct fixture *f = *state;

	tar_begin(f, NULL);
	put_file(f, "a/../../../outside/evil", "pwned");
	tar_end(f);
	assert_rejected(f, "leaves the layer root");
}

static void test_absolute_entry_is_rejected(void **state)
{
	struct fixture *f = *state;
	struct strbuf name = STRBUF_INIT;

	sb_addf(&name, "%s/evil", f->outside);
	tar_begin(f, NULL);
	put_file(f, name.buf, "pwned");
	tar_end(f);
	sb_release(&name);
	assert_rejected(f, "leaves the layer root");
}

static void test_write_through_absolute_symlink_stays_inside(void **state)
{
	struct fixture *f = *state;

	/* x -> base/outside: x/evil would be base/outside/evil on the host;
	 * inside the root that directory does not exist. */
	tar_begin(f, NULL);
	put_symlink(f, "x", f->outside);
	put_file(f, "x/evil", "pwned");
	tar_end(f);
	assert_rejected(f, "x is a symlink to nothing");
}

static void test_write_through_escaping_symlink_lands_in_root(void **state)
{
	struct fixture *f = *state;
	struct stat st;

	/* ".." past the root stays at the root, as in a chroot */
	tar_begin(f, NULL);
	put_symlink(f, "up", "../../../../../../..");
	put_file(f, "up/evil", "contained");
	put_symlink(f, "abs", "/");
	put_file(f, "abs/evil2", "contained");
	tar_end(f);
	unpack_ok(f);
	assert_string_equal(read_text(in_dest(f, "evil")), "contained");
	assert_string_equal(read_text(in_dest(f, "evil2")), "contained");
	assert_int_equal(lstat(in_dest(f, "up"), &st), 0);
	assert_true(S_ISLNK(st.st_mode));
}

static void test_file_over_symlink_replaces_the_symlink(void **state)
{
	struct fixture *f = *state;
	struct strbuf target = STRBUF_INIT;
	struct stat st;

	sb_addf(&target, "%s/target", f->outside);
	tar_begin(f, NULL);
	put_symlink(f, "s", target.buf);
	put_file(f, "s", "pwned");
	put_symlink(f, "s2", target.buf);
	put_hardlink(f, "h", "s2"); /* a link to the symlink itself */
	put_file(f, "h", "pwned");
	tar_end(f);
	sb_release(&target);
	unpack_ok(f);
	assert_int_equal(lstat(in_dest(f, "s"), &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_string_equal(read_text(in_dest(f, "s")), "pwned");
	assert_int_equal(lstat(in_dest(f, "s2"), &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	assert_int_equal(lstat(in_dest(f, "h"), &st), 0);
	assert_true(S_ISREG(st.st_mode));
}

static void test_hardlink_out_of_the_root_is_rejected(void **state)
{
	struct fixture *f = *state;

	tar_begin(f, NULL);
	put_hardlink(f, "h", "../outside/target");
	tar_end(f);
	assert_rejected(f, "hard link h -> \"../outside/target\" leaves");
}

static void test_hardlink_to_absolute_path_is_rejected(void **state)
{
	struct fixture *f = *state;

	tar_begin(f, NULL);
	put_hardlink(f, "h", "/etc/passwd");
	tar_end(f);
	assert_rejected(f, "leaves the layer root");
}

static void test_hardlink_through_symlink_stays_inside(void **state)
{
	struct fixture *f = *state;

	/* dir -> base/outside, then h linked to dir/target: resolved inside
	 * the root, where there is no such file. */
	tar_begin(f, NULL);
	put_symlink(f, "dir", f->outside);
	put_hardlink(f, "h", "dir/target");
	tar_end(f);
	assert_rejected(f, "hard link h -> dir/target");
}

static void test_whiteout_of_dotdot_is_rejected(void **state)
{
	struct fixture *f = *state;

	tar_begin(f, NULL);
	put_dir(f, "d");
	put_file(f, "d/.wh..", "");
	tar_end(f);
	assert_rejected(f, "whiteout d/.wh.. names no entry");
}

static void test_dir_replaces_file_and_file_replaces_dir(void **state)
{
	struct fixture *f = *state;
	struct stat st;

	tar_begin(f, NULL);
	put_file(f, "a", "file");
	put_dir(f, "a");
	put_file(f, "a/in", "x");
	put_dir(f, "b");
	put_file(f, "b/in", "x");
	put_file(f, "b", "file now");
	tar_end(f);
	unpack_ok(f);
	assert_int_equal(lstat(in_dest(f, "a/in"), &st), 0);
	assert_string_equal(read_text(in_dest(f, "b")), "file now");
}

static void test_existing_dest_is_taken_as_complete(void **state)
{
	struct fixture *f = *state;

	tar_begin(f, NULL);
	put_file(f, "new", "new");
	tar_end(f);
	struct strbuf p = STRBUF_INIT;
	sb_addf(&p, "%s/cache", f->base);
	assert_int_equal(mkdir(p.buf, 0755), 0);
	assert_int_equal(mkdir(f->dest, 0755), 0);
	sb_release(&p);
	unpack_ok(f);
	assert_null(read_text(in_dest(f, "new")));
}

static void test_corrupt_layer_leaves_no_directory(void **state)
{
	struct fixture *f = *state;

	tar_begin(f, "gzip");
	put_file(f, "a", "some content that will be cut off");
	tar_end(f);
	assert_int_equal(truncate(f->tar, 30), 0);
	assert_rejected(f, "unpacking layer");
}

static void test_layer_cache_dir_is_keyed_by_diff_id(void **state)
{
	(void)state;
	char *p = layer_cache_dir(
	    "/var/cache/kiln",
	    "sha256:"
	    "5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef");
	assert_string_equal(
	    p,
	    "/var/cache/kiln/layers/sha256/"
	    "5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef");
	free(p);
	assert_null(layer_cache_dir("/c", "sha256:../../etc"));
	assert_null(layer_cache_dir("/c", NULL));
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_unpack_keeps_modes_owners_mtimes_xattrs_and_links),
	    T(test_unpack_reads_zstd_and_plain_tars),
	    T(test_oci_whiteouts_become_overlay_whiteouts),
	    T(test_dotdot_entry_is_rejected),
	    T(test_dotdot_inside_a_name_is_rejected),
	    T(test_absolute_entry_is_rejected),
	    T(test_write_through_absolute_symlink_stays_inside),
	    T(test_write_through_escaping_symlink_lands_in_root),
	    T(test_file_over_symlink_replaces_the_symlink),
	    T(test_hardlink_out_of_the_root_is_rejected),
	    T(test_hardlink_to_absolute_path_is_rejected),
	    T(test_hardlink_through_symlink_stays_inside),
	    T(test_whiteout_of_dotdot_is_rejected),
	    T(test_dir_replaces_file_and_file_replaces_dir),
	    T(test_existing_dest_is_taken_as_complete),
	    T(test_corrupt_layer_leaves_no_directory),
	    T(test_layer_cache_dir_is_keyed_by_diff_id),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
