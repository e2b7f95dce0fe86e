/* test_oci_blobstore: the content-addressed store and sha256 digests: a
 * blob's name always matches its content, failed or dead writers leave no
 * blob, and concurrent writers of one blob all succeed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "unit_tmp.h"

#include <dirent.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../oci/blobstore.h"
#include "../../oci/digest.h"

#define ABC_DIGEST                                                             \
	"sha256:"                                                              \
	"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
#define EMPTY_DIGEST                                                           \
	"sha256:"                                                              \
	"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

struct fixture {
	char dir[64];
	char blobdir[128];
	struct blobstore *bs;
	struct kerr err;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	strcpy(f->dir, "/tmp/kiln-test-blobs-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->blobdir, sizeof(f->blobdir), "%s/blobs/sha256", f->dir);
	f->bs = blobstore_open(f->dir, &f->err);
	assert_non_null(f->bs);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	blobstore_free(f->bs);
	unit_rm_rf(f->dir);
	free(f);
	return 0;
}

/* Counts the directory's files: blobs, and temp files apart. */
static void count_files(const char *dir, int *blobs, int *temps)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	*blobs = *temps = 0;
	assert_non_null(d);
	while ((de = readdir(d))) {
		if (!strncmp(de->d_name, ".tmp-", 5))
			(*temps)++;
		else if (de->d_name[0] != '.')
			(*blobs)++;
	}
	closedir(d);
}

static void put_stores_a_blob_named_by_its_sha256(void **state)
{
	struct fixture *f = *state;
	char d[DIGEST_BUFSZ], want[256];
	struct stat st;
	assert_int_equal(blobstore_put(f->bs, "abc", 3, d, &f->err), 0);
	assert_string_equal(d, ABC_DIGEST);
	assert_true(blobstore_has(f->bs, d));
	char *p = blobstore_path(f->bs, d);
	snprintf(want, sizeof(want), "%s/%s", f->blobdir, ABC_DIGEST + 7);
	assert_string_equal(p, want);
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_size, 3);
	assert_int_equal(st.st_mode & 0777, 0644);
	free(p);
	assert_false(blobstore_has(f->bs, EMPTY_DIGEST));
}

static void commit_with_a_wrong_expected_digest_leaves_no_blob(void **state)
{
	struct fixture *f = *state;
	struct blob_writer *w;
	char d[DIGEST_BUFSZ];
	int blobs, temps;
	assert_int_equal(blobstore_begin(f->bs, &w, &f->err), 0);
	assert_int_equal(blob_writer_write(w, "abd", 3, &f->err), 0);
	assert_int_equal(blob_writer_commit(w, ABC_DIGEST, d, NULL, &f->err),
			 -1);
	assert_non_null(strstr(f->err.msg, "expected " ABC_DIGEST));
	assert_non_null(strstr(f->err.msg, f->blobdir));
	assert_false(blobstore_has(f->bs, ABC_DIGEST));
	count_files(f->blobdir, &blobs, &temps);
	assert_int_equal(blobs, 0);
	assert_int_equal(temps, 0);
}

static void commit_with_the_right_expected_digest_stores_the_blob(void **state)
{
	struct fixture *f = *state;
	struct blob_writer *w;
	char d[DIGEST_BUFSZ];
	uint64_t size = 0;
	assert_int_equal(blobstore_begin(f->bs, &w, &f->err), 0);
	assert_int_equal(blob_writer_write(w, "a", 1, &f->err), 0);
	assert_int_equal(blob_writer_write(w, "bc", 2, &f->err), 0);
	assert_int_equal(blob_writer_commit(w, ABC_DIGEST, d, &size, &f->err),
			 0);
	assert_string_equal(d, ABC_DIGEST);
	assert_int_equal(size, 3);
	assert_true(blobstore_has(f->bs, ABC_DIGEST));
}

static void an_expected_digest_that_is_not_sha256_is_refused(void **state)
{
	struct fixture *f = *state;
	struct blob_writer *w;
	char d[DIGEST_BUFSZ];
	int blobs, temps;
	assert_int_equal(blobstore_begin(f->bs, &w, &f->err), 0);
	assert_int_equal(blob_writer_commit(w, "md5:abc", d, NULL, &f->err),
			 -1);
	assert_non_null(strstr(f->err.msg, "md5:abc"));
	count_files(f->blobdir, &blobs, &temps);
	assert_int_equal(blobs + temps, 0);
}

static void two_writers_of_the_same_blob_at_once_both_succeed(void **state)
{
	struct fixture *f = *state;
	struct blob_writer *a, *b;
	char da[DIGEST_BUFSZ], db[DIGEST_BUFSZ];
	int blobs, temps;
	assert_int_equal(blobstore_begin(f->bs, &a, &f->err), 0);
	assert_int_equal(blobstore_begin(f->bs, &b, &f->err), 0);
	assert_int_equal(blob_writer_write(a, "ab", 2, &f->err), 0);
	assert_int_equal(blob_writer_write(b, "abc", 3, &f->err), 0);
	assert_int_equal(blob_writer_write(a, "c", 1, &f->err), 0);
	assert_int_equal(blob_writer_commit(b, NULL, db, NULL, &f->err), 0);
	assert_int_equal(blob_writer_commit(a, NULL, da, NULL, &f->err), 0);
	assert_string_equal(da, ABC_DIGEST);
	assert_string_equal(db, ABC_DIGEST);
	count_files(f->blobdir, &blobs, &temps);
	assert_int_equal(blobs, 1);
	assert_int_equal(temps, 0);
}

