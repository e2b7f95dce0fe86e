/* test_oci_layer: the deterministic layer writer: order, duplicates, tar
 * headers, pax extensions, xattrs, hard links, compression headers and the
 * diffID/digest pair, each read back from the blob it wrote. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "unit_tmp.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <ftw.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../oci/blobstore.h"
#include "../../oci/digest.h"
#include "../../oci/layer.h"
#include "../../oci/media_types.h"

/* sha256 of 1024 zero bytes: the empty layer Docker and BuildKit write. */
#define EMPTY_TAR_DIFF_ID                                                      \
	"sha256:"                                                              \
	"5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef"

struct fixture {
	char dir[64];
	struct blobstore *bs;
	struct layer_entry e[16];
	size_t n;
	struct kerr err;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	strcpy(f->dir, "/tmp/kiln-test-layer-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	f->bs = blobstore_open(f->dir, &f->err);
	assert_non_null(f->bs);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	for (size_t i = 0; i < f->n; i++)
		layer_entry_free(&f->e[i]);
	blobstore_free(f->bs);
	unit_rm_rf(f->dir);
	free(f);
	return 0;
}

static struct layer_entry *add(struct fixture *f, const char *path,
			       enum layer_type type, unsigned mode)
{
	struct layer_entry *e = &f->e[f->n++];
	layer_entry_init(e, path, type, mode);
	return e;
}

static struct layer_entry *add_file(struct fixture *f, const char *path,
				    const char *text)
{
	struct layer_entry *e = add(f, path, LAYER_FILE, 0644);
	layer_entry_set_data(e, text, strlen(text));
	return e;
}

/* A small tree with a bit of everything. */
static void add_tree(struct fixture *f)
{
	add(f, "etc", LAYER_DIR, 0755);
	add_file(f, "etc/hostname", "kiln\n");
	add(f, "bin", LAYER_DIR, 0755);
	add(f, "bin/sh", LAYER_SYMLINK, 0777)->link = strdup("busybox");
	add_file(f, "bin/busybox", "#!/bin/true\n")->mode = 04755;
	add(f, "bin/ls", LAYER_HARDLINK, 0)->link = strdup("bin/busybox");
	strlist_push(&add(f, "var", LAYER_DIR, 01777)->xattrs, "user.b=2");
}

static int write_layer(struct fixture *f, enum layer_compression c,
		       struct layer_result *r)
{
	int ret = layer_write(f->e, f->n, 1700000000, c, f->bs, r, &f->err);
	if (ret < 0)
		print_message("layer_write: %s\n", f->err.msg);
	return ret;
}

/* One read-back entry. */
struct seen {
	char path[512];
	char link[512];
	unsigned type, mode;
	int64_t uid, gid, mtime;
	char data[64];
	int has_uname, has_atime, has_ctime;
};

static size_t read_layer(struct fixture *f, const char *digest,
			 struct seen *out, size_t max)
{
	char *path = blobstore_path(f->bs, digest);
	struct archive *a = archive_read_new();
	struct archive_entry *ae;
	size_t n = 0;

