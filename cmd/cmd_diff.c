/* cmd_diff: `kiln diff` and `kiln inspect` — argument parsing, and the one
 * step oci/ may not take itself: a registry reference is pulled with
 * fetch/ into the blob store, which oci/image_read then opens like any
 * layout (see oci/image_diff.h, oci/inspect.h). */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../compiler/build.h"
#include "../fetch/registry.h"
#include "../oci/image_diff.h"
#include "../oci/image_read.h"
#include "../oci/inspect.h"
#include "commands.h"

/* What image_layer_open calls to fetch a layer of a reference. */
struct puller {
	struct fetch_client *fc;
	char *ref;
};

struct open_opts {
	const char *platform;
	const char *cache_dir;
	struct strlist insecure;
	bool json;
	char *cache; /* set up on the first reference */
	struct blobstore *bs;
	struct fetch_client *fc;
	struct puller pullers[2]; /* one per reference opened */
	size_t n_pullers;
};

static void open_opts_clear(struct open_opts *o)
{
	for (size_t i = 0; i < o->n_pullers; i++)
		free(o->pullers[i].ref);
	fetch_client_free(o->fc);
	blobstore_free(o->bs);
	free(o->cache);
	strlist_clear(&o->insecure);
}

/* Paths are what exists, what is spelt like a path, or what lies in a
 * directory that exists; the rest are references. */
static bool is_path(const char *arg)
{
	struct stat st;
	size_t n = strlen(arg), dir = strcspn(arg, "/");
	bool in_dir = false;
	if (arg[dir] == '/') {
		char *d = strndup(arg, dir);
		in_dir = d && !stat(d, &st) && S_ISDIR(st.st_mode);
		free(d);
	}
	return in_dir || !stat(arg, &st) || arg[0] == '/' || arg[0] == '.' ||
	       (n > 4 && !strcmp(arg + n - 4, ".tar"));
}

static int client(struct open_opts *o, struct kerr *err)
{
	struct fetch_opts fo = {.platform = o->platform,
				.insecure = o->insecure};
	if (o->fc)
		return 0;
	o->cache = build_cache_dir(o->cache_dir);
	if (!(o->bs = blobstore_open(o->cache, err)))
		return -1;
	o->fc = fetch_client_new(&fo, o->bs, err);
	return o->fc ? 0 : -1;
}

static int pull_blob(void *ctx, const char *digest, uint64_t size,
		     struct kerr *err)
{
	struct puller *p = ctx;
	return fetch_blob(p->fc, p->ref, digest, size, err);
}

/* Resolves ref into the store; its layers are fetched when read. */
static int pull(struct open_opts *o, const char *ref, struct image **out,
		struct kerr *err)
{
	struct fetch_image fi = {0};
	struct puller *p = &o->pullers[o->n_pullers];
	int r = client(o, err);
	if (!r)
		r = fetch_resolve(o->fc, ref, &fi, err);
	if (!r) {
		p->fc = o->fc;
		p->ref = xstrdup(ref);
		o->n_pullers++;
		r = image_open_store(o->cache, fi.manifest_digest, ref,
				     pull_blob, p, out, err);
	}
	fetch_image_clear(&fi);
	return r;
}

static int open_any(struct open_opts *o, const char *arg, struct image **out,
		    struct kerr *err)
{
	if (is_path(arg))
		return image_open(arg, o->platform, out, err);
	return pull(o, arg, out, err);
}

/* The options both commands take. */
static int parse(int argc, char **argv, struct open_opts *o, struct kerr *err)
{
	static const struct option opts[] = {
	    {"json", no_argument, NULL, 'j'},
	    {"platform", required_argument, NULL, 'p'},
	    {"cache-dir", required_argument, NULL, 'c'},
	    {"insecure-registry", required_argument, NULL, 'i'},
	    {NULL, 0, NULL, 0},
	};
	int c;
	opterr = 0; /* one line of our own instead */
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			o->json = true;
			break;
		case 'p':
			o->platform = optarg;
			break;
		case 'c':
			o->cache_dir = optarg;
			break;
		case 'i':
			strlist_push(&o->insecure, optarg);
			break;
		default:
			return kerr_set(err, KERR_USAGE,
					"%s: bad option %s (see kiln --help)",
					argv[0], argv[optind - 1]);
		}
	}
	return 0;
}

static void print_json(json_t *j)
{
	json_dumpf(j, stdout, JSON_SORT_KEYS | JSON_INDENT(2));
	fputc('\n', stdout);
	json_decref(j);
}

static int fail(struct open_opts *o, const struct kerr *err)
{
	fprintf(stderr, "kiln: %s\n", err->msg);
	open_opts_clear(o);
	return 2;
}

int cmd_diff(int argc, char **argv)
{
	struct open_opts o = {0};
	struct kerr err = KERR_INIT;
	struct image *a = NULL, *b = NULL;
	struct image_diff_result r;
	if (parse(argc, argv, &o, &err) < 0)
		return fail(&o, &err);
	if (argc - optind != 2) {
		kerr_set(&err, KERR_USAGE,
			 "diff: want two images: kiln diff [--json] "
			 "[--platform P] A B");
		return fail(&o, &err);
	}
	if (open_any(&o, argv[optind], &a, &err) < 0 ||
	    open_any(&o, argv[optind + 1], &b, &err) < 0 ||
	    image_diff(a, b, &r, &err) < 0) {
		if (a && b)
			image_diff_result_clear(&r);
		image_free(a);
		image_free(b);
		return fail(&o, &err);
	}
	if (o.json)
		print_json(image_diff_json(&r));
	else
		image_diff_print_text(stdout, &r);
	int code = r.identical ? 0 : 1;
	image_diff_result_clear(&r);
	image_free(a);
	image_free(b);
	open_opts_clear(&o);
	return code;
}

int cmd_inspect(int argc, char **argv)
{
	struct open_opts o = {0};
	struct kerr err = KERR_INIT;
	struct image *im = NULL;
	if (parse(argc, argv, &o, &err) < 0)
		return fail(&o, &err);
	if (argc - optind != 1) {
		kerr_set(&err, KERR_USAGE,
			 "inspect: want one image: kiln inspect [--json] "
			 "[--platform P] IMAGE");
		return fail(&o, &err);
	}
	if (open_any(&o, argv[optind], &im, &err) < 0)
		return fail(&o, &err);
	if (o.json)
		print_json(image_inspect_json(im));
	else
		image_inspect_print_text(stdout, im);
	image_free(im);
	open_opts_clear(&o);
	return 0;
}
