/* cmd_build: `kiln build` and `kiln verify` — argument parsing only (see
 * compiler/build.h and compiler/verify.h). They share every build flag. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "../compiler/build.h"
#include "../compiler/verify.h"
#include "commands.h"

static const struct option opts[] = {
	{ "file", required_argument, NULL, 'f' },
	{ "tag", required_argument, NULL, 't' },
	{ "output", required_argument, NULL, 'o' },
	{ "target", required_argument, NULL, 'T' },
	{ "build-arg", required_argument, NULL, 'b' },
	{ "platform", required_argument, NULL, 'p' },
	{ "cache-dir", required_argument, NULL, 'c' },
	{ "source-date-epoch", required_argument, NULL, 'e' },
	{ "compression", required_argument, NULL, 'z' },
	{ "progress", required_argument, NULL, 'P' },
	{ "lock", required_argument, NULL, 'l' },
	{ "locked", no_argument, NULL, 'L' },
	{ "offline", no_argument, NULL, 'O' },
	{ "vendor", required_argument, NULL, 'v' },
	{ "insecure-registry", required_argument, NULL, 'i' },
	{ "network", required_argument, NULL, 'n' },
	{ "secret", required_argument, NULL, 's' },
	{ "no-cache", no_argument, NULL, 'N' },
	{ "image", required_argument, NULL, 'I' },
	{ "json", no_argument, NULL, 'J' },
	{ NULL, 0, NULL, 0 },
};

static int parse_compression(const char *s, enum layer_compression *c,
			     struct kerr *err)
{
	static const char *const names[] = { "gzip", "zstd", "none" };
	for (int i = 0; i < 3; i++)
		if (!strcmp(s, names[i])) {
			*c = (enum layer_compression)i;
			return 0;
		}
	return kerr_set(err, KERR_USAGE, "--compression must be gzip, zstd or none");
}

static int parse_network(const char *s, bool *none, struct kerr *err)
{
	if (strcmp(s, "none") && strcmp(s, "host"))
		return kerr_set(err, KERR_USAGE, "--network must be host or none");
	*none = !strcmp(s, "none");
	return 0;
}

/* One option into o (or v for verify's own); -1 with err on a bad one. */
static int take(int c, struct build_opts *o, struct verify_opts *v,
		struct kerr *err)
{
	switch (c) {
	case 'f': o->fe.file = optarg; return 0;
	case 't': strlist_push(&o->tags, optarg); return 0;
	case 'o': o->output = optarg; return 0;
	case 'T': o->fe.plan.target = optarg; return 0;
	case 'b': frontend_build_arg(&o->fe, optarg); return 0;
	case 'p': o->fe.plan.platform = optarg; return 0;
	case 'c': o->cache_dir = optarg; return 0;
	case 'e': o->epoch = optarg; return 0;
	case 'P': o->quiet = !strcmp(optarg, "quiet"); return 0;
	case 'l': o->pin.lock_path = optarg; return 0;
	case 'L': o->pin.locked = true; return 0;
	case 'O': o->pin.offline = true; return 0;
	case 'v': o->vendor = optarg; return 0;
	case 'i': strlist_push(&o->pin.insecure, optarg); return 0;
	case 'N': o->no_cache = true; return 0;
	case 'n': return parse_network(optarg, &o->network_none, err);
	case 's': return build_secret(o, optarg, err);
	case 'z': return parse_compression(optarg, &o->pin.compression, err);
	case 'I': if (v) { v->image = optarg; return 0; } break;
	case 'J': if (v) { v->json = true; return 0; } break;
	}
	return kerr_set(err, KERR_USAGE, "bad option (see kiln --help)");
}

static int run(int argc, char **argv, struct verify_opts *v)
{
	struct build_opts o = { 0 };
	struct kerr err = KERR_INIT;
	const char *what = v ? "verify" : "build";
	int c, r = 0;
	o.pin.compression = LAYER_GZIP;
	while (!r && (c = getopt_long(argc, argv, "f:t:o:", opts, NULL)) != -1)
		r = take(c, &o, v, &err);
	if (!r && argc - optind != 1)
		r = kerr_set(&err, KERR_USAGE,
			     "want exactly one CONTEXT (a directory, or - for a Dockerfile on stdin)");
	if (!r && v && !v->image)
		r = kerr_set(&err, KERR_USAGE, "want --image IMAGE");
	if (r < 0)
		kerr_prefix(&err, "%s", what);
	if (!r) {
		o.fe.context = argv[optind];
		r = v ? verify_run(&o, v, &err) : build_run(&o, &err);
	}
	build_opts_clear(&o);
	if (r < 0 && err.code)
		fprintf(stderr, "kiln: %s\n", err.msg);
	return r < 0 ? err.code : r;
}

int cmd_build(int argc, char **argv)
{
	return run(argc, argv, NULL);
}

int cmd_verify(int argc, char **argv)
{
	struct verify_opts v = { 0 };
	return run(argc, argv, &v);
}
