/* chown: user and group names to ids from the stage's files (chown.h). */
#include "chown.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int fs_entry_read(const struct layer_entry *e, struct strbuf *out,
		  struct kerr *err)
{
	if (e->data || !e->src_path) {
		sb_add(out, e->data, e->data ? e->size : 0);
		return 0;
	}
	FILE *f = fopen(e->src_path, "rb");
	char chunk[8192];
	size_t n;
	if (!f)
		return kerr_set(err, KERR_BUILD, "open %s: %s", e->src_path,
				strerror(errno));
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		sb_add(out, chunk, n);
	fclose(f);
	return 0;
}

static bool parse_id(const char *s, unsigned *out)
{
	char *end;
	if (!*s || strspn(s, "0123456789") != strlen(s))
		return false;
	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	if (errno || v > 0xffffffffUL)
		return false;
	*out = (unsigned)v;
	return true;
}

/* Finds name in field 0 of a passwd/group file; *id from field `field`. */
static int lookup(struct fs_tree *root, const char *file, const char *name,
		  int field, unsigned *id, struct kerr *err)
{
	const struct layer_entry *e = fs_tree_get(root, file);
	struct strbuf buf = STRBUF_INIT;
	int found = 0;
	if (e && e->type == LAYER_FILE && fs_entry_read(e, &buf, err) < 0)
		return -1;
	for (char *line = buf.buf, *next; line && *line && !found; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		char *f[5] = { line, NULL, NULL, NULL, NULL };
		for (int i = 1; i < 5 && f[i - 1]; i++)
			if ((f[i] = strchr(f[i - 1], ':')))
				*f[i]++ = '\0';
		if (f[field] && !strcmp(f[0], name) && parse_id(f[field], id))
			found = 1;
	}
	sb_release(&buf);
	if (!found)
		return kerr_set(err, KERR_BUILD,
				"unable to find %s %s: no matching entries in /%s",
				!strcmp(file, "etc/passwd") ? "user" : "group",
				name, file);
	return 0;
}

int chown_resolve(struct fs_tree *root, const char *spec, unsigned *uid,
		  unsigned *gid, struct kerr *err)
{
	char *user = xstrdup(spec), *group = strchr(user, ':');
	int r = 0;
	if (group)
		*group++ = '\0';
	if (!*user || (group && !*group))
		r = kerr_set(err, KERR_USAGE, "--chown: invalid value \"%s\"", spec);
	else if (!parse_id(user, uid))
		r = lookup(root, "etc/passwd", user, 2, uid, err);
	if (!r && group && !parse_id(group, gid))
		r = lookup(root, "etc/group", group, 2, gid, err);
	if (!r && !group)
		*gid = *uid;
	free(user);
	return r < 0 ? kerr_prefix(err, "--chown=%s", spec) : 0;
}

int passwd_primary_gid(struct fs_tree *root, const char *name, unsigned *gid,
		       struct kerr *err)
{
	return lookup(root, "etc/passwd", name, 3, gid, err);
}
