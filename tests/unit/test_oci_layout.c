/* test_oci_layout: the image JSON documents and the image tarball: stable
 * JSON, the OCI layout and Docker manifest.json inside one sorted tar, tag
 * annotations as BuildKit writes them, and no half file on failure. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "unit_tmp.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../oci/blobstore.h"
#include "../../oci/image.h"
#include "../../oci/layer.h"
#include "../../oci/layout_tar.h"

struct fixture {
	char dir[64];
	char out[128];
	struct blobstore *bs;
	struct oci_image_ref img;
	struct strlist tags;
	struct kerr err;
};

static void add_layer(struct fixture *f, json_t *layers, const char *name)
{
	struct layer_entry e;
	struct layer_result r;
	layer_entry_init(&e, name, LAYER_FILE, 0644);
	layer_entry_set_data(&e, name, strlen(name));
	assert_int_equal(layer_write(&e, 1, 0, LAYER_GZIP, f->bs, &r, &f->err),
			 0);
	layer_entry_free(&e);
	json_array_append_new(layers,
			      oci_descriptor(r.media_type, r.digest, r.size));
	strlist_push(&f->img.layer_digests, r.digest);
}

/* An image of two layers, stored the way the executor stores one. */
static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	uint64_t size;
	strcpy(f->dir, "/tmp/kiln-test-layout-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->out, sizeof(f->out), "%s/out.tar", f->dir);
	f->bs = blobstore_open(f->dir, &f->err);
	json_t *layers = json_array();
	add_layer(f, layers, "one");
	add_layer(f, layers, "two");
	json_t *cfg =
	    json_pack("{ss ss s{ss s[]}}", "architecture", "amd64", "os",
		      "linux", "rootfs", "type", "layers", "diff_ids");
	assert_int_equal(
	    oci_put_json(f->bs, cfg, f->img.config_digest, &size, &f->err), 0);
	json_decref(cfg);
	json_t *m = oci_manifest_new(
	    oci_descriptor(OCI_MEDIA_CONFIG, f->img.config_digest, size),
	    layers, NULL);
	assert_int_equal(oci_put_json(f->bs, m, f->img.manifest_digest,
				      &f->img.manifest_size, &f->err),
			 0);
	json_decref(m);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	strlist_clear(&f->img.layer_digests);
	strlist_clear(&f->tags);
	blobstore_free(f->bs);
	unit_rm_rf(f->dir);
	free(f);
	return 0;
}

static int write_tar(struct fixture *f)
{
	int r = oci_write_image_tar(f->bs, f->out, &f->img, &f->tags,
				    1700000000, &f->err);
	if (r < 0)
		print_message("oci_write_image_tar: %s\n", f->err.msg);
	return r;
}

/* Reads the tar's entry names into names (one per line) and the content
 * of entry want, if any, into data. */
static void read_tar(const char *path, char *names, size_t max,
		     const char *want, char *data, size_t dmax)
{
	struct archive *a = archive_read_new();
	struct archive_entry *ae;
	archive_read_support_format_tar(a);
	assert_int_equal(archive_read_open_filename(a, path, 10240),
			 ARCHIVE_OK);
	names[0] = '\0';
	while (archive_read_next_header(a, &ae) == ARCHIVE_OK) {
		const char *n = archive_entry_pathname(ae);
		strncat(names, n, max - strlen(names) - 2);
		strcat(names, "\n");
		assert_int_equal(archive_entry_mtime(ae), 1700000000);
		assert_int_equal(archive_entry_uid(ae), 0);
		assert_int_equal(archive_entry_gid(ae), 0);
		assert_int_equal(archive_entry_perm(ae),
				 n[strlen(n) - 1] == '/' ? 0755 : 0644);
		if (want && !strcmp(n, want)) {
			la_ssize_t k = archive_read_data(a, data, dmax - 1);
			data[k > 0 ? k : 0] = '\0';
		}
	}
	archive_read_free(a);
}

static void json_blobs_are_compact_with_sorted_keys(void **state)
{
	struct fixture *f = *state;
	char d[DIGEST_BUFSZ], buf[256];
	uint64_t size;
	json_t *doc = json_pack("{si sn s{sb}}", "z", 1, "a", "m", "y", true);
	assert_int_equal(oci_put_json(f->bs, doc, d, &size, &f->err), 0);
	json_decref(doc);
	char *p = blobstore_path(f->bs, d);
	FILE *fp = fopen(p, "rb");
	size_t n = fread(buf, 1, sizeof(buf) - 1, fp);
	buf[n] = '\0';
	fclose(fp);
	free(p);
	assert_string_equal(buf, "{\"a\":null,\"m\":{\"y\":true},\"z\":1}");
	assert_int_equal(size, n);
}

