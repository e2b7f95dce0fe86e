/* cmd_lock: `kiln lock` and `kiln vendor` — argument parsing only. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "../compiler/lock.h"
#include "../compiler/vendor.h"
#include "commands.h"

static int finish(int r, const struct kerr *err)
{
	if (r < 0)
		fprintf(stderr, "kiln: %s\n", err->msg);
	return r < 0 ? err->code : 0;
}

int cmd_lock(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "file", required_argument, NULL, 'f' },
		{ "build-arg", required_argument, NULL, 'b' },
		{ "platform", required_argument, NULL, 'p' },
		{ "lock", required_argument, NULL, 'l' },
		{ "update", no_argument, NULL, 'u' },
		{ "insecure-registry", required_argument, NULL, 'i' },
		{ "cache-dir", required_argument, NULL, 'c' },
		{ NULL, 0, NULL, 0 },
	};
	struct lock_opts o = { 0 };
	struct kerr err = KERR_INIT;
	int c, r = 0;
	while (!r && (c = getopt_long(argc, argv, "f:", opts, NULL)) != -1) {
		switch (c) {
		case 'f': o.fe.file = optarg; break;
		case 'b': frontend_build_arg(&o.fe, optarg); break;
		case 'p': o.fe.plan.platform = optarg; break;
		case 'l': o.pin.lock_path = optarg; break;
		case 'u': o.pin.update = true; break;
		case 'i': strlist_push(&o.pin.insecure, optarg); break;
		case 'c': o.cache_dir = optarg; break;
		default: r = kerr_set(&err, KERR_USAGE, "lock: bad option (see kiln --help)");
		}
	}
	if (!r && argc - optind != 1)
		r = kerr_set(&err, KERR_USAGE, "lock: want exactly one CONTEXT");
	if (!r) {
		o.fe.context = argv[optind];
		r = lock_run(&o, &err);
	}
	frontend_opts_clear(&o.fe);
	strlist_clear(&o.pin.insecure);
	return finish(r, &err);
}

int cmd_vendor(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "lock", required_argument, NULL, 'l' },
		{ "output", required_argument, NULL, 'o' },
		{ "insecure-registry", required_argument, NULL, 'i' },
		{ "cache-dir", required_argument, NULL, 'c' },
		{ "platform", required_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 },
	};
	struct vendor_opts o = { 0 };
	struct kerr err = KERR_INIT;
	int c, r = 0;
	while (!r && (c = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
		switch (c) {
		case 'l': o.lock_path = optarg; break;
		case 'o': o.out_dir = optarg; break;
		case 'i': strlist_push(&o.insecure, optarg); break;
		case 'c': o.cache_dir = optarg; break;
		case 'p': o.platform = optarg; break;
		default: r = kerr_set(&err, KERR_USAGE, "vendor: bad option (see kiln --help)");
		}
	}
	if (!r && (!o.out_dir || optind != argc))
		r = kerr_set(&err, KERR_USAGE, "vendor: want -o DIR and no other argument");
	if (!r)
		r = vendor_run(&o, &err);
	strlist_clear(&o.insecure);
	return finish(r, &err);
}