	archive_read_support_format_tar(a);
	archive_read_support_filter_all(a);
	assert_int_equal(archive_read_open_filename(a, path, 10240),
			 ARCHIVE_OK);
	while (archive_read_next_header(a, &ae) == ARCHIVE_OK && n < max) {
		struct seen *s = &out[n++];
		memset(s, 0, sizeof(*s));
		snprintf(s->path, sizeof(s->path), "%s",
			 archive_entry_pathname(ae));
		const char *l = archive_entry_hardlink(ae);
		if (!l)
			l = archive_entry_symlink(ae);
		snprintf(s->link, sizeof(s->link), "%s", l ? l : "");
		s->type = archive_entry_filetype(ae);
		s->mode = archive_entry_perm(ae);
		s->uid = archive_entry_uid(ae);
		s->gid = archive_entry_gid(ae);
		s->mtime = archive_entry_mtime(ae);
		s->has_uname =
		    archive_entry_uname(ae) && *archive_entry_uname(ae);
		s->has_atime = archive_entry_atime_is_set(ae);
		s->has_ctime = archive_entry_ctime_is_set(ae);
		archive_read_data(a, s->data, sizeof(s->data) - 1);
	}
	archive_read_free(a);
	free(path);
	return n;
}

/* The blob's bytes (small test blobs only). */
static char *read_blob(struct fixture *f, const char *digest, size_t *n)
{
	char *path = blobstore_path(f->bs, digest);
	FILE *fp = fopen(path, "rb");
	char *buf = malloc(1 << 20);
	assert_non_null(fp);
	*n = fread(buf, 1, 1 << 20, fp);
	fclose(fp);
	free(path);
	return buf;
}

static const char *find_bytes(const char *hay, size_t n, const char *needle)
{
	return memmem(hay, n, needle, strlen(needle));
}

static void
the_same_entries_given_in_another_order_give_the_same_diffid_and_digest(
    void **state)
{
	struct fixture *f = *state;
	enum layer_compression cs[] = {LAYER_GZIP, LAYER_ZSTD, LAYER_NONE};
	add_tree(f);
	for (size_t k = 0; k < 3; k++) {
		struct layer_result a, b;
		assert_int_equal(write_layer(f, cs[k], &a), 0);
		for (size_t i = 0; i < f->n / 2; i++) {
			struct layer_entry t = f->e[i];
			f->e[i] = f->e[f->n - 1 - i];
			f->e[f->n - 1 - i] = t;
		}
		assert_int_equal(write_layer(f, cs[k], &b), 0);
		assert_string_equal(a.diff_id, b.diff_id);
		assert_string_equal(a.digest, b.digest);
		assert_int_equal(a.size, b.size);
	}
}

static void
entries_are_sorted_bytewise_with_directories_ending_in_a_slash(void **state)
{
	struct fixture *f = *state;
	struct layer_result r;
	struct seen s[16];
	add_file(f, "a/b/c", "x");
	add_file(f, "a0", "x");
	add(f, "a/b", LAYER_DIR, 0755);
	add_file(f, "a-b", "x");
	add(f, "a", LAYER_DIR, 0755);
	add_file(f, "B", "x");
	assert_int_equal(write_layer(f, LAYER_NONE, &r), 0);
	/* "a-b" < "a/" since '-' < '/': bytewise, as the rule says, and the
	 * directory is still before everything under it. */
	const char *order[] = {"B", "a/", "a-b", "a/b/", "a/b/c", "a0"};
	assert_int_equal(read_layer(f, r.digest, s, 16), 6);
	for (int i = 0; i < 6; i++)
		assert_string_equal(s[i].path, order[i]);
}

static void
every_entry_has_the_given_mtime_numeric_owners_and_no_names(void **state)
{
	struct fixture *f = *state;
	struct layer_result r;
	struct seen s[16];
	add_tree(f);
	f->e[1].uid = 1000;
	f->e[1].gid = 2000;
	assert_int_equal(write_layer(f, LAYER_GZIP, &r), 0);
	size_t n = read_layer(f, r.digest, s, 16);
	assert_int_equal(n, 7);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(s[i].mtime, 1700000000);
		assert_false(s[i].has_uname);
		assert_false(s[i].has_atime);
		assert_false(s[i].has_ctime);
		assert_null(strstr(s[i].path, "./"));
		if (!strcmp(s[i].path, "etc/hostname")) {
			assert_int_equal(s[i].uid, 1000);
			assert_int_equal(s[i].gid, 2000);
			assert_string_equal(s[i].data, "kiln\n");
		}
		if (!strcmp(s[i].path, "bin/busybox"))
			assert_int_equal(s[i].mode, 04755);
		if (!strcmp(s[i].path, "var/"))
			assert_int_equal(s[i].mode, 01777);
	}
	assert_string_equal(r.media_type, OCI_MEDIA_LAYER_GZIP);
}

