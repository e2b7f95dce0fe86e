/* cmd_build: `kiln build` — argument parsing only (see compiler/build.h). */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "../compiler/build.h"
#include "commands.h"

static int parse_compression(const char *s, enum layer_compression *c)
{
	if (!strcmp(s, "gzip"))
		*c = LAYER_GZIP;
	else if (!strcmp(s, "zstd"))
		*c = LAYER_ZSTD;
	else if (!strcmp(s, "none"))
		*c = LAYER_NONE;
	else
		return -1;
	return 0;
}

int cmd_build(int argc, char **argv)
{
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
		{ NULL, 0, NULL, 0 },
	};
	struct build_opts o = { 0 };
	struct kerr err = KERR_INIT;
	int c;
	o.pin.compression = LAYER_GZIP;
	while ((c = getopt_long(argc, argv, "f:t:o:", opts, NULL)) != -1) {
		switch (c) {
		case 'f': o.fe.file = optarg; break;
		case 't': strlist_push(&o.tags, optarg); break;
		case 'o': o.output = optarg; break;
		case 'T': o.fe.plan.target = optarg; break;
		case 'b': frontend_build_arg(&o.fe, optarg); break;
		case 'p': o.fe.plan.platform = optarg; break;
		case 'c': o.cache_dir = optarg; break;
		case 'e': o.epoch = optarg; break;
		case 'P': o.quiet = !strcmp(optarg, "quiet"); break;
		case 'l': o.pin.lock_path = optarg; break;
		case 'L': o.pin.locked = true; break;
		case 'O': o.pin.offline = true; break;
		case 'v': o.vendor = optarg; break;
		case 'i': strlist_push(&o.pin.insecure, optarg); break;
		case 'N': o.no_cache = true; break;
		case 'n':
			if (!strcmp(optarg, "none") || !strcmp(optarg, "host")) {
				o.network_none = !strcmp(optarg, "none");
				break;
			}
			fprintf(stderr, "kiln: build: --network must be host or none\n");
			build_opts_clear(&o);
			return 2;
		case 's':
			if (!build_secret(&o, optarg, &err))
				break;
			fprintf(stderr, "kiln: %s\n", err.msg);
			build_opts_clear(&o);
			return 2;
		case 'z':
			if (!parse_compression(optarg, &o.pin.compression))
				break;
			fprintf(stderr, "kiln: build: --compression must be gzip, zstd or none\n");
			/* fall through */
		default: build_opts_clear(&o); return 2;
		}
	}
	if (argc - optind != 1) {
		fputs("kiln: build: want exactly one CONTEXT (a directory, or - for a Dockerfile on stdin)\n", stderr);
		build_opts_clear(&o);
		return 2;
	}
	o.fe.context = argv[optind];
	int r = build_run(&o, &err);
	build_opts_clear(&o);
	if (r < 0)
		fprintf(stderr, "kiln: %s\n", err.msg);
	return r < 0 ? err.code : 0;
}