static void processes_racing_to_store_one_blob_all_succeed(void **state)
{
	struct fixture *f = *state;
	static char big[256 * 1024];
	char d[DIGEST_BUFSZ], want[DIGEST_BUFSZ];
	pid_t kids[4];
	int blobs, temps, status;
	uint64_t size;
	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (char)(i % 253);
	for (int k = 0; k < 4; k++) {
		kids[k] = fork();
		assert_true(kids[k] >= 0);
		if (kids[k] == 0) {
			struct kerr err = KERR_INIT;
			for (int i = 0; i < 20; i++)
				if (blobstore_put(f->bs, big, sizeof(big), d,
						  &err) < 0)
					_exit(1);
			_exit(0);
		}
	}
	for (int k = 0; k < 4; k++) {
		assert_int_equal(waitpid(kids[k], &status, 0), kids[k]);
		assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	assert_int_equal(blobstore_put(f->bs, big, sizeof(big), want, &f->err),
			 0);
	char *p = blobstore_path(f->bs, want);
	assert_int_equal(digest_file(p, d, &size, &f->err), 0);
	free(p);
	assert_string_equal(d, want);
	assert_int_equal(size, sizeof(big));
	count_files(f->blobdir, &blobs, &temps);
	assert_int_equal(blobs, 1);
	assert_int_equal(temps, 0);
}

static void a_writer_killed_midway_leaves_only_a_tmp_file(void **state)
{
	struct fixture *f = *state;
	int blobs, temps, status;
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct blob_writer *w;
		struct kerr err = KERR_INIT;
		if (blobstore_begin(f->bs, &w, &err) == 0 &&
		    blob_writer_write(w, "half", 4, &err) == 0)
			raise(SIGKILL);
		_exit(1);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	count_files(f->blobdir, &blobs, &temps);
	assert_int_equal(blobs, 0);
	assert_int_equal(temps, 1);
}

static void abort_removes_the_temp_file(void **state)
{
	struct fixture *f = *state;
	struct blob_writer *w;
	int blobs, temps;
	assert_int_equal(blobstore_begin(f->bs, &w, &f->err), 0);
	assert_int_equal(blob_writer_write(w, "x", 1, &f->err), 0);
	count_files(f->blobdir, &blobs, &temps);
	assert_int_equal(temps, 1);
	blob_writer_abort(w);
	blob_writer_abort(NULL);
	count_files(f->blobdir, &blobs, &temps);
	assert_int_equal(blobs + temps, 0);
}

static void paths_exist_only_for_valid_digests(void **state)
{
	struct fixture *f = *state;
	assert_null(blobstore_path(f->bs, "sha256:../../etc/passwd"));
	assert_null(blobstore_path(f->bs, "sha512:abc"));
	assert_false(blobstore_has(f->bs, "sha256:"));
	assert_true(digest_valid(ABC_DIGEST));
	assert_false(digest_valid("sha256:BA7816BF8F01CFEA414140DE5DAE2223B0"
				  "0361A396177A9CB410FF61F20015AD"));
	assert_false(digest_valid(ABC_DIGEST "0"));
	assert_false(digest_valid("sha256:ba78"));
	assert_false(digest_valid(NULL));
}

static void a_store_under_a_file_is_an_error_naming_the_path(void **state)
{
	struct fixture *f = *state;
	char file[128];
	snprintf(file, sizeof(file), "%s/plain", f->dir);
	FILE *fp = fopen(file, "w");
	fclose(fp);
	assert_null(blobstore_open(file, &f->err));
	assert_non_null(strstr(f->err.msg, file));
	assert_non_null(strstr(f->err.msg, "Not a directory"));
	blobstore_free(NULL);
}

static void digest_file_streams_a_file_larger_than_its_chunk(void **state)
{
	struct fixture *f = *state;
	char path[128], d[DIGEST_BUFSZ], want[DIGEST_BUFSZ];
	struct sha256 h;
	uint64_t size;
	snprintf(path, sizeof(path), "%s/big", f->dir);
	FILE *fp = fopen(path, "wb");
	sha256_init(&h);
	for (int i = 0; i < 200000; i++) {
		char c = (char)(i % 241);
		fputc(c, fp);
		sha256_update(&h, &c, 1);
	}
	fclose(fp);
	sha256_final(&h, want);
	assert_int_equal(digest_file(path, d, &size, &f->err), 0);
	assert_string_equal(d, want);
	assert_int_equal(size, 200000);
	assert_int_equal(digest_file("/nonexistent/x", d, NULL, &f->err), -1);
	assert_string_equal(
	    f->err.msg, "opening /nonexistent/x: No such file or directory");
}

static void the_empty_blob_has_the_well_known_digest(void **state)
{
	struct fixture *f = *state;
	char d[DIGEST_BUFSZ];
	assert_int_equal(blobstore_put(f->bs, "", 0, d, &f->err), 0);
	assert_string_equal(d, EMPTY_DIGEST);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(put_stores_a_blob_named_by_its_sha256),
	    T(commit_with_a_wrong_expected_digest_leaves_no_blob),
	    T(commit_with_the_right_expected_digest_stores_the_blob),
	    T(an_expected_digest_that_is_not_sha256_is_refused),
	    T(two_writers_of_the_same_blob_at_once_both_succeed),
	    T(processes_racing_to_store_one_blob_all_succeed),
	    T(a_writer_killed_midway_leaves_only_a_tmp_file),
	    T(abort_removes_the_temp_file),
	    T(paths_exist_only_for_valid_digests),
	    T(a_store_under_a_file_is_an_error_naming_the_path),
	    T(digest_file_streams_a_file_larger_than_its_chunk),
	    T(the_empty_blob_has_the_well_known_digest),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
