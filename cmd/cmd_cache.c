/* cmd_cache: `kiln cache du|prune` — argument parsing only. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../compiler/build.h"
#include "../compiler/cache_admin.h"
#include "commands.h"

int cmd_cache(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "cache-dir", required_argument, NULL, 'c' },
		{ "keep", required_argument, NULL, 'k' },
		{ NULL, 0, NULL, 0 },
	};
	struct kerr err = KERR_INIT;
	const char *dir = NULL, *keep = "0";
	int c, r = 0;
	while (!r && (c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'c')
			dir = optarg;
		else if (c == 'k')
			keep = optarg;
		else
			r = kerr_set(&err, KERR_USAGE, "cache: bad option");
	}
	bool du = optind + 1 == argc && !strcmp(argv[optind], "du");
	bool prune = optind + 1 == argc && !strcmp(argv[optind], "prune");
	uint64_t bytes = 0;
	if (!r && !du && !prune)
		r = kerr_set(&err, KERR_USAGE, "cache: want du or prune");
	if (!r && prune)
		r = cache_parse_size(keep, &bytes, &err);
	char *cache = build_cache_dir(dir);
	if (!r)
		r = du ? cache_du(cache, stdout, &err) : cache_prune(cache, bytes, stdout, &err);
	free(cache);
	if (r < 0)
		fprintf(stderr, "kiln: %s\n", err.msg);
	return r < 0 ? err.code : 0;
}
