/* sandbox: runs one RUN step's command on an overlay of the stage's layers,
 * with kiln's own namespaces (no container engine): new mount, pid, uts
 * and ipc namespaces (and net for --network none), pivot_root into the
 * overlay, a minimal /dev, /proc, read-only /sys and fixed /etc/hosts,
 * /etc/hostname and /etc/resolv.conf. Everything the command writes lands
 * in the upper dir, which upper_diff() turns into a layer.
 *
 * Needs root (real root: mounts, pivot_root, mknod of whiteouts by
 * overlayfs). Nothing is ever mounted in the caller's mount namespace:
 * every mount lives in the sandbox's own and vanishes with it, on every
 * path, including the caller being killed (SIGINT): the sandbox processes
 * die with it (PR_SET_PDEATHSIG), and with its init the whole pid
 * namespace. Call sandbox_run from a thread that lives until it returns
 * (the death signal follows the thread that forked). */
#ifndef KILN_SANDBOX_H
#define KILN_SANDBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "../oci/kerr.h"
#include "../oci/strbuf.h"

/* The hostname of every RUN unless the caller gives another. */
#define SANDBOX_HOSTNAME "kiln"
/* Marks a mount point the sandbox had to create through the overlay (in
 * the upper dir) because the lowers lacked it and its bottom scaffold layer
 * could not provide it (e.g. /etc/resolv.conf, a symlink to a missing
 * file); upper_diff() leaves such entries out of the layer. */
#define SANDBOX_STUB_XATTR "trusted.kiln.mountpoint"
/* How many of the command's last output lines an error message quotes. */
#define SANDBOX_TAIL_LINES 20

enum sandbox_network {
	SANDBOX_NET_NONE, /* a new network namespace with only lo, up */
	SANDBOX_NET_HOST, /* the host's network and /etc/resolv.conf */
};

enum sandbox_mount_type {
	SANDBOX_MOUNT_BIND,  /* source: a host path (file or directory) */
	SANDBOX_MOUNT_TMPFS, /* source unused */
};

/* An extra mount at target, an absolute path inside the root without ".."
 * components. Its mount point is created if the lowers lack it and never
 * shows in the layer. Mounts are made in target order, so a mount inside
 * another one's target works. */
struct sandbox_mount {
	enum sandbox_mount_type type;
	const char *source;
	const char *target;
	bool readonly;
	const char *tmpfs_options; /* tmpfs mount data; NULL: "mode=0755" */
};

struct sandbox_opts {
	/* The stage's layers as directories (layer_unpack's, or earlier
	 * steps' upper dirs), top first as overlayfs's lowerdir wants them;
	 * none is fine (FROM scratch). At most about 200. */
	const char *const *lowers;
	size_t n_lowers;
	/* Fresh per step. Created (0755) when missing; they must be empty
	 * and on the same file system. The upper dir's root gets the owner
	 * and mode of the top lower's root, as the merged root shows it.
	 * The caller removes both after upper_diff() (work holds a dir
	 * overlayfs leaves with mode 000). */
	const char *upper;
	const char *work;
	/* NULL-terminated. Exec form as given; shell form already built by
	 * the caller (e.g. {"/bin/sh", "-c", "cmd", NULL}). argv[0] without
	 * a "/" is looked up in the PATH of env. */
	char *const *argv;
	/* NULL-terminated "K=V": the command's whole environment (image ENV,
	 * build args, SOURCE_DATE_EPOCH); NULL: empty. */
	char *const *env;
	/* Absolute inside the root; created 0755 (in the layer, as the
	 * command needs it) when missing. NULL: "/". */
	const char *cwd;
	uid_t uid;
	gid_t gid;
	const gid_t *groups; /* supplementary groups, n_groups of them */
	size_t n_groups;
	const char *hostname; /* NULL: SANDBOX_HOSTNAME */
	enum sandbox_network network;
	const struct sandbox_mount *mounts;
	size_t n_mounts;
	/* Each output line (stdout and stderr, merged, live) is written to
	 * out_fd as prefix + line, e.g. "[3/7] ". out_fd 0 (a zeroed struct)
	 * means stderr: RUN output never goes to kiln's stdin. */
	const char *prefix;
	int out_fd;
	bool quiet; /* keep the tail for errors, print nothing */
	/* If set, receives the last SANDBOX_TAIL_LINES lines of output
	 * (each ending in "\n"), whatever the outcome. */
	struct strbuf *tail;
};

/* Runs the command and waits for it; when it exits, every process left in
 * its pid namespace is killed. 0 when it exited with code 0. Otherwise -1
 * and err says "RUN exited with code N" (or "RUN killed by signal S") and
 * quotes the last lines of output; a failure to set the sandbox up reads
 * "RUN sandbox: <syscall> <path>: <reason>". */
int sandbox_run(const struct sandbox_opts *o, struct kerr *err);

#endif
