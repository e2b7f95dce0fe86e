/* image_diff: what differs between two images, for `kiln diff` and
 * `kiln verify`. Compared are the manifest and config documents field by
 * field, the layers by index (by digest, then diffID, then file by file
 * from the streamed tars), and the build history, aligned as `diff` aligns
 * lines. The result is a flat list of differences that the text and JSON
 * printers (and any other caller) walk.
 *
 * What counts as one difference:
 * - a field of the manifest or config that is added, removed or changed.
 *   Objects are compared key by key (Labels, ExposedPorts, Volumes,
 *   annotations...), Env variable by variable, other arrays (Cmd,
 *   Entrypoint...) as a whole; a whole object only one side has counts
 *   key by key too. Not fields: the config's rootfs and history and the
 *   manifest's layer list and config digest, which the layers and the
 *   history stand for; but a layer both have with one digest and another
 *   descriptor (media type, annotations) is a field under "layers";
 * - a layer only one image has (by index), or one whose blobs differ while
 *   the diffIDs are equal: the compressed bytes differ (the compressor),
 *   the content does not;
 * - an entry of a layer (both images have the layer, with other diffIDs)
 *   that is added, removed, or changed in any of: type, content (digest and
 *   size), mode, owner uid:gid, mtime, xattrs, link target, device numbers;
 * - a layer whose entries are all the same though its tar bytes are not
 *   (entry order, header format), and a manifest or config whose bytes
 *   differ though its fields do not (key order, formatting).
 * History entries (added or removed build steps) are listed apart, as the
 * explanation of the differences above, not counted among them: a changed
 * LABEL step is one difference, the label. Images are identical when their
 * manifest digests are; then nothing else is read.
 *
 * Files are named as in the container ("/etc/passwd"). Differences come
 * fields first (manifest, then config), then layer by layer, then the
 * document ones.
 *
 * JSON (image_diff_json), version 1; keys are sorted; "a" and "b" stand for
 * the first and second image, and a value absent on one side is a missing
 * key, never null:
 *   {"version": 1, "identical": bool,
 *    "a"|"b": {"name", "manifest", "config", "platform", "layers": N},
 *    "differences": [
 *      {"kind": "field", "change": "added"|"removed"|"changed",
 *       "document": "manifest"|"config", "path": ["config","Labels","k"],
 *       "a": value, "b": value},
 *      {"kind": "layer", "change": "added"|"removed"|"compressed"|"tar",
 *       "layer": i, "a": LAYER, "b": LAYER},
 *      {"kind": "file", "change": "added"|"removed"|"changed", "layer": i,
 *       "file": "/etc/passwd", "attributes": ["mode", ...] (changed only),
 *       "a": FILE, "b": FILE},
 *      {"kind": "document", "change": "changed",
 *       "document": "manifest"|"config", "a": digest, "b": digest}],
 *    "layers": [{"index": i, "status": "same"|"compressed"|"content"|
 *                "added"|"removed", "a": LAYER, "b": LAYER}],
 *    "history": [{"change": "added"|"removed", "index": i (in its own
 *                 image's history), "entry": {history entry}}]}
 *   LAYER = {"digest", "diffID", "mediaType", "size", "createdBy",
 *            "entries" and "bytes" (when the tar was read)}
 *   FILE = {"type": "file"|"dir"|"symlink"|"hardlink"|"char"|"block"|
 *           "fifo"|"socket", "mode": "0644", "uid", "gid",
 *           "mtime": RFC 3339, "size" and "digest" (files), "link",
 *           "device": "major:minor", "xattrs": {name: value}}
 *   Env paths end in the variable's name and their values are what follows
 *   '='; xattr values keep printable ASCII and write other bytes as \xNN. */
#ifndef KILN_IMAGE_DIFF_H
#define KILN_IMAGE_DIFF_H

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

#include "image_diff_files.h"
#include "image_read.h"
#include "kerr.h"

enum image_diff_kind {
	IMAGE_DIFF_FIELD,
	IMAGE_DIFF_LAYER,
	IMAGE_DIFF_FILE,
	IMAGE_DIFF_DOCUMENT,
};

enum image_diff_change {
	IMAGE_DIFF_ADDED,      /* only in b */
	IMAGE_DIFF_REMOVED,    /* only in a */
	IMAGE_DIFF_CHANGED,    /* in both, not the same */
	IMAGE_DIFF_COMPRESSED, /* layer: same diffID, other blob */
	IMAGE_DIFF_TAR,	       /* layer: same entries, other tar bytes */
};

struct image_difference {
	enum image_diff_kind kind;
	enum image_diff_change change;
	const char *document; /* field, document: "manifest" or "config" */
	json_t *path;	      /* field: the keys from the document's root */
	char *file;	      /* file: "/a/b" */
	size_t layer;	      /* layer, file */
	unsigned attrs;	      /* file changed: DIFF_ATTR_* bits */
	json_t *a, *b; /* each side's value (shapes above); NULL: absent */
};

enum image_layer_status {
	IMAGE_LAYER_SAME,	/* same blob digest */
	IMAGE_LAYER_COMPRESSED, /* same diffID, other blob */
	IMAGE_LAYER_CONTENT,	/* other diffID: compared file by file */
	IMAGE_LAYER_ADDED,	/* only in b */
	IMAGE_LAYER_REMOVED,	/* only in a */
};

struct image_diff_layer {
	enum image_layer_status status;
	json_t *a, *b;	 /* LAYER summaries; NULL where absent */
	size_t first, n; /* its differences: v[first] .. v[first + n - 1] */
};

struct image_diff_side {
	char *name, *platform;
	char manifest[DIGEST_BUFSZ], config[DIGEST_BUFSZ];
	size_t layers;
};

struct image_diff_result {
	bool identical; /* same manifest digest */
	struct image_diff_side a, b;
	struct image_difference *v; /* fields first, then layer by layer */
	size_t n, alloc;
	struct image_diff_layer *layers; /* max of the two layer counts */
	size_t n_layers;
	json_t *history; /* [{"change", "index", "entry"}] as in the JSON */
};

/* Compares a (the old, "a") with b (the new, "b"). r need not be
 * initialised; clear it with image_diff_result_clear whatever the outcome.
 * Fails only when a layer cannot be read. */
int image_diff(const struct image *a, const struct image *b,
	       struct image_diff_result *r, struct kerr *err);
void image_diff_result_clear(struct image_diff_result *r);

/* Writes the result for people: one line per difference, layer by layer
 * (saying which are the same), then the history, then the count; or one
 * line saying the images are identical. */
void image_diff_print_text(FILE *out, const struct image_diff_result *r);
/* The result as the JSON above (the caller's reference). */
json_t *image_diff_json(const struct image_diff_result *r);

/* The steps of image_diff, for callers that hold the pieces (and tests).
 * Each appends to r, which must be zeroed or filled by these before. */
/* Fields of one document (doc: "manifest" or "config"), a or b NULL for
 * a missing one. */
void image_diff_fields(const char *doc, json_t *a, json_t *b,
		       struct image_diff_result *r);
/* Entries of layer i present in both images. */
void image_diff_files(size_t layer, const struct diff_files *a,
		      const struct diff_files *b, struct image_diff_result *r);
/* Two histories, aligned by longest common subsequence. */
void image_diff_history(json_t *a, json_t *b, struct image_diff_result *r);
/* Appends one difference (zeroed but for kind and change) to r. */
struct image_difference *image_diff_add(struct image_diff_result *r,
					enum image_diff_kind kind,
					enum image_diff_change change);

#endif
