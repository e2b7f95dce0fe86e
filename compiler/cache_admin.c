/* cache_admin: cache usage and pruning (see cache_admin.h). Entries are
 * whole units: a blob, an unpacked layer directory, a step record, a cache
 * mount; their mtime is their last use (a cache hit touches it). */
#include "cache_admin.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../oci/strbuf.h"

struct unit {
	char *path;
	uint64_t size;
	time_t used;
	bool temp; /* a build's scratch dir or a blob being written */
};

static const char *const areas[] = { "blobs/sha256", "layers/sha256", "steps",
				     "mounts/cache", "tmp", NULL };

/* Bytes under path (not following symlinks); removes it when rm. */
static uint64_t walk(const char *path, bool rm)
{
	struct stat st;
	uint64_t n = 0;
	if (lstat(path, &st) < 0)
		return 0;
	if (S_ISDIR(st.st_mode)) {
		DIR *d = opendir(path);
		struct dirent *de;
		while (d && (de = readdir(d))) {
			if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
				continue;
			struct strbuf sub = STRBUF_INIT;
			sb_addf(&sub, "%s/%s", path, de->d_name);
			n += walk(sub.buf, rm);
			sb_release(&sub);
		}
		if (d)
			closedir(d);
	}
	n += S_ISREG(st.st_mode) ? (uint64_t)st.st_size : 0;
	if (rm)
		remove(path);
	return n;
}

/* The units of one area, appended to *u. */
static void list_area(const char *dir, const char *area, struct unit **u,
		      size_t *n)
{
	struct strbuf top = STRBUF_INIT;
	sb_addf(&top, "%s/%s", dir, area);
	DIR *d = opendir(top.buf);
	struct dirent *de;
	while (d && (de = readdir(d))) {
		struct stat st;
		if (de->d_name[0] == '.' && (!de->d_name[1] || de->d_name[1] == '.'))
			continue;
		struct strbuf p = STRBUF_INIT;
		sb_addf(&p, "%s/%s", top.buf, de->d_name);
		if (lstat(p.buf, &st) < 0) {
			sb_release(&p);
			continue;
		}
		uint64_t size = walk(p.buf, false);
		*u = xreallocarray(*u, *n + 1, sizeof(**u));
		bool temp = !strcmp(area, "tmp") || !strncmp(de->d_name, ".tmp-", 5) ||
			    strstr(de->d_name, ".kiln-tmp-");
		(*u)[(*n)++] = (struct unit){ sb_detach(&p, NULL), size, st.st_mtime, temp };
	}
	if (d)
		closedir(d);
	sb_release(&top);
}

static void human(char *buf, size_t len, uint64_t n)
{
	const char *units = "BKMGT";
	double v = (double)n;
	while (v >= 1024 && units[1])
		v /= 1024, units++;
	snprintf(buf, len, *units == 'B' ? "%.0f%c" : "%.1f%c", v, *units);
}

int cache_du(const char *dir, FILE *out, struct kerr *err)
{
	uint64_t total = 0;
	(void)err;
	for (const char *const *a = areas; *a; a++) {
		struct unit *u = NULL;
		size_t n = 0;
		uint64_t sum = 0;
		char h[32];
		list_area(dir, *a, &u, &n);
		for (size_t i = 0; i < n; i++) {
			sum += u[i].size;
			free(u[i].path);
		}
		free(u);
		human(h, sizeof(h), sum);
		fprintf(out, "%-14s %8s  %zu entries\n", *a, h, n);
		total += sum;
	}
	char h[32];
	human(h, sizeof(h), total);
	fprintf(out, "%-14s %8s  %s\n", "total", h, dir);
	return 0;
}

static int by_use(const void *a, const void *b)
{
	const struct unit *x = a, *y = b;
	return x->used < y->used ? -1 : x->used > y->used ? 1 : strcmp(x->path, y->path);
}

/* A build's scratch dir or a temp blob: maybe in use while young. */
static bool busy(const struct unit *u, time_t now)
{
	return u->temp && now - u->used < 3600;
}

int cache_prune(const char *dir, uint64_t keep, FILE *out, struct kerr *err)
{
	struct unit *u = NULL;
	size_t n = 0, removed = 0;
	uint64_t total = 0, freed = 0;
	time_t now = time(NULL);
	(void)err;
	for (const char *const *a = areas; *a; a++)
		list_area(dir, *a, &u, &n);
	for (size_t i = 0; i < n; i++)
		total += u[i].size;
	if (n)
		qsort(u, n, sizeof(*u), by_use);
	for (size_t i = 0; i < n; i++) {
		if (total - freed > keep && !busy(&u[i], now)) {
			walk(u[i].path, true);
			freed += u[i].size;
			removed++;
		}
		free(u[i].path);
	}
	free(u);
	char h[32];
	human(h, sizeof(h), freed);
	fprintf(out, "removed %zu entries, %s\n", removed, h);
	return 0;
}

int cache_parse_size(const char *s, uint64_t *out, struct kerr *err)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	const char *units = "BKMGT", *u = *end ? strchr(units, *end & ~0x20) : units;
	if (errno || end == s || v < 0 || !u || (*end && end[1] && strcmp(end + 1, "B") && strcmp(end + 1, "iB")))
		return kerr_set(err, KERR_USAGE, "size \"%s\": want a number with an optional K, M, G or T", s);
	for (; u > units; u--)
		v *= 1024;
	*out = (uint64_t)v;
	return 0;
}