static void a_later_entry_with_the_same_path_wins(void **state)
{
	struct fixture *f = *state;
	struct layer_result r;
	struct seen s[4];
	add_file(f, "x", "first");
	add_file(f, "y", "other");
	add_file(f, "x", "second");
	assert_int_equal(write_layer(f, LAYER_NONE, &r), 0);
	assert_int_equal(read_layer(f, r.digest, s, 4), 2);
	assert_string_equal(s[0].path, "x");
	assert_string_equal(s[0].data, "second");
}

static void
a_file_with_a_long_path_gets_a_pax_header_and_still_reproduces(void **state)
{
	struct fixture *f = *state;
	struct layer_result a, b;
	struct seen s[4];
	char longname[300], *blob;
	size_t n;
	/* No split into a 155-byte prefix and a 100-byte name fits. */
	memset(longname, 'n', 160);
	strcpy(longname + 160, "/file");
	add_file(f, longname, "deep");
	assert_int_equal(write_layer(f, LAYER_NONE, &a), 0);
	assert_int_equal(write_layer(f, LAYER_NONE, &b), 0);
	assert_string_equal(a.diff_id, b.diff_id);
	blob = read_blob(f, a.digest, &n);
	assert_non_null(find_bytes(blob, n, "PaxHeader/"));
	assert_non_null(find_bytes(blob, n, " path=nnnn"));
	/* Nothing but the path needed an extension. */
	assert_null(find_bytes(blob, n, "mtime="));
	assert_null(find_bytes(blob, n, "atime="));
	free(blob);
	assert_int_equal(read_layer(f, a.digest, s, 4), 1);
	assert_string_equal(s[0].path, longname);
}

static void a_short_path_gets_no_pax_header(void **state)
{
	struct fixture *f = *state;
	struct layer_result r;
	size_t n;
	add(f, "etc", LAYER_DIR, 0755);
	add_file(f, "etc/hostname", "kiln\n")->uid = 65534;
	add(f, "bin/sh", LAYER_SYMLINK, 0777)->link = strdup("busybox");
	add(f, "bin/ls", LAYER_HARDLINK, 0)->link = strdup("etc/hostname");
	assert_int_equal(write_layer(f, LAYER_NONE, &r), 0);
	char *blob = read_blob(f, r.digest, &n);
	assert_null(find_bytes(blob, n, "PaxHeader"));
	assert_non_null(find_bytes(blob, n, "ustar"));
	free(blob);
}

static void xattrs_are_written_sorted_as_schily_records(void **state)
{
	struct fixture *f = *state;
	struct layer_result r;
	size_t n;
	struct layer_entry *e = add(f, "f", LAYER_FILE, 0644);
	strlist_push(&e->xattrs, "user.z=last");
	strlist_push(&e->xattrs, "security.capability=cap");
	strlist_push(&e->xattrs, "user.a=first");
	strlist_push(&e->xattrs, "user.a.b=middle");
	assert_int_equal(write_layer(f, LAYER_NONE, &r), 0);
	char *blob = read_blob(f, r.digest, &n);
	const char *cap =
	    find_bytes(blob, n, "SCHILY.xattr.security.capability=cap\n");
	const char *a = find_bytes(blob, n, "SCHILY.xattr.user.a=first\n");
	const char *ab = find_bytes(blob, n, "SCHILY.xattr.user.a.b=middle\n");
	const char *z = find_bytes(blob, n, "SCHILY.xattr.user.z=last\n");
	assert_true(cap && a && ab && z);
	assert_true(cap < a && a < ab && ab < z);
	assert_null(find_bytes(blob, n, "LIBARCHIVE.xattr"));
	free(blob);
}

