/* upper_diff: turns a RUN step's overlay upper dir, once the step is over,
 * into the entries of its layer: what the step added or changed, and what
 * it deleted as OCI whiteouts. */
#ifndef KILN_UPPER_DIFF_H
#define KILN_UPPER_DIFF_H

#include <stdint.h>

#include "../oci/kerr.h"
#include "fs_tree.h"

/* Walks upper and puts one entry per path into out:
 * - overlay whiteouts (char device 0/0, or a file with the
 *   trusted.overlay.whiteout xattr) become empty "dir/.wh.NAME" files
 *   (mode 0600, the whiteout's owner, as Docker writes them);
 * - a directory with trusted.overlay.opaque=y gets a "dir/.wh..wh..opq"
 *   entry (the directory's mode and owner) besides its own entry;
 * - files, directories and symlinks keep owner and mode; a regular file's
 *   content is src_path, pointing into upper (keep upper until the layer is
 *   written); files and symlinks sharing an inode become LAYER_HARDLINKs to
 *   the bytewise-first path of their group;
 * - xattrs are kept except trusted.overlay.*, security.selinux and kiln's
 *   own; a value holding a NUL byte (security.capability, for one) is
 *   dropped, as a layer_entry xattr is a C string "name=value";
 * - mount points the sandbox created (SANDBOX_STUB_XATTR) are left out,
 *   what the step wrote inside them is not;
 * - sockets are skipped, as Docker does; a fifo or device node is an
 *   error (a layer entry cannot hold one), and so is a name starting with
 *   ".wh." (it would read as a whiteout).
 * Entries carry no mtime: the layer writer gives all of them one (epoch,
 * SOURCE_DATE_EPOCH), which is how RUN output newer than epoch is clamped;
 * epoch is taken for that contract and not otherwise used. */
int upper_diff(const char *upper, int64_t epoch, struct fs_tree *out,
	       struct kerr *err);

#endif
