/* image_diff_attrs: two layer entries compared attribute by attribute, and
 * an entry's attributes as JSON (declared in image_diff_files.h). */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "image_diff_files.h"
#include "strbuf.h"

static bool str_eq(const char *a, const char *b)
{
	return !strcmp(a ? a : "", b ? b : "");
}

unsigned diff_file_compare(const struct diff_file *a, const struct diff_file *b)
{
	unsigned d = 0;
	if (a->type != b->type)
		return DIFF_ATTR_TYPE;
	if (a->type == DIFF_FILE_REG &&
	    (a->size != b->size || strcmp(a->digest, b->digest)))
		d |= DIFF_ATTR_CONTENT;
	if (a->mode != b->mode)
		d |= DIFF_ATTR_MODE;
	if (a->uid != b->uid || a->gid != b->gid)
		d |= DIFF_ATTR_OWNER;
	if (a->mtime != b->mtime || a->mtime_nsec != b->mtime_nsec)
		d |= DIFF_ATTR_MTIME;
	if (!str_eq(a->xattrs, b->xattrs))
		d |= DIFF_ATTR_XATTRS;
	if (!str_eq(a->link, b->link))
		d |= DIFF_ATTR_LINK;
	if (a->rdev_major != b->rdev_major || a->rdev_minor != b->rdev_minor)
		d |= DIFF_ATTR_DEVICE;
	return d;
}

const char *diff_attr_name(unsigned bit)
{
	static const char *const names[DIFF_ATTR_COUNT] = {
	    "type",  "content", "mode", "owner",
	    "mtime", "xattrs",	"link", "device",
	};
	for (unsigned i = 0; i < DIFF_ATTR_COUNT; i++)
		if (bit == 1u << i)
			return names[i];
	return "?";
}

const char *diff_file_type_name(enum diff_file_type t)
{
	static const char *const names[] = {
	    "file", "dir",   "symlink", "hardlink",
	    "char", "block", "fifo",	"socket",
	};
	return (size_t)t < sizeof(names) / sizeof(names[0]) ? names[t] : "?";
}

/* RFC 3339 in UTC, with nanoseconds only when there are some. */
static json_t *mtime_json(int64_t sec, long nsec)
{
	time_t t = (time_t)sec;
	struct tm tm;
	char buf[64];
	struct strbuf sb = STRBUF_INIT;
	if (!gmtime_r(&t, &tm) ||
	    !strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm))
		return json_integer(sec);
	sb_adds(&sb, buf);
	if (nsec)
		sb_addf(&sb, ".%09ld", nsec);
	sb_addc(&sb, 'Z');
	json_t *j = json_string(sb.buf);
	sb_release(&sb);
	return j;
}

/* "a=1\nb=2\n" -> {"a":"1","b":"2"} */
static json_t *xattrs_json(const char *x)
{
	json_t *o = json_object();
	while (x && *x) {
		size_t len = strcspn(x, "\n");
		const char *eq = memchr(x, '=', len);
		if (eq) {
			char *k = xstrndup(x, (size_t)(eq - x));
			json_object_set_new(
			    o, k,
			    json_stringn(eq + 1, len - (size_t)(eq - x) - 1));
			free(k);
		}
		x += len + (x[len] == '\n');
	}
	return o;
}

json_t *diff_file_json(const struct diff_file *f)
{
	json_t *o = json_object();
	json_object_set_new(o, "type",
			    json_string(diff_file_type_name(f->type)));
	json_object_set_new(o, "mode", json_sprintf("%04o", f->mode));
	json_object_set_new(o, "uid", json_integer(f->uid));
	json_object_set_new(o, "gid", json_integer(f->gid));
	json_object_set_new(o, "mtime", mtime_json(f->mtime, f->mtime_nsec));
	if (f->type == DIFF_FILE_REG) {
		json_object_set_new(o, "size",
				    json_integer((json_int_t)f->size));
		json_object_set_new(o, "digest", json_string(f->digest));
	}
	if (f->link)
		json_object_set_new(o, "link", json_string(f->link));
	if (f->type == DIFF_FILE_CHAR || f->type == DIFF_FILE_BLOCK)
		json_object_set_new(
		    o, "device",
		    json_sprintf("%u:%u", f->rdev_major, f->rdev_minor));
	if (f->xattrs)
		json_object_set_new(o, "xattrs", xattrs_json(f->xattrs));
	return o;
}