static void a_manifest_has_schema_2_and_the_oci_media_types(void **state)
{
	(void)state;
	json_t *cfg = json_pack("{ss si}", "digest", "sha256:x", "size", 3);
	json_t *annot = json_pack("{ss}", "k", "v");
	json_t *m = oci_manifest_new(cfg, NULL, annot);
	char *s = json_dumps(m, JSON_SORT_KEYS | JSON_COMPACT);
	assert_string_equal(
	    s, "{\"annotations\":{\"k\":\"v\"},\"config\":{\"digest\":"
	       "\"sha256:x\",\"mediaType\":\"application/vnd.oci.image."
	       "config.v1+json\",\"size\":3},\"layers\":[],\"mediaType\":"
	       "\"application/vnd.oci.image.manifest.v1+json\","
	       "\"schemaVersion\":2}");
	free(s);
	json_decref(m);
	m = oci_manifest_new(oci_descriptor("x/y", "sha256:x", 1), NULL,
			     json_object());
	assert_string_equal(json_string_value(json_object_get(
				json_object_get(m, "config"), "mediaType")),
			    "x/y");
	assert_null(json_object_get(m, "annotations"));
	json_decref(m);
}

static void
the_image_tar_holds_the_layout_blobs_and_docker_manifest_sorted(void **state)
{
	struct fixture *f = *state;
	char names[4096], want[4096], *blobs[4];
	strlist_push(&f->tags, "docker.io/library/app:latest");
	assert_int_equal(write_tar(f), 0);
	read_tar(f->out, names, sizeof(names), NULL, NULL, 0);
	blobs[0] = f->img.manifest_digest + 7;
	blobs[1] = f->img.config_digest + 7;
	blobs[2] = f->img.layer_digests.v[0] + 7;
	blobs[3] = f->img.layer_digests.v[1] + 7;
	for (int i = 0; i < 4; i++)
		for (int j = i + 1; j < 4; j++)
			if (strcmp(blobs[i], blobs[j]) > 0) {
				char *t = blobs[i];
				blobs[i] = blobs[j];
				blobs[j] = t;
			}
	snprintf(want, sizeof(want),
		 "blobs/\nblobs/sha256/\nblobs/sha256/%s\nblobs/sha256/%s\n"
		 "blobs/sha256/%s\nblobs/sha256/%s\nindex.json\n"
		 "manifest.json\noci-layout\n",
		 blobs[0], blobs[1], blobs[2], blobs[3]);
	assert_string_equal(names, want);
}

static void tags_are_annotated_as_buildkit_does(void **state)
{
	struct fixture *f = *state;
	char names[4096], data[4096], want[4096];
	strlist_push(&f->tags, "docker.io/library/app:latest");
	strlist_push(&f->tags, "registry:5000/x/y:t");
	strlist_push(&f->tags, "docker.io/library/app:latest");
	assert_int_equal(write_tar(f), 0);
	read_tar(f->out, names, sizeof(names), "index.json", data,
		 sizeof(data));
	snprintf(
	    want, sizeof(want),
	    "{\"manifests\":[{\"annotations\":{\"io.containerd.image."
	    "name\":\"docker.io/library/app:latest\",\"org.opencontainers."
	    "image.ref.name\":\"latest\"},\"digest\":\"%s\",\"mediaType\":"
	    "\"application/vnd.oci.image.manifest.v1+json\",\"size\":%llu},"
	    "{\"annotations\":{\"io.containerd.image.name\":\"registry:"
	    "5000/x/y:t\",\"org.opencontainers.image.ref.name\":\"t\"},"
	    "\"digest\":\"%s\",\"mediaType\":\"application/vnd.oci.image."
	    "manifest.v1+json\",\"size\":%llu}],\"mediaType\":"
	    "\"application/vnd.oci.image.index.v1+json\","
	    "\"schemaVersion\":2}",
	    f->img.manifest_digest, (unsigned long long)f->img.manifest_size,
	    f->img.manifest_digest, (unsigned long long)f->img.manifest_size);
	assert_string_equal(data, want);
	read_tar(f->out, names, sizeof(names), "oci-layout", data,
		 sizeof(data));
	assert_string_equal(data, "{\"imageLayoutVersion\":\"1.0.0\"}");
}

