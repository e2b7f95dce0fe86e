/* sandbox_driver: runs one RUN step the way the executor will, for
 * t_sandbox.sh: layer tars unpacked with layer_unpack (or plain dirs)
 * stacked as lowers, sandbox_run, then upper_diff printed one entry a line:
 *   TYPE PATH MODE UID:GID [SIZE | -> LINK] [XATTR...]
 * Usage: sandbox_driver [--cache DIR --layer TAR | --lower DIR]...
 *          --upper DIR --work DIR [--user UID[:GID]] [--groups G,G]
 *          [--network none|host] [--cwd DIR] [--hostname H] [--env K=V]...
 *          [--prefix P] [--bind SRC:DST[:ro]]... [--tmpfs DST]... -- ARGV...
 * Lowers are given bottom first, as a manifest lists layers. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../../compiler/sandbox.h"
#include "../../../compiler/upper_diff.h"
#include "../../../oci/strlist.h"
#include "../../../oci/unpack.h"

static const char *type_name(enum layer_type t)
{
	switch (t) {
	case LAYER_FILE:
		return "file";
	case LAYER_DIR:
		return "dir";
	case LAYER_SYMLINK:
		return "symlink";
	default:
		return "hardlink";
	}
}

static void usage(void)
{
	fprintf(stderr, "usage: sandbox_driver [options] -- ARGV...\n");
	exit(2);
}

int main(int argc, char **argv)
{
	struct sandbox_opts o = {.network = SANDBOX_NET_NONE};
	struct strlist lowers = STRLIST_INIT, env = STRLIST_INIT;
	struct sandbox_mount mounts[16];
	gid_t groups[16];
	const char *cache = NULL;
	struct kerr err = KERR_INIT;
	int i;

	/* kiln runs in the foreground, where ^C kills it; the test starts the
	 * driver with "&", which ignores SIGINT */
	signal(SIGINT, SIG_DFL);
	for (i = 1; i < argc && strcmp(argv[i], "--"); i++) {
		const char *opt = argv[i],
			   *val = i + 1 < argc ? argv[i + 1] : NULL;
		if (!val)
			usage();
		i++;
		if (!strcmp(opt, "--cache")) {
			cache = val;
		} else if (!strcmp(opt, "--layer")) {
			char name[64];
			snprintf(name, sizeof(name), "%s/layer%zu",
				 cache ? cache : ".", lowers.n);
			if (!cache || layer_unpack(val, name, &err) < 0) {
				fprintf(stderr, "driver: %s\n",
					cache ? err.msg
					      : "--layer needs --cache first");
				return 1;
			}
			strlist_push(&lowers, name);
		} else if (!strcmp(opt, "--lower")) {
			strlist_push(&lowers, val);
		} else if (!strcmp(opt, "--upper")) {
			o.upper = val;
		} else if (!strcmp(opt, "--work")) {
			o.work = val;
		} else if (!strcmp(opt, "--user")) {
			char *end;
			o.uid = (uid_t)strtoul(val, &end, 10);
			o.gid = *end == ':' ? (gid_t)strtoul(end + 1, NULL, 10)
					    : o.uid;
		} else if (!strcmp(opt, "--groups")) {
			for (const char *p = val; *p && o.n_groups < 16;
			     p += strcspn(p, ","), p += *p == ',')
				groups[o.n_groups++] =
				    (gid_t)strtoul(p, NULL, 10);
			o.groups = groups;
		} else if (!strcmp(opt, "--network")) {
			o.network = !strcmp(val, "host") ? SANDBOX_NET_HOST
							 : SANDBOX_NET_NONE;
		} else if (!strcmp(opt, "--cwd")) {
			o.cwd = val;
		} else if (!strcmp(opt, "--hostname")) {
			o.hostname = val;
		} else if (!strcmp(opt, "--env")) {
			strlist_push(&env, val);
		} else if (!strcmp(opt, "--prefix")) {
			o.prefix = val;
		} else if ((!strcmp(opt, "--bind") ||
			    !strcmp(opt, "--tmpfs")) &&
			   o.n_mounts < 16) {
			struct sandbox_mount *m = &mounts[o.n_mounts++];
			char *spec = strdup(val), *ro;
			memset(m, 0, sizeof(*m));
			m->type = opt[2] == 'b' ? SANDBOX_MOUNT_BIND
						: SANDBOX_MOUNT_TMPFS;
			if (m->type == SANDBOX_MOUNT_BIND) {
				char *colon = strchr(spec, ':');
				if (!colon)
					usage();
				*colon = '\0';
				m->source = spec;
				m->target = colon + 1;
			} else {
				m->target = spec;
			}
			if ((ro = strstr(spec +
					     (m->source ? strlen(spec) + 1 : 0),
					 ":ro"))) {
				*ro = '\0';
				m->readonly = true;
			}
			o.mounts = mounts;
		} else {
			usage();
		}
	}
	if (i >= argc - 1)
		usage();
	o.argv = &argv[i + 1];
	/* sandbox_opts wants them top first */
	const char **top_first = calloc(lowers.n + 1, sizeof(*top_first));
	for (size_t k = 0; k < lowers.n; k++)
		top_first[k] = lowers.v[lowers.n - 1 - k];
	o.lowers = top_first;
	o.n_lowers = lowers.n;
	strlist_push_owned(&env, NULL); /* the NULL end for execve */
	env.n--;
	o.env = env.v;

	if (sandbox_run(&o, &err) < 0) {
		fprintf(stderr, "driver: %s\n", err.msg);
		return 1;
	}
	struct fs_tree t = FS_TREE_INIT;
	if (upper_diff(o.upper, 0, &t, &err) < 0) {
		fprintf(stderr, "driver: %s\n", err.msg);
		return 1;
	}
	size_t lo, hi;
	fs_tree_below(&t, "", &lo, &hi);
	for (size_t k = lo; k < hi; k++) {
		const struct layer_entry *e = &t.e[k];
		printf("%s %s %04o %u:%u", type_name(e->type), e->path, e->mode,
		       e->uid, e->gid);
		if (e->type == LAYER_FILE)
			printf(" %zu", e->size);
		if (e->link)
			printf(" -> %s", e->link);
		for (size_t x = 0; x < e->xattrs.n; x++)
			printf(" %s", e->xattrs.v[x]);
		printf("\n");
	}
	fs_tree_clear(&t);
	free(top_first);
	strlist_clear(&lowers);
	return 0;
}