static void hard_links_point_to_the_first_path_of_their_group(void **state)
{
	struct fixture *f = *state;
	struct layer_result r;
	struct seen s[4];
	/* The content lives at "z"; "a" and "m" link to it, "m" through "a". */
	add_file(f, "z", "content")->mode = 0700;
	add(f, "a", LAYER_HARDLINK, 0)->link = strdup("z");
	add(f, "m", LAYER_HARDLINK, 0)->link = strdup("a");
	assert_int_equal(write_layer(f, LAYER_NONE, &r), 0);
	assert_int_equal(read_layer(f, r.digest, s, 4), 3);
	assert_string_equal(s[0].path, "a");
	assert_int_equal(s[0].type, AE_IFREG);
	assert_string_equal(s[0].link, "");
	assert_string_equal(s[0].data, "content");
	assert_int_equal(s[0].mode, 0700);
	assert_string_equal(s[1].path, "m");
	assert_string_equal(s[1].link, "a");
	assert_string_equal(s[2].path, "z");
	assert_string_equal(s[2].link, "a");
	assert_int_equal(s[2].mode, 0700);
}

static void a_hard_link_outside_the_layer_is_an_error(void **state)
{
	struct fixture *f = *state;
	struct layer_result r;
	add(f, "a", LAYER_HARDLINK, 0)->link = strdup("gone");
	assert_int_equal(write_layer(f, LAYER_GZIP, &r), -1);
	assert_string_equal(
	    f->err.msg, "writing a layer: layer entry a: hard link target gone "
			"is not in the layer");
}

static void hard_links_in_a_loop_are_an_error(void **state)
{
	struct fixture *f = *state;
	struct layer_result r;
	add(f, "a", LAYER_HARDLINK, 0)->link = strdup("b");
	add(f, "b", LAYER_HARDLINK, 0)->link = strdup("a");
	assert_int_equal(write_layer(f, LAYER_GZIP, &r), -1);
	assert_non_null(strstr(f->err.msg, "hard links form a loop"));
}

static void unclean_paths_are_refused_and_name_the_path(void **state)
{
	struct fixture *f = *state;
	struct layer_result r;
	const char *bad[] = {"./a", "/a", "a/", "a//b", "a/../b", "..", ""};
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		struct layer_entry e;
		layer_entry_init(&e, bad[i], LAYER_DIR, 0755);
		assert_int_equal(
		    layer_write(&e, 1, 0, LAYER_NONE, f->bs, &r, &f->err), -1);
		char want[64];
		snprintf(want, sizeof(want), "layer entry \"%s\"", bad[i]);
		assert_non_null(strstr(f->err.msg, want));
		layer_entry_free(&e);
	}
}

static void gzip_header_has_mtime_0_no_name_and_a_fixed_os_byte(void **state)
{
	struct fixture *f = *state;
	struct layer_result r;
	size_t n;
	add_tree(f);
	assert_int_equal(write_layer(f, LAYER_GZIP, &r), 0);
	unsigned char *b = (unsigned char *)read_blob(f, r.digest, &n);
	assert_true(n > 18);
	assert_int_equal(b[0], 0x1f);
	assert_int_equal(b[1], 0x8b);
	assert_int_equal(b[2], 8);  /* deflate */
	assert_int_equal(b[3], 0);  /* flags: no name, no comment */
	for (int i = 4; i < 8; i++) /* mtime */
		assert_int_equal(b[i], 0);
	assert_int_equal(b[9], 3); /* OS: Unix */
	free(b);
}

static void zstd_blob_starts_with_the_zstd_magic(void **state)
{
	struct fixture *f = *state;
	struct layer_result r;
	size_t n;
	add_tree(f);
	assert_int_equal(write_layer(f, LAYER_ZSTD, &r), 0);
	unsigned char *b = (unsigned char *)read_blob(f, r.digest, &n);
	assert_memory_equal(b, "\x28\xb5\x2f\xfd", 4);
	assert_string_equal(r.media_type, OCI_MEDIA_LAYER_ZSTD);
	free(b);
}

