/* test_image_diff: kiln diff's comparison logic on synthetic inputs: config
 * and manifest fields, layer entry lists, history alignment, then whole
 * images written into a blob store (and a layout, and a tarball) and
 * opened, compared, printed and inspected as `kiln diff` and `kiln
 * inspect` do. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "unit_tmp.h"

#include <archive.h>
#include <archive_entry.h>
#include <ftw.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../oci/blobstore.h"
#include "../../oci/image.h"
#include "../../oci/image_diff.h"
#include "../../oci/image_read.h"
#include "../../oci/inspect.h"
#include "../../oci/layer.h"
#include "../../oci/layout_tar.h"

struct fixture {
	char dir[64];
	struct blobstore *bs;
	struct image_diff_result r;
	struct kerr err;
};

/* An image being made: its layers go into the store as they come. */
struct img {
	json_t *layers, *diff_ids, *history, *inner;
	const char *arch;
	char manifest[DIGEST_BUFSZ], config[DIGEST_BUFSZ];
	uint64_t manifest_size;
	struct strlist layer_digests;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	strcpy(f->dir, "/tmp/kiln-test-diff-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	f->bs = blobstore_open(f->dir, &f->err);
	assert_non_null(f->bs);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	image_diff_result_clear(&f->r);
	blobstore_free(f->bs);
	unit_rm_rf(f->dir);
	free(f);
	return 0;
}

static const char *path_str(const struct image_difference *d)
{
	static char buf[256];
	char *s = json_dumps(d->path, JSON_COMPACT);
	snprintf(buf, sizeof(buf), "%s", s ? s : "");
	free(s);
	return buf;
}

/* --- fields -----------------------------------------------------------------
 */

static void
test_fields_compare_labels_env_and_annotations_key_by_key(void **state)
{
	struct fixture *f = *state;
	json_t *a = json_loads(
	    "{\"architecture\":\"amd64\",\"config\":{"
	    "\"Env\":[\"PATH=/bin\",\"A=1\"],\"Cmd\":[\"x\"],"
	    "\"Labels\":{\"keep\":\"k\",\"gone\":\"g\",\"v\":\"1\"}}}",
	    0, NULL);
	json_t *b = json_loads(
	    "{\"architecture\":\"arm64\",\"config\":{"
	    "\"Env\":[\"A=2\",\"PATH=/bin\"],\"Cmd\":[\"x\",\"y\"],"
	    "\"Labels\":{\"keep\":\"k\",\"new.x\":\"n\",\"v\":\"2\"}}}",
	    0, NULL);
	image_diff_fields("config", a, b, &f->r);
	assert_int_equal(f->r.n, 6);
	assert_string_equal(path_str(&f->r.v[0]), "[\"architecture\"]");
	assert_string_equal(path_str(&f->r.v[1]), "[\"config\",\"Cmd\"]");
	assert_string_equal(path_str(&f->r.v[2]), "[\"config\",\"Env\",\"A\"]");
	assert_string_equal(json_string_value(f->r.v[2].a), "1");
	assert_string_equal(json_string_value(f->r.v[2].b), "2");
	assert_string_equal(path_str(&f->r.v[3]),
			    "[\"config\",\"Labels\",\"gone\"]");
	assert_int_equal(f->r.v[3].change, IMAGE_DIFF_REMOVED);
	assert_null(f->r.v[3].b);
	assert_string_equal(path_str(&f->r.v[4]),
			    "[\"config\",\"Labels\",\"new.x\"]");
	assert_int_equal(f->r.v[4].change, IMAGE_DIFF_ADDED);
	assert_int_equal(f->r.v[5].change, IMAGE_DIFF_CHANGED);
	assert_string_equal(f->r.v[5].document, "config");
	json_decref(a);
	json_decref(b);
}

static void test_fields_leave_rootfs_history_and_layer_digests_out(void **state)
{
	struct fixture *f = *state;
	json_t *ca = json_loads(
	    "{\"rootfs\":{\"diff_ids\":[\"1\"]},\"history\":[1]}", 0, NULL);
	json_t *cb = json_loads(
	    "{\"rootfs\":{\"diff_ids\":[\"2\"]},\"history\":[2]}", 0, NULL);
	json_t *ma = json_loads(
	    "{\"config\":{\"digest\":\"1\",\"size\":1,\"mediaType\":\"m\"},"
	    "\"layers\":[{\"digest\":\"1\"}]}",
	    0, NULL);
	json_t *mb = json_loads(
	    "{\"config\":{\"digest\":\"2\",\"size\":2,\"mediaType\":\"n\"},"
	    "\"layers\":[],\"annotations\":{\"k\":\"v\",\"l\":\"w\"}}",
	    0, NULL);
	image_diff_fields("config", ca, cb, &f->r);
	assert_int_equal(f->r.n, 0);
	image_diff_fields("manifest", ma, mb, &f->r);
	/* one per annotation added, and the config's media type */
	assert_int_equal(f->r.n, 3);
	assert_string_equal(path_str(&f->r.v[0]), "[\"annotations\",\"k\"]");
	assert_string_equal(path_str(&f->r.v[1]), "[\"annotations\",\"l\"]");
	assert_string_equal(path_str(&f->r.v[2]), "[\"config\",\"mediaType\"]");
	json_decref(ca);
	json_decref(cb);
	json_decref(ma);
	json_decref(mb);
}

/* --- entries ----------------------------------------------------------- */

static struct diff_file file(const char *path, const char *digest,
			     unsigned mode)
{
	struct diff_file f = {.path = (char *)path,
			      .type = DIFF_FILE_REG,
			      .mode = mode,
			      .size = 1};
	snprintf(f.digest, sizeof(f.digest), "sha256:%s", digest);
	return f;
}

static void
test_files_merge_reports_each_added_removed_and_changed_entry(void **state)
{
	struct fixture *f = *state;
	struct diff_files a = {0}, b = {0};
	struct diff_file x;
	x = file("/same", "1", 0644), diff_files_add(&a, &x),
	diff_files_add(&b, &x);
	x = file("/gone", "1", 0644), diff_files_add(&a, &x);
	x = file("/new", "1", 0644), diff_files_add(&b, &x);
	x = file("/mode", "1", 0644), diff_files_add(&a, &x);
	x.mode = 0755, x.uid = 7, diff_files_add(&b, &x);
	x = file("/content", "1", 0644), diff_files_add(&a, &x);
	x = file("/content", "2", 0644), diff_files_add(&b, &x);
	diff_files_finish(&a);
	diff_files_finish(&b);
	image_diff_files(3, &a, &b, &f->r);
	assert_int_equal(f->r.n, 4);
	assert_string_equal(f->r.v[0].file, "/content");
	assert_int_equal(f->r.v[0].attrs, DIFF_ATTR_CONTENT);
	assert_string_equal(f->r.v[1].file, "/gone");
	assert_int_equal(f->r.v[1].change, IMAGE_DIFF_REMOVED);
	assert_string_equal(f->r.v[2].file, "/mode");
	assert_int_equal(f->r.v[2].attrs, DIFF_ATTR_MODE | DIFF_ATTR_OWNER);
	assert_int_equal(f->r.v[2].layer, 3);
	assert_string_equal(
	    json_string_value(json_object_get(f->r.v[2].b, "mode")), "0755");
	assert_string_equal(f->r.v[3].file, "/new");
	assert_int_equal(f->r.v[3].change, IMAGE_DIFF_ADDED);
	diff_files_clear(&a);
	diff_files_clear(&b);
}

static void
test_file_compare_names_each_attribute_and_a_type_change_alone(void **state)
{
	(void)state;
	struct diff_file a = file("/x", "1", 0644), b = a;
	b.mtime = 5, b.link = "t", b.xattrs = "user.a=1\n";
	assert_int_equal(diff_file_compare(&a, &b),
			 DIFF_ATTR_MTIME | DIFF_ATTR_LINK | DIFF_ATTR_XATTRS);
	b = a, b.type = DIFF_FILE_SYMLINK, b.mode = 0777;
	assert_int_equal(diff_file_compare(&a, &b), DIFF_ATTR_TYPE);
	b = a, b.size = 2;
	assert_int_equal(diff_file_compare(&a, &b), DIFF_ATTR_CONTENT);
	assert_string_equal(diff_attr_name(DIFF_ATTR_OWNER), "owner");
}

static void test_files_later_entry_of_a_path_wins(void **state)
{
	(void)state;
	struct diff_files l = {0};
	struct diff_file x = file("/b", "1", 0600);
	diff_files_add(&l, &x);
	x = file("/a", "1", 0644), diff_files_add(&l, &x);
	x = file("/b", "2", 0644), diff_files_add(&l, &x);
	x = file("/b", "3", 0640), diff_files_add(&l, &x);
	diff_files_finish(&l);
	assert_int_equal(l.n, 2);
	assert_string_equal(l.v[0].path, "/a");
	assert_string_equal(l.v[1].digest, "sha256:3");
	assert_int_equal(l.v[1].mode, 0640);
	assert_int_equal(l.bytes, 2);
	diff_files_clear(&l);
}

/* --- history ----------------------------------------------------------- */

/* "+X -D " for an added step X and a removed step D. */
static void expect_steps(json_t *h, const char *want)
{
	struct strbuf got = STRBUF_INIT;
	size_t i;
	json_t *s;
	json_array_foreach(h, i, s)
	{
		const char *change =
		    json_string_value(json_object_get(s, "change"));
		json_t *e = json_object_get(s, "entry");
		sb_addf(&got, "%c%s ", strcmp(change, "added") ? '-' : '+',
			json_string_value(json_object_get(e, "created_by")));
	}
	assert_string_equal(sb_str(&got), want);
	sb_release(&got);
}

static json_t *steps(const char *names)
{
	json_t *h = json_array();
	for (const char *p = names; *p; p++)
		json_array_append_new(h,
				      json_pack("{s:s#}", "created_by", p, 1));
	return h;
}

static void
test_history_alignment_keeps_an_inserted_step_from_shifting_the_rest(
    void **state)
{
	struct fixture *f = *state;
	json_t *a = steps("ABCD"), *b = steps("AXBCE");
	image_diff_history(a, b, &f->r);
	expect_steps(f->r.history, "+X -D +E ");
	assert_int_equal(json_integer_value(json_object_get(
			     json_array_get(f->r.history, 0), "index")),
			 1);
	assert_int_equal(f->r.n, 0); /* context, not differences */
	json_decref(a);
	json_decref(b);
}

/* --- streamed layers ------------------------------------------------------ */

static void put_layer(struct fixture *f, struct img *im, struct layer_entry *e,
		      size_t n, enum layer_compression c, const char *by)
{
	struct layer_result r;
	assert_int_equal(layer_write(e, n, 0, c, f->bs, &r, &f->err), 0);
	for (size_t i = 0; i < n; i++)
		layer_entry_free(&e[i]);
	if (!im->layers) {
		im->layers = json_array(), im->diff_ids = json_array();
		im->history = json_array();
	}
	json_array_append_new(im->layers,
			      oci_descriptor(r.media_type, r.digest, r.size));
	json_array_append_new(im->diff_ids, json_string(r.diff_id));
	json_array_append_new(im->history,
			      json_pack("{s:s}", "created_by", by));
	strlist_push(&im->layer_digests, r.digest);
}

static void put_image(struct fixture *f, struct img *im)
{
	uint64_t cs;
	if (!im->inner)
		im->inner = json_object();
	json_t *cfg =
	    json_pack("{s:s, s:s, s:O, s:{s:s, s:O}, s:O}", "architecture",
		      im->arch ? im->arch : "amd64", "os", "linux", "config",
		      im->inner, "rootfs", "type", "layers", "diff_ids",
		      im->diff_ids, "history", im->history);
	assert_int_equal(oci_put_json(f->bs, cfg, im->config, &cs, &f->err), 0);
	json_t *m =
	    oci_manifest_new(oci_descriptor(OCI_MEDIA_CONFIG, im->config, cs),
			     json_incref(im->layers), NULL);
	assert_int_equal(
	    oci_put_json(f->bs, m, im->manifest, &im->manifest_size, &f->err),
	    0);
	json_decref(cfg);
	json_decref(m);
}

static void img_clear(struct img *im)
{
	json_decref(im->layers);
	json_decref(im->diff_ids);
	json_decref(im->history);
	json_decref(im->inner);
	strlist_clear(&im->layer_digests);
}

static struct image *open_img(struct fixture *f, struct img *im,
			      const char *name)
{
	struct image *out = NULL;
	assert_int_equal(image_open_store(f->dir, im->manifest, name, NULL,
					  NULL, &out, &f->err),
			 0);
	return out;
}

static void entry(struct layer_entry *e, const char *path, const char *data,
		  unsigned mode)
{
	layer_entry_init(e, path, data ? LAYER_FILE : LAYER_DIR, mode);
	if (data)
		layer_entry_set_data(e, data, strlen(data));
}

static void
test_files_read_hashes_content_and_keeps_links_owners_xattrs(void **state)
{
	struct fixture *f = *state;
	struct img im = {0};
	struct layer_entry e[4];
	struct archive *a;
	struct diff_files l = {0};
	entry(&e[0], "etc", NULL, 0755);
	entry(&e[1], "etc/f", "abc", 0600);
	e[1].uid = 5, e[1].gid = 6;
	strlist_push(&e[1].xattrs, "user.k=v");
	layer_entry_init(&e[2], "etc/l", LAYER_SYMLINK, 0777);
	e[2].link = strdup("f");
	layer_entry_init(&e[3], "etc/h", LAYER_HARDLINK, 0);
	e[3].link = strdup("etc/f");
	put_layer(f, &im, e, 4, LAYER_GZIP, "COPY");
	put_image(f, &im);
	struct image *i = open_img(f, &im, "img");
	assert_int_equal(image_layer_open(i, 0, &a, &f->err), 0);
	assert_int_equal(diff_files_read(a, &l, &f->err), 0);
	archive_read_free(a);
	assert_int_equal(l.n, 4);
	assert_string_equal(l.v[0].path, "/etc");
	assert_int_equal(l.v[0].type, DIFF_FILE_DIR);
	/* "etc/f" sorts first of its link group, so it carries the content */
	assert_string_equal(l.v[1].path, "/etc/f");
	assert_string_equal(
	    l.v[1].digest,
	    "sha256:"
	    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	assert_int_equal(l.v[1].size, 3);
	assert_int_equal(l.v[1].mode, 0600);
	assert_int_equal(l.v[1].uid, 5);
	assert_string_equal(l.v[1].xattrs, "user.k=v\n");
	assert_string_equal(l.v[2].path, "/etc/h");
	assert_int_equal(l.v[2].type, DIFF_FILE_HARDLINK);
	assert_string_equal(l.v[2].link, "/etc/f");
	assert_int_equal(l.v[3].type, DIFF_FILE_SYMLINK);
	assert_string_equal(l.v[3].link, "f");
	diff_files_clear(&l);
	image_free(i);
	img_clear(&im);
}

/* --- whole images ------------------------------------------------------- */

/* Image a: /app/run.sh 0644, /app/data "one", label v=1.
 * Image b: run.sh 0755, data "two", label v=2, a second layer. */
static void two_images(struct fixture *f, struct img *a, struct img *b,
		       enum layer_compression cb)
{
	struct layer_entry e[3];
	entry(&e[0], "app", NULL, 0755),
	    entry(&e[1], "app/run.sh", "echo\n", 0644);
	entry(&e[2], "app/data", "one\n", 0644);
	put_layer(f, a, e, 3, LAYER_GZIP, "COPY app /app");
	a->inner = json_pack("{s:{s:s}}", "Labels", "v", "1");
	json_array_append_new(a->history,
			      json_pack("{s:s, s:b}", "created_by", "LABEL v=1",
					"empty_layer", 1));
	put_image(f, a);
	entry(&e[0], "app", NULL, 0755),
	    entry(&e[1], "app/run.sh", "echo\n", 0755);
	entry(&e[2], "app/data", "two\n", 0644);
	put_layer(f, b, e, 3, cb, "COPY app /app");
	b->inner = json_pack("{s:{s:s}}", "Labels", "v", "2");
	json_array_append_new(b->history,
			      json_pack("{s:s, s:b}", "created_by", "LABEL v=2",
					"empty_layer", 1));
	entry(&e[0], "extra", "x", 0644);
	put_layer(f, b, e, 1, cb, "COPY extra /extra");
	put_image(f, b);
}

static char *text_of(const struct image_diff_result *r)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	image_diff_print_text(out, r);
	fclose(out);
	return buf;
}

static void
test_diff_of_images_reports_a_mode_a_content_a_label_and_an_extra_layer(
    void **state)
{
	struct fixture *f = *state;
	struct img ia = {0}, ib = {0};
	two_images(f, &ia, &ib, LAYER_GZIP);
	struct image *a = open_img(f, &ia, "a"), *b = open_img(f, &ib, "b");
	assert_int_equal(image_diff(a, b, &f->r, &f->err), 0);
	assert_false(f->r.identical);
	assert_int_equal(f->r.n, 4);
	assert_int_equal(f->r.v[0].kind, IMAGE_DIFF_FIELD);
	assert_string_equal(path_str(&f->r.v[0]),
			    "[\"config\",\"Labels\",\"v\"]");
	assert_string_equal(f->r.v[1].file, "/app/data");
	assert_string_equal(f->r.v[2].file, "/app/run.sh");
	assert_int_equal(f->r.v[2].attrs, DIFF_ATTR_MODE);
	assert_int_equal(f->r.v[3].kind, IMAGE_DIFF_LAYER);
	assert_int_equal(f->r.v[3].change, IMAGE_DIFF_ADDED);
	assert_int_equal(
	    json_integer_value(json_object_get(f->r.v[3].b, "entries")), 1);
	assert_int_equal(f->r.layers[0].status, IMAGE_LAYER_CONTENT);
	assert_int_equal(f->r.layers[0].n, 2);
	char *text = text_of(&f->r);
	assert_non_null(strstr(text, "\n~ Labels.v: \"1\" -> \"2\"\n"));
	assert_non_null(strstr(text, "\n  ~ /app/run.sh: mode 0644 -> 0755\n"));
	assert_non_null(strstr(text, "\n+ layer 1: only in b: sha256:"));
	assert_non_null(strstr(text, "  - LABEL v=1\n  + LABEL v=2\n  + COPY "
				     "extra /extra\n4 differences\n"));
	free(text);
	json_t *j = image_diff_json(&f->r);
	assert_int_equal(json_array_size(json_object_get(j, "differences")), 4);
	assert_int_equal(json_integer_value(json_object_get(j, "version")), 1);
	json_decref(j);
	image_free(a), image_free(b);
	img_clear(&ia), img_clear(&ib);
}

static void
test_diff_says_the_compressor_when_only_compressed_bytes_differ(void **state)
{
	struct fixture *f = *state;
	struct img ia = {0}, ib = {0}, iz = {0};
	two_images(f, &ia, &ib, LAYER_GZIP);
	img_clear(&ia);
	memset(&ia, 0, sizeof(ia));
	two_images(f, &ia, &iz, LAYER_ZSTD);
	struct image *b = open_img(f, &ib, "b"), *z = open_img(f, &iz, "z");
	assert_int_equal(image_diff(b, z, &f->r, &f->err), 0);
	assert_int_equal(f->r.n, 2);
	for (size_t i = 0; i < 2; i++) {
		assert_int_equal(f->r.v[i].change, IMAGE_DIFF_COMPRESSED);
		assert_int_equal(f->r.layers[i].status, IMAGE_LAYER_COMPRESSED);
	}
	char *text = text_of(&f->r);
	assert_non_null(
	    strstr(text, "~ layer 0: compressed bytes differ (compressor), "
			 "content identical (diffID sha256:"));
	free(text);
	image_free(b), image_free(z);
	img_clear(&ia), img_clear(&ib), img_clear(&iz);
}

static void
test_diff_of_an_image_with_itself_is_identical_and_reads_no_layer(void **state)
{
	struct fixture *f = *state;
	struct img ia = {0}, ib = {0};
	two_images(f, &ia, &ib, LAYER_GZIP);
	struct image *a = open_img(f, &ia, "a"),
		     *a2 = open_img(f, &ia, "again");
	char *blob = blobstore_path(f->bs, ia.layer_digests.v[0]);
	assert_int_equal(unlink(blob), 0);
	free(blob);
	assert_int_equal(image_diff(a, a2, &f->r, &f->err), 0);
	assert_true(f->r.identical);
	assert_int_equal(f->r.n, 0);
	assert_int_equal(f->r.layers[0].status, IMAGE_LAYER_SAME);
	char *text = text_of(&f->r), want[256];
	snprintf(want, sizeof(want), "a and again are identical: manifest %s\n",
		 ia.manifest);
	assert_string_equal(text, want);
	free(text);
	image_free(a), image_free(a2);
	img_clear(&ia), img_clear(&ib);
}

/* The same entries in another tar dialect (GNU headers): one difference,
 * not a file-level one. */
static void
test_diff_same_entries_in_other_tar_bytes_is_one_tar_difference(void **state)
{
	struct fixture *f = *state;
	struct img ia = {0}, ib = {0};
	struct layer_entry e;
	char digest[DIGEST_BUFSZ];
	entry(&e, "f", "x", 0644);
	put_layer(f, &ia, &e, 1, LAYER_NONE, "COPY f /f");
	put_image(f, &ia);
	char *buf = calloc(1, 10240);
	size_t used = 0;
	struct archive *w = archive_write_new();
	archive_write_set_format_gnutar(w);
	archive_write_open_memory(w, buf, 10240, &used);
	struct archive_entry *ae = archive_entry_new();
	archive_entry_set_pathname(ae, "f");
	archive_entry_set_filetype(ae, AE_IFREG);
	archive_entry_set_perm(ae, 0644);
	archive_entry_set_size(ae, 1);
	archive_write_header(w, ae);
	archive_write_data(w, "x", 1);
	archive_entry_free(ae);
	archive_write_free(w);
	assert_int_equal(blobstore_put(f->bs, buf, used, digest, &f->err), 0);
	free(buf);
	ib.layers =
	    json_pack("[o]", oci_descriptor(OCI_MEDIA_LAYER, digest, used));
	ib.diff_ids = json_pack("[s]", digest);
	ib.history = json_pack("[{s:s}]", "created_by", "COPY f /f");
	put_image(f, &ib);
	struct image *a = open_img(f, &ia, "a"), *b = open_img(f, &ib, "b");
	assert_int_equal(image_diff(a, b, &f->r, &f->err), 0);
	assert_int_equal(f->r.n, 1);
	assert_int_equal(f->r.v[0].kind, IMAGE_DIFF_LAYER);
	assert_int_equal(f->r.v[0].change, IMAGE_DIFF_TAR);
	image_free(a), image_free(b);
	img_clear(&ia), img_clear(&ib);
}

/* b: a's config written with indentation, or with another history. */
static void config_variant(struct fixture *f, struct img *a, struct img *b,
			   bool indent)
{
	char cd[DIGEST_BUFSZ];
	uint64_t size;
	json_t *cfg = json_pack("{s:s, s:s, s:O, s:{s:s, s:O}, s:O}",
				"architecture", "amd64", "os", "linux",
				"config", a->inner, "rootfs", "type", "layers",
				"diff_ids", a->diff_ids, "history", a->history);
	if (!indent)
		json_object_set_new(
		    json_array_get(json_object_get(cfg, "history"), 0),
		    "created_by", json_string("COPY --link app /app"));
	char *text = json_dumps(
	    cfg, JSON_SORT_KEYS | (indent ? JSON_INDENT(2) : JSON_COMPACT));
	assert_int_equal(blobstore_put(f->bs, text, strlen(text), cd, &f->err),
			 0);
	size = strlen(text);
	free(text);
	json_t *m = oci_manifest_new(oci_descriptor(OCI_MEDIA_CONFIG, cd, size),
				     json_incref(a->layers), NULL);
	assert_int_equal(
	    oci_put_json(f->bs, m, b->manifest, &b->manifest_size, &f->err), 0);
	json_decref(m);
	json_decref(cfg);
}

static void
test_diff_same_fields_in_other_bytes_is_one_document_difference(void **state)
{
	struct fixture *f = *state;
	struct img ia = {0}, ib = {0}, ic = {0};
	two_images(f, &ia, &ib, LAYER_GZIP);
	config_variant(f, &ia, &ic, true);
	struct image *a = open_img(f, &ia, "a"), *c = open_img(f, &ic, "c");
	assert_int_equal(image_diff(a, c, &f->r, &f->err), 0);
	assert_int_equal(f->r.n, 1);
	assert_int_equal(f->r.v[0].kind, IMAGE_DIFF_DOCUMENT);
	assert_string_equal(f->r.v[0].document, "config");
	assert_int_equal(json_array_size(f->r.history), 0);
	image_free(a), image_free(c);
	img_clear(&ia), img_clear(&ib), img_clear(&ic);
}

static void test_diff_of_images_differing_only_in_history_says_so(void **state)
{
	struct fixture *f = *state;
	struct img ia = {0}, ib = {0}, ic = {0};
	two_images(f, &ia, &ib, LAYER_GZIP);
	config_variant(f, &ia, &ic, false);
	struct image *a = open_img(f, &ia, "a"), *c = open_img(f, &ic, "c");
	assert_int_equal(image_diff(a, c, &f->r, &f->err), 0);
	assert_false(f->r.identical);
	assert_int_equal(f->r.n, 0);
	assert_int_equal(f->r.layers[0].status, IMAGE_LAYER_SAME);
	char *text = text_of(&f->r);
	assert_non_null(
	    strstr(text, "  - COPY app /app\n  + COPY --link app /app\n"
			 "0 differences: only the build history differs\n"));
	free(text);
	image_free(a), image_free(c);
	img_clear(&ia), img_clear(&ib), img_clear(&ic);
}

/* --- opening layouts and tarballs --------------------------------------- */

static void write_file(const char *dir, const char *name, const char *text)
{
	char path[256];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *out = fopen(path, "w");
	assert_non_null(out);
	fputs(text, out);
	fclose(out);
}

static void test_image_open_picks_the_platform_from_a_layout_index(void **state)
{
	struct fixture *f = *state;
	struct img amd = {0}, arm = {0};
	struct layer_entry e;
	struct image *im = NULL;
	entry(&e, "f", "x", 0644);
	put_layer(f, &amd, &e, 1, LAYER_GZIP, "COPY");
	put_image(f, &amd);
	entry(&e, "f", "x", 0644);
	put_layer(f, &arm, &e, 1, LAYER_GZIP, "COPY");
	arm.arch = "arm64";
	put_image(f, &arm);
	/* the arm64 entry has no platform: its config says it */
	json_t *idx = json_pack(
	    "{s:i, s:[{s:s, s:s, s:I, s:{s:s, s:s}}, {s:s, s:s, s:I}]}",
	    "schemaVersion", 2, "manifests", "mediaType", OCI_MEDIA_MANIFEST,
	    "digest", amd.manifest, "size", (json_int_t)amd.manifest_size,
	    "platform", "os", "linux", "architecture", "amd64", "mediaType",
	    OCI_MEDIA_MANIFEST, "digest", arm.manifest, "size",
	    (json_int_t)arm.manifest_size);
	char *text = json_dumps(idx, 0);
	write_file(f->dir, "index.json", text);
	free(text);
	json_decref(idx);
	assert_int_equal(image_open(f->dir, "linux/aarch64", &im, &f->err), 0);
	assert_string_equal(im->manifest_digest, arm.manifest);
	assert_string_equal(im->platform, "linux/arm64");
	image_free(im);
	assert_int_equal(image_open(f->dir, "linux/x86_64", &im, &f->err), 0);
	assert_string_equal(im->manifest_digest, amd.manifest);
	image_free(im);
	assert_int_equal(image_open(f->dir, "linux/s390x", &im, &f->err), -1);
	assert_null(im);
	char want[256];
	snprintf(want, sizeof(want),
		 "%s: no manifest for platform linux/s390x (available: "
		 "linux/amd64, linux/arm64)",
		 f->dir);
	assert_string_equal(f->err.msg, want);
	/* arm64's default variant is v8 */
	assert_int_equal(image_open(f->dir, "linux/arm64/v8", &im, &f->err), 0);
	assert_string_equal(im->manifest_digest, arm.manifest);
	image_free(im);
	const char *bad[] = {"linux", "linux/", "/amd64", "linux/arm64/",
			     "linux/arm/v7/x"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(image_open(f->dir, bad[i], &im, &f->err), -1);
		assert_non_null(strstr(f->err.msg, "is not os/arch[/variant]"));
	}
	img_clear(&amd), img_clear(&arm);
}

static void test_image_open_reads_a_tarball_and_streams_its_layers(void **state)
{
	struct fixture *f = *state;
	struct img ia = {0}, ib = {0};
	struct oci_image_ref ref = {0};
	struct strlist tags = STRLIST_INIT;
	struct image *t = NULL;
	char out[128];
	two_images(f, &ia, &ib, LAYER_GZIP);
	strlcpy(ref.manifest_digest, ib.manifest, sizeof(ref.manifest_digest));
	ref.manifest_size = ib.manifest_size;
	strlcpy(ref.config_digest, ib.config, sizeof(ref.config_digest));
	for (size_t i = 0; i < ib.layer_digests.n; i++)
		strlist_push(&ref.layer_digests, ib.layer_digests.v[i]);
	strlist_push(&tags, "docker.io/library/b:1");
	snprintf(out, sizeof(out), "%s/b.tar", f->dir);
	assert_int_equal(
	    oci_write_image_tar(f->bs, out, &ref, &tags, 0, &f->err), 0);
	assert_int_equal(image_open(out, NULL, &t, &f->err), 0);
	struct image *a = open_img(f, &ia, "a");
	assert_int_equal(image_diff(a, t, &f->r, &f->err), 0);
	assert_int_equal(f->r.n,
			 4); /* its layers were read from inside the tar */
	assert_int_equal(t->manifest_size, ib.manifest_size);
	/* the config as the tar has it must hash to its name */
	image_diff_result_clear(&f->r);
	image_free(t), image_free(a);
	strlist_clear(&tags);
	strlist_clear(&ref.layer_digests);
	img_clear(&ia), img_clear(&ib);
}

static void
test_image_open_refuses_a_blob_that_does_not_match_its_digest(void **state)
{
	struct fixture *f = *state;
	struct img ia = {0}, ib = {0};
	struct image *im = NULL;
	two_images(f, &ia, &ib, LAYER_GZIP);
	char *cfg = blobstore_path(f->bs, ia.config);
	unlink(cfg);
	FILE *out = fopen(cfg, "w");
	fputs("{}", out);
	fclose(out);
	assert_int_equal(image_open_store(f->dir, ia.manifest, "a", NULL, NULL,
					  &im, &f->err),
			 -1);
	assert_null(im);
	assert_non_null(strstr(f->err.msg, "hashes to "
					   "sha256:"
					   "44136fa355b3678a1146ad16f7e8649e94f"
					   "b4fc21fe77e8310c060f61caaff8a"));
	free(cfg);
	img_clear(&ia), img_clear(&ib);
}

/* --- inspect ------------------------------------------------------------ */

static void
test_inspect_pairs_layers_with_history_skipping_empty_layer_steps(void **state)
{
	struct fixture *f = *state;
	struct img ia = {0}, ib = {0};
	two_images(f, &ia, &ib, LAYER_GZIP);
	struct image *b = open_img(f, &ib, "b");
	json_t *j = image_inspect_json(b);
	json_t *layers = json_object_get(j, "layers");
	assert_int_equal(json_array_size(layers), 2);
	assert_string_equal(json_string_value(json_object_get(
				json_array_get(layers, 1), "createdBy")),
			    "COPY extra /extra");
	assert_string_equal(json_string_value(json_object_get(
				json_array_get(layers, 1), "diffID")),
			    json_string_value(json_array_get(ib.diff_ids, 1)));
	assert_string_equal(json_string_value(json_object_get(
				json_object_get(j, "manifest"), "digest")),
			    ib.manifest);
	assert_string_equal(json_string_value(json_object_get(
				json_object_get(j, "labels"), "v")),
			    "2");
	assert_null(json_object_get(j, "base"));
	json_decref(j);
	image_free(b);
	img_clear(&ia), img_clear(&ib);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_fields_compare_labels_env_and_annotations_key_by_key),
	    T(test_fields_leave_rootfs_history_and_layer_digests_out),
	    T(test_files_merge_reports_each_added_removed_and_changed_entry),
	    T(test_file_compare_names_each_attribute_and_a_type_change_alone),
	    T(test_files_later_entry_of_a_path_wins),
	    T(test_history_alignment_keeps_an_inserted_step_from_shifting_the_rest),
	    T(test_files_read_hashes_content_and_keeps_links_owners_xattrs),
	    T(test_diff_of_images_reports_a_mode_a_content_a_label_and_an_extra_layer),
	    T(test_diff_says_the_compressor_when_only_compressed_bytes_differ),
	    T(test_diff_of_an_image_with_itself_is_identical_and_reads_no_layer),
	    T(test_diff_same_entries_in_other_tar_bytes_is_one_tar_difference),
	    T(test_diff_same_fields_in_other_bytes_is_one_document_difference),
	    T(test_diff_of_images_differing_only_in_history_says_so),
	    T(test_image_open_picks_the_platform_from_a_layout_index),
	    T(test_image_open_reads_a_tarball_and_streams_its_layers),
	    T(test_image_open_refuses_a_blob_that_does_not_match_its_digest),
	    T(test_inspect_pairs_layers_with_history_skipping_empty_layer_steps),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
