/* sandbox_internal: what sandbox.c (the caller's side) shares with
 * sandbox_setup.c (the sandbox's own processes) and sandbox_path.c. Not for
 * other files. */
#ifndef KILN_SANDBOX_INTERNAL_H
#define KILN_SANDBOX_INTERNAL_H

#include <stdbool.h>
#include <sys/types.h>

#include "sandbox.h"

/* One message up the report pipe, written whole (smaller than PIPE_BUF,
 * so atomic). The first SETUP or EXEC message wins over EXIT. */
enum sandbox_report_kind {
	SANDBOX_REPORT_SETUP = 1, /* msg: the failed step */
	SANDBOX_REPORT_EXEC,	  /* msg: why execve failed */
	SANDBOX_REPORT_EXIT,	  /* status: the command's wait status */
};

struct sandbox_report {
	int kind;
	int status;
	char msg[1024];
};

/* Everything the sandbox processes need, prepared before the fork. */
struct sandbox_child {
	const struct sandbox_opts *o;
	pid_t kiln;   /* the caller: the sandbox dies with it */
	int out_w;    /* the command's stdout and stderr */
	int report_w; /* struct sandbox_report messages */
	const struct sandbox_mount **mounts; /* sorted by target */
	const char *cwd;
	const char *hostname;
};

/* Process A: unshares the namespaces, forks pid 1 of the new pid namespace
 * and waits for it. Never returns. */
_Noreturn void sandbox_child_main(const struct sandbox_child *c);

enum sandbox_want { SANDBOX_WANT_ANY, SANDBOX_WANT_DIR, SANDBOX_WANT_FILE };
#define SANDBOX_CREATE 1 /* create what is missing (dirs 0755, files 0644) */
#define SANDBOX_MARK 2	 /* ...and mark it with SANDBOX_STUB_XATTR */

/* Opens path (absolute inside the root whose directory fd is root) as an
 * O_PATH fd, resolving symlinks as if root were "/" (".." stops at it),
 * never leaving it. want: what the last component must be. -1 with errno
 * set on failure. */
int sandbox_open_in_root(int root, const char *path, enum sandbox_want want,
			 int flags);

#endif