/* sha256 of the decompressed blob, through libarchive's own reader. */
static void digest_decompressed(struct fixture *f, const char *digest,
				char out[DIGEST_BUFSZ])
{
	char *path = blobstore_path(f->bs, digest);
	struct archive *a = archive_read_new();
	struct archive_entry *ae;
	struct sha256 h;
	char buf[4096];
	la_ssize_t n;
	archive_read_support_format_raw(a);
	archive_read_support_filter_all(a);
	assert_int_equal(archive_read_open_filename(a, path, 10240),
			 ARCHIVE_OK);
	assert_int_equal(archive_read_next_header(a, &ae), ARCHIVE_OK);
	sha256_init(&h);
	while ((n = archive_read_data(a, buf, sizeof(buf))) > 0)
		sha256_update(&h, buf, (size_t)n);
	sha256_final(&h, out);
	archive_read_free(a);
	free(path);
}

static void diffid_is_the_digest_of_the_uncompressed_tar(void **state)
{
	struct fixture *f = *state;
	struct layer_result gz, zs, raw;
	char got[DIGEST_BUFSZ];
	add_tree(f);
	assert_int_equal(write_layer(f, LAYER_GZIP, &gz), 0);
	assert_int_equal(write_layer(f, LAYER_ZSTD, &zs), 0);
	assert_int_equal(write_layer(f, LAYER_NONE, &raw), 0);
	assert_string_equal(raw.digest, raw.diff_id);
	assert_string_equal(gz.diff_id, raw.diff_id);
	assert_string_equal(zs.diff_id, raw.diff_id);
	assert_string_not_equal(gz.digest, gz.diff_id);
	digest_decompressed(f, gz.digest, got);
	assert_string_equal(got, gz.diff_id);
	digest_decompressed(f, zs.digest, got);
	assert_string_equal(got, zs.diff_id);
	assert_string_equal(raw.media_type, OCI_MEDIA_LAYER);
}

static void an_empty_layer_is_the_two_end_blocks_docker_writes(void **state)
{
	struct fixture *f = *state;
	struct layer_result r;
	assert_int_equal(write_layer(f, LAYER_NONE, &r), 0);
	assert_string_equal(r.diff_id, EMPTY_TAR_DIFF_ID);
	assert_int_equal(r.size, 1024);
	assert_int_equal(write_layer(f, LAYER_GZIP, &r), 0);
	assert_string_equal(r.diff_id, EMPTY_TAR_DIFF_ID);
}

static void file_content_streams_from_a_host_file(void **state)
{
	struct fixture *f = *state;
	struct layer_result a, b;
	char src[128], *blob;
	size_t n, big = 300 * 1024 + 7;
	snprintf(src, sizeof(src), "%s/src", f->dir);
	FILE *fp = fopen(src, "wb");
	for (size_t i = 0; i < big; i++)
		fputc((int)(i * 7 % 251), fp);
	fclose(fp);
	add(f, "big", LAYER_FILE, 0644)->src_path = strdup(src);
	assert_int_equal(write_layer(f, LAYER_NONE, &a), 0);
	blob = read_blob(f, a.digest, &n);
	assert_int_equal(n, 512 + ((big + 511) / 512) * 512 + 1024);
	for (size_t i = 0; i < big; i += 4099)
		assert_int_equal((unsigned char)blob[512 + i], i * 7 % 251);
	free(blob);
	/* The same bytes from memory give the same layer. */
	layer_entry_free(&f->e[0]);
	blob = malloc(big);
	for (size_t i = 0; i < big; i++)
		blob[i] = (char)(i * 7 % 251);
	layer_entry_init(&f->e[0], "big", LAYER_FILE, 0644);
	layer_entry_set_data(&f->e[0], blob, big);
	free(blob);
	assert_int_equal(write_layer(f, LAYER_NONE, &b), 0);
	assert_string_equal(a.diff_id, b.diff_id);
}