static void
docker_manifest_lists_familiar_repo_tags_and_layers_in_order(void **state)
{
	struct fixture *f = *state;
	char names[4096], data[4096], want[4096];
	strlist_push(&f->tags, "docker.io/library/app:latest");
	strlist_push(&f->tags, "docker.io/user/app:1");
	strlist_push(&f->tags, "registry:5000/x/y:t");
	assert_int_equal(write_tar(f), 0);
	read_tar(f->out, names, sizeof(names), "manifest.json", data,
		 sizeof(data));
	snprintf(want, sizeof(want),
		 "[{\"Config\":\"blobs/sha256/%s\",\"Layers\":[\"blobs/sha256/"
		 "%s\",\"blobs/sha256/%s\"],\"RepoTags\":[\"app:latest\","
		 "\"user/app:1\",\"registry:5000/x/y:t\"]}]",
		 f->img.config_digest + 7, f->img.layer_digests.v[0] + 7,
		 f->img.layer_digests.v[1] + 7);
	assert_string_equal(data, want);
}

static void without_tags_the_index_has_one_plain_descriptor(void **state)
{
	struct fixture *f = *state;
	char names[4096], data[4096];
	assert_int_equal(write_tar(f), 0);
	read_tar(f->out, names, sizeof(names), "index.json", data,
		 sizeof(data));
	assert_null(strstr(data, "annotations"));
	assert_non_null(strstr(data, f->img.manifest_digest));
}

static char *slurp(const char *path, size_t *n)
{
	FILE *fp = fopen(path, "rb");
	char *buf = malloc(1 << 20);
	assert_non_null(fp);
	*n = fread(buf, 1, 1 << 20, fp);
	fclose(fp);
	return buf;
}

static void writing_the_same_image_twice_gives_identical_bytes(void **state)
{
	struct fixture *f = *state;
	size_t n1, n2;
	strlist_push(&f->tags, "docker.io/library/app:latest");
	assert_int_equal(write_tar(f), 0);
	char *a = slurp(f->out, &n1);
	assert_int_equal(write_tar(f), 0);
	char *b = slurp(f->out, &n2);
	assert_int_equal(n1, n2);
	assert_memory_equal(a, b, n1);
	assert_int_equal(n1 % 512, 0);
	free(a);
	free(b);
}

/* True when dir holds only out.tar (when present) and the store. */
static void assert_no_temp_files(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	while ((de = readdir(d)))
		assert_null(strstr(de->d_name, ".kiln-tmp-"));
	closedir(d);
}

static void a_missing_blob_leaves_no_file_at_the_output(void **state)
{
	struct fixture *f = *state;
	struct stat st;
	strlist_push(&f->img.layer_digests, "sha256:"
					    "0000000000000000000000000000000000"
					    "000000000000000000000000000000");
	assert_int_equal(write_tar(f), -1);
	assert_non_null(strstr(f->err.msg, f->out));
	assert_non_null(strstr(f->err.msg, "is not in the blob store"));
	assert_int_equal(stat(f->out, &st), -1);
	assert_no_temp_files(f->dir);
}

static void a_failed_write_keeps_the_previous_output(void **state)
{
	struct fixture *f = *state;
	size_t n1, n2;
	strlist_push(&f->tags, "docker.io/library/app:latest");
	assert_int_equal(write_tar(f), 0);
	char *a = slurp(f->out, &n1);
	strlist_push(&f->tags, "docker.io/library/app@sha256:abc");
	assert_int_equal(write_tar(f), -1);
	assert_non_null(strstr(f->err.msg, "not of the form name:tag"));
	char *b = slurp(f->out, &n2);
	assert_int_equal(n1, n2);
	assert_memory_equal(a, b, n1);
	assert_no_temp_files(f->dir);
	free(a);
	free(b);
}

static void a_corrupt_blob_in_the_store_is_detected(void **state)
{
	struct fixture *f = *state;
	char *p = blobstore_path(f->bs, f->img.layer_digests.v[0]);
	FILE *fp = fopen(p, "r+b");
	fputc('X', fp);
	fclose(fp);
	assert_int_equal(write_tar(f), -1);
	assert_non_null(strstr(f->err.msg, "blob store is corrupt"));
	assert_non_null(strstr(f->err.msg, p));
	free(p);
	assert_no_temp_files(f->dir);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(json_blobs_are_compact_with_sorted_keys),
	    T(a_manifest_has_schema_2_and_the_oci_media_types),
	    T(the_image_tar_holds_the_layout_blobs_and_docker_manifest_sorted),
	    T(tags_are_annotated_as_buildkit_does),
	    T(docker_manifest_lists_familiar_repo_tags_and_layers_in_order),
	    T(without_tags_the_index_has_one_plain_descriptor),
	    T(writing_the_same_image_twice_gives_identical_bytes),
	    T(a_missing_blob_leaves_no_file_at_the_output),
	    T(a_failed_write_keeps_the_previous_output),
	    T(a_corrupt_blob_in_the_store_is_detected),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
