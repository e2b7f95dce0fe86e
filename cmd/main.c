/* main: kiln's entry point; picks the sub-command. */
#include <stdio.h>
#include <string.h>

#include "commands.h"

static void usage(FILE *out)
{
	fputs("usage: kiln <command> [options]\n"
	      "\n"
	      "commands:\n"
	      "  build [-f FILE|-] [-t NAME:TAG]... [-o OUT.tar] [--target S]\n"
	      "        [--build-arg K[=V]]... [--platform P] [--cache-dir DIR]\n"
	      "        [--source-date-epoch N] [--compression gzip|zstd|none]\n"
	      "        [--progress plain|quiet] [--lock PATH] [--locked] [--offline]\n"
	      "        [--vendor DIR] [--insecure-registry HOST]... [--network host|none]\n"
	      "        [--secret id=ID,src=PATH]... [--no-cache] CONTEXT|-\n"
	      "                                   build an OCI image tarball\n"
	      "  verify [build flags] --image IMAGE [--json] CONTEXT\n"
	      "                                   rebuild (--locked) and compare with IMAGE\n"
	      "  lock [-f FILE] [--build-arg K[=V]]... [--platform P] [--lock PATH]\n"
	      "       [--update] [--insecure-registry HOST]... CONTEXT\n"
	      "                                   pin every base image and URL in kiln.lock\n"
	      "  vendor [--lock PATH] -o DIR      every pinned blob into an OCI layout\n"
	      "  cache du|prune [--keep SIZE] [--cache-dir DIR]\n"
	      "                                   cache usage; remove least recently used\n"
	      "  parse [-f FILE] [--json] [--target S] [--build-arg K[=V]]...\n"
	      "        [--platform P] [CONTEXT]   print the Dockerfile's syntax tree\n"
	      "                                   (--json: the planned stage graph)\n"
	      "  diff [--json] [--platform P] A B config, layer and file differences\n"
	      "  inspect [--json] IMAGE           digests, layers, history, config\n",
	      out);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "build"))
		return cmd_build(argc - 1, argv + 1);
	if (!strcmp(argv[1], "verify"))
		return cmd_verify(argc - 1, argv + 1);
	if (!strcmp(argv[1], "cache"))
		return cmd_cache(argc - 1, argv + 1);
	if (!strcmp(argv[1], "lock"))
		return cmd_lock(argc - 1, argv + 1);
	if (!strcmp(argv[1], "vendor"))
		return cmd_vendor(argc - 1, argv + 1);
	if (!strcmp(argv[1], "parse"))
		return cmd_parse(argc - 1, argv + 1);
	if (!strcmp(argv[1], "diff"))
		return cmd_diff(argc - 1, argv + 1);
	if (!strcmp(argv[1], "inspect"))
		return cmd_inspect(argc - 1, argv + 1);
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") ||
	    !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	fprintf(stderr, "kiln: unknown command \"%s\" (see kiln --help)\n",
		argv[1]);
	return 2;
}