static void a_source_that_is_a_symlink_is_refused(void **state)
{
	struct fixture *f = *state;
	struct layer_result r;
	char link[128];
	snprintf(link, sizeof(link), "%s/link", f->dir);
	assert_int_equal(symlink("/etc/hostname", link), 0);
	add(f, "x", LAYER_FILE, 0644)->src_path = strdup(link);
	assert_int_equal(write_layer(f, LAYER_NONE, &r), -1);
	assert_non_null(strstr(f->err.msg, link));
}

static void non_ascii_names_give_the_same_bytes_in_any_locale(void **state)
{
	struct fixture *f = *state;
	struct layer_result a, b;
	size_t n;
	add_file(f, "caf\xc3\xa9", "utf-8 name");
	add_file(f, "raw\xff", "not utf-8");
	assert_non_null(setlocale(LC_ALL, "C"));
	assert_int_equal(write_layer(f, LAYER_NONE, &a), 0);
	if (setlocale(LC_ALL, "C.UTF-8"))
		assert_int_equal(write_layer(f, LAYER_NONE, &b), 0);
	else
		b = a;
	setlocale(LC_ALL, "C");
	assert_string_equal(a.diff_id, b.diff_id);
	char *blob = read_blob(f, a.digest, &n);
	assert_non_null(find_bytes(blob, n, "path=caf\xc3\xa9\n"));
	free(blob);
}

static void the_compressor_is_described_with_its_level(void **state)
{
	(void)state;
	struct strbuf sb = STRBUF_INIT;
	layer_compressor_describe(LAYER_GZIP, &sb);
	assert_true(!strncmp(sb_str(&sb), "gzip level 6 (zlib ", 19));
	sb_reset(&sb);
	layer_compressor_describe(LAYER_ZSTD, &sb);
	assert_true(!strncmp(sb_str(&sb), "zstd level 3 (libzstd ", 22));
	sb_reset(&sb);
	layer_compressor_describe(LAYER_NONE, &sb);
	assert_string_equal(sb_str(&sb), "none");
	sb_release(&sb);
}

static void a_failed_layer_leaves_no_temp_file(void **state)
{
	struct fixture *f = *state;
	struct layer_result r;
	char dir[128];
	add(f, "x", LAYER_FILE, 0644)->src_path = strdup("/nonexistent/kiln");
	assert_int_equal(write_layer(f, LAYER_GZIP, &r), -1);
	snprintf(dir, sizeof(dir), "%s/blobs/sha256", f->dir);
	assert_int_equal(rmdir(dir), 0); /* empty */
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(the_same_entries_given_in_another_order_give_the_same_diffid_and_digest),
	    T(entries_are_sorted_bytewise_with_directories_ending_in_a_slash),
	    T(every_entry_has_the_given_mtime_numeric_owners_and_no_names),
	    T(a_later_entry_with_the_same_path_wins),
	    T(a_file_with_a_long_path_gets_a_pax_header_and_still_reproduces),
	    T(a_short_path_gets_no_pax_header),
	    T(xattrs_are_written_sorted_as_schily_records),
	    T(hard_links_point_to_the_first_path_of_their_group),
	    T(a_hard_link_outside_the_layer_is_an_error),
	    T(hard_links_in_a_loop_are_an_error),
	    T(unclean_paths_are_refused_and_name_the_path),
	    T(gzip_header_has_mtime_0_no_name_and_a_fixed_os_byte),
	    T(zstd_blob_starts_with_the_zstd_magic),
	    T(diffid_is_the_digest_of_the_uncompressed_tar),
	    T(an_empty_layer_is_the_two_end_blocks_docker_writes),
	    T(file_content_streams_from_a_host_file),
	    T(a_source_that_is_a_symlink_is_refused),
	    T(non_ascii_names_give_the_same_bytes_in_any_locale),
	    T(the_compressor_is_described_with_its_level),
	    T(a_failed_layer_leaves_no_temp_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
