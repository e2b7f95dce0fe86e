/* git: git sources through the git command (see git.h). The command runs
 * with no shell, no terminal prompt and its stderr kept for messages. */
#include "git.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../oci/digest.h"
#include "../oci/fsutil.h"
#include "../oci/strbuf.h"

bool fetch_git_is_source(const char *s)
{
	size_t n = strcspn(s, "#");
	bool dotgit = n >= 4 && !strncmp(s + n - 4, ".git", 4);
	return !strncmp(s, "git://", 6) || !strncmp(s, "git@", 4) ||
	       !strncmp(s, "ssh://", 6) ||
	       (dotgit && (!strncmp(s, "https://", 8) || !strncmp(s, "http://", 7)));
}

void fetch_git_split(const char *src, char **url, char **ref, char **subdir)
{
	const char *hash = strchr(src, '#');
	*url = xstrndup(src, hash ? (size_t)(hash - src) : strlen(src));
	const char *frag = hash ? hash + 1 : "", *colon = strchr(frag, ':');
	*ref = xstrndup(frag, colon ? (size_t)(colon - frag) : strlen(frag));
	*subdir = xstrdup(colon ? colon + 1 : "");
}

/* Runs git with argv; its stdout into out (may be NULL). */
static int run_git(char *const argv[], struct strbuf *out, struct kerr *err)
{
	int po[2], pe[2];
	if (pipe(po) < 0 || pipe(pe) < 0)
		return kerr_set(err, KERR_BUILD, "pipe: %s", strerror(errno));
	pid_t pid = fork();
	if (pid == 0) {
		dup2(po[1], 1);
		dup2(pe[1], 2);
		close(po[0]), close(pe[0]);
		setenv("GIT_TERMINAL_PROMPT", "0", 1);
		execvp("git", argv);
		_exit(127);
	}
	close(po[1]), close(pe[1]);
	struct strbuf errs = STRBUF_INIT;
	char buf[4096];
	ssize_t n;
	while ((n = read(po[0], buf, sizeof(buf))) > 0)
		if (out)
			sb_add(out, buf, (size_t)n);
	while ((n = read(pe[0], buf, sizeof(buf))) > 0)
		sb_add(&errs, buf, (size_t)n);
	close(po[0]), close(pe[0]);
	int st = 0, r = 0;
	if (pid < 0 || waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st)) {
		const char *e = sb_str(&errs);
		r = kerr_set(err, KERR_BUILD, "git %s: %.*s", argv[1],
			     (int)strcspn(e, "\n"), *e ? e : "failed (is git installed?)");
	}
	sb_release(&errs);
	return r;
}

static bool is_commit(const char *s)
{
	return strlen(s) == 40 && strspn(s, "0123456789abcdef") == 40;
}

/* Of ls-remote's lines, the one for ref: a peeled tag first. */
static bool pick(const char *lines, const char *ref, char commit[41])
{
	static const char *const forms[] = { "refs/tags/%s^{}", "refs/heads/%s",
					     "refs/tags/%s", "%s" };
	for (size_t f = 0; f < 4; f++) {
		char want[512];
		snprintf(want, sizeof(want), forms[f], *ref ? ref : "HEAD");
		for (const char *l = lines; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
			const char *tab = strchr(l, '\t');
			size_t n = tab ? strcspn(tab + 1, "\n") : 0;
			if (tab && tab - l == 40 && n == strlen(want) && !strncmp(tab + 1, want, n)) {
				memcpy(commit, l, 40);
				commit[40] = '\0';
				return true;
			}
		}
	}
	return false;
}

int fetch_git_resolve(const char *url, const char *ref, char commit[41],
		      struct kerr *err)
{
	struct strbuf out = STRBUF_INIT;
	if (is_commit(ref)) {
		strcpy(commit, ref);
		return 0;
	}
	char *argv[] = { "git", "ls-remote", "--", (char *)url, NULL };
	int r = run_git(argv, &out, err);
	if (!r && !pick(sb_str(&out), ref, commit))
		r = kerr_set(err, KERR_BUILD, "%s has no ref \"%s\"", url, *ref ? ref : "HEAD");
	sb_release(&out);
	return r;
}

static char *repo_dir(const char *cache_dir, const char *url)
{
	struct sha256 h;
	char d[DIGEST_BUFSZ];
	struct strbuf sb = STRBUF_INIT;
	sha256_init(&h);
	sha256_update(&h, url, strlen(url));
	sha256_final(&h, d);
	sb_addf(&sb, "%s/git/%.32s", cache_dir, d + DIGEST_PREFIX_LEN);
	return sb_detach(&sb, NULL);
}

static bool has_commit(const char *dir, const char *commit)
{
	struct kerr ignored = KERR_INIT;
	char obj[64];
	snprintf(obj, sizeof(obj), "%s^{commit}", commit);
	char *argv[] = { "git", "-C", (char *)dir, "cat-file", "-e", obj, NULL };
	return run_git(argv, NULL, &ignored) == 0;
}

/* Fetches ref (then, if it moved, the commit itself) into dir. */
static int fetch_commit(const char *dir, const char *url, const char *ref,
			const char *commit, struct kerr *err)
{
	struct stat st;
	if (stat(dir, &st) < 0) {
		char *init[] = { "git", "init", "--bare", "-q", (char *)dir, NULL };
		if (fsutil_mkdir_p(dir, err) < 0 || run_git(init, NULL, err) < 0)
			return -1;
	}
	char *by_ref[] = { "git", "-C", (char *)dir, "fetch", "-q", "--depth", "1",
			   "--", (char *)url, (char *)(*ref ? ref : "HEAD"), NULL };
	char *by_commit[] = { "git", "-C", (char *)dir, "fetch", "-q", "--depth", "1",
			      "--", (char *)url, (char *)commit, NULL };
	struct kerr first = KERR_INIT;
	if (!is_commit(ref) && run_git(by_ref, NULL, &first) == 0 && has_commit(dir, commit))
		return 0;
	if (run_git(by_commit, NULL, err) == 0 && has_commit(dir, commit))
		return 0;
	return kerr_isset(err) ? -1 : kerr_set(err, KERR_BUILD,
		"%s: commit %s is no longer at %s and cannot be fetched", url, commit, ref);
}

int fetch_git_archive(const char *cache_dir, const char *url, const char *ref,
		      const char *commit, const char *subdir, bool offline,
		      const char *out, struct kerr *err)
{
	char *dir = repo_dir(cache_dir, url);
	struct strbuf tree = STRBUF_INIT;
	int r = 0;
	if (!has_commit(dir, commit))
		r = offline ? kerr_set(err, KERR_BUILD, "%s: commit %s is not in the cache (offline)",
				       url, commit) : fetch_commit(dir, url, ref, commit, err);
	sb_addf(&tree, "%s%s%s", commit, *subdir ? ":" : "", subdir);
	char *argv[] = { "git", "-C", dir, "-c", "tar.umask=0022", "archive",
			 "--format=tar", "-o", (char *)out, tree.buf, NULL };
	if (!r)
		r = run_git(argv, NULL, err);
	sb_release(&tree);
	free(dir);
	return r;
}
