/* image_diff_files: one layer's tar read into a sorted list of what it
 * holds, file by file, for comparison. The tar is streamed once through
 * libarchive; each regular file's content is hashed as it passes and then
 * forgotten, so memory grows with the number of entries, never with their
 * size. Whiteouts (".wh.NAME") are entries like any other: a layer is
 * compared as the tar it is, not as the file system it makes. */
#ifndef KILN_IMAGE_DIFF_FILES_H
#define KILN_IMAGE_DIFF_FILES_H

#include <archive.h>
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "digest.h"
#include "kerr.h"

enum diff_file_type {
	DIFF_FILE_REG,
	DIFF_FILE_DIR,
	DIFF_FILE_SYMLINK,
	DIFF_FILE_HARDLINK,
	DIFF_FILE_CHAR,
	DIFF_FILE_BLOCK,
	DIFF_FILE_FIFO,
	DIFF_FILE_SOCKET,
};

struct diff_file {
	char *path; /* "/a/b": cleaned, absolute as in the container */
	enum diff_file_type type;
	unsigned mode; /* 07777 bits */
	unsigned uid, gid;
	int64_t mtime;
	long mtime_nsec;
	uint64_t size;		   /* of the content (regular files) */
	char digest[DIGEST_BUFSZ]; /* of the content; "" unless regular */
	char *link;		   /* symlink target or hard link's "/path" */
	char *xattrs; /* "name=value\n"..., sorted, escaped; or NULL */
	unsigned rdev_major, rdev_minor;
};

struct diff_files {
	struct diff_file *v; /* sorted bytewise by path, one per path */
	size_t n;
	uint64_t bytes; /* total content size */
};

/* Reads every entry of the tar open in a (see image_layer_open); of two
 * entries with one path, the later wins, as when the layer is applied. */
int diff_files_read(struct archive *a, struct diff_files *out,
		    struct kerr *err);
/* Adds one entry (copied) without sorting; diff_files_finish sorts. For
 * building lists by hand (tests) and for diff_files_read. */
void diff_files_add(struct diff_files *l, const struct diff_file *f);
void diff_files_finish(struct diff_files *l);
void diff_files_clear(struct diff_files *l);

/* Attribute bits of diff_file_compare. */
enum {
	DIFF_ATTR_TYPE = 1 << 0,
	DIFF_ATTR_CONTENT = 1 << 1, /* digest or size */
	DIFF_ATTR_MODE = 1 << 2,
	DIFF_ATTR_OWNER = 1 << 3,
	DIFF_ATTR_MTIME = 1 << 4,
	DIFF_ATTR_XATTRS = 1 << 5,
	DIFF_ATTR_LINK = 1 << 6,
	DIFF_ATTR_DEVICE = 1 << 7,
};
#define DIFF_ATTR_COUNT 8

/* The DIFF_ATTR_* bits on which a and b differ (0: the same). When the
 * types differ only DIFF_ATTR_TYPE is set: the rest would not compare
 * like with like. */
unsigned diff_file_compare(const struct diff_file *a,
			   const struct diff_file *b);
/* "type", "content", "mode", ... for the bit. */
const char *diff_attr_name(unsigned bit);
const char *diff_file_type_name(enum diff_file_type t);

/* A file's attributes as JSON (the shape image_diff.h documents). */
json_t *diff_file_json(const struct diff_file *f);

#endif
