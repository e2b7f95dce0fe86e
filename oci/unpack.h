/* unpack: turns a layer blob (a tar, plain or compressed with anything
 * libarchive reads) into a directory that overlayfs can use as a lower dir.
 * Layers are hostile input: no entry may land, or write through a symlink
 * or hard link, outside the unpack root. OCI whiteouts become overlay
 * whiteouts. The directory appears whole or not at all. */
#ifndef KILN_UNPACK_H
#define KILN_UNPACK_H

#include "kerr.h"

/* Unpacks the layer at blob_path into dest_dir.
 *
 * - Entry names are relative; an absolute name or one with a ".."
 *   component is an error. Parent directories are resolved inside the root
 *   (openat2 RESOLVE_IN_ROOT: a symlink to "/x" means dest_dir/x), missing
 *   ones are created 0755; a parent that is a symlink to nothing is an
 *   error. The last component is never followed: an entry replaces what
 *   was there (a directory only by a directory, which keeps its content).
 * - Owners (numeric), modes, mtimes and xattrs are kept; owners only when
 *   running as root. "trusted.overlay.*" xattrs from the tar are dropped.
 *   Device nodes are created only as root (skipped otherwise); sockets are
 *   skipped.
 * - "dir/.wh.NAME" becomes an overlay whiteout (char device 0/0) named
 *   NAME; "dir/.wh..wh..opq" sets trusted.overlay.opaque=y on dir; other
 *   ".wh..wh." names (aufs bookkeeping) are skipped. Both need root.
 * - The tar is unpacked into "dest_dir.tmp-XXXXXX" beside dest_dir, synced
 *   and renamed into place; on failure the temp dir is removed. When
 *   dest_dir already exists (an earlier or concurrent unpack of the same
 *   layer finished first) it is taken as complete and left alone. The
 *   parent of dest_dir is created as needed. */
int layer_unpack(const char *blob_path, const char *dest_dir, struct kerr *err);

/* Where the layer with this diffID is unpacked under a cache root:
 * "cache_root/layers/sha256/<hex>" (malloc'd), or NULL when diff_id is not
 * a valid sha256 digest. */
char *layer_cache_dir(const char *cache_root, const char *diff_id);

#endif
