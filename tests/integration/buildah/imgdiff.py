#!/usr/bin/env python3
"""imgdiff.py KNOWN KILN_LAYOUT KILN_ROOTFS BUILDAH_LAYOUT BUILDAH_ROOTFS

Compares an image kiln built with the one Buildah built from the same
Dockerfile: the unpacked root filesystems (umoci unpack, as root) path by
path -- type, permission bits (with setuid/setgid/sticky), owner, mtime,
size, sha256 of the content (shown as text when a small file differs),
symlink target, extended attributes, and which paths are hard links of
one another -- and the image configs (the `config` object's fields, os and
architecture).

KNOWN lists the differences that are expected, one a line:
    WHERE FIELD REASON...
WHERE is a path in the root filesystem ("/etc/hosts") or "config:KEY"
("config:Labels.io.buildah.version"); FIELD is one of only-kiln,
only-buildah, or a field name above (type mode uid gid mtime size sha256
target xattrs links, or value for config keys); REASON must be given.
Blank lines and lines starting with # are ignored.

Every difference not in KNOWN is printed as "DIFF ..." and fails; so does
a KNOWN line whose difference did not occur ("STALE ..."), so that the list
says exactly what differs. Explained differences are printed as "known ...".
Exit status 0 when nothing unexplained or stale was found, 1 otherwise.
"""
import hashlib
import json
import os
import stat
import sys

FIELDS = ("type", "mode", "uid", "gid", "mtime", "size", "sha256", "target",
          "xattrs", "links")


def tree(root):
    """path ("/..." ; "/" for the root) -> {field: value}"""
    out = {}
    inodes = {}
    for dirpath, dirs, files in os.walk(root):
        dirs.sort()
        for name in [None] + sorted(dirs) + sorted(files):
            full = dirpath if name is None else os.path.join(dirpath, name)
            if name is None and dirpath != root:
                continue
            rel = "/" + os.path.relpath(full, root)
            rel = "/" if rel == "/." else rel
            st = os.lstat(full)
            m = st.st_mode
            rec = {
                "type": ("dir" if stat.S_ISDIR(m) else "file" if stat.S_ISREG(m)
                         else "symlink" if stat.S_ISLNK(m) else "fifo" if stat.S_ISFIFO(m)
                         else "char" if stat.S_ISCHR(m) else "block" if stat.S_ISBLK(m)
                         else "socket"),
                "mode": "%04o" % stat.S_IMODE(m),
                "uid": st.st_uid,
                "gid": st.st_gid,
                "mtime": int(st.st_mtime),
            }
            if stat.S_ISLNK(m):
                rec["target"] = os.readlink(full)
                rec["mode"] = None  # a symlink's bits mean nothing on Linux
            if stat.S_ISREG(m):
                h = hashlib.sha256()
                with open(full, "rb") as f:
                    for chunk in iter(lambda: f.read(1 << 20), b""):
                        h.update(chunk)
                rec["sha256"] = h.hexdigest()
                rec["size"] = st.st_size
                if st.st_size <= 200:
                    # Shown (not compared) when contents differ.
                    with open(full, "rb") as f:
                        rec["_text"] = f.read().decode("utf-8", "replace")
                if st.st_nlink > 1:
                    inodes.setdefault((st.st_dev, st.st_ino), []).append(rel)
            if stat.S_ISCHR(m) or stat.S_ISBLK(m):
                rec["target"] = "%d:%d" % (os.major(st.st_rdev), os.minor(st.st_rdev))
            try:
                names = os.listxattr(full, follow_symlinks=False)
            except OSError:
                names = []
            if names:
                rec["xattrs"] = {n: os.getxattr(full, n, follow_symlinks=False).hex()
                                 for n in sorted(names)}
            out[rel] = rec
    for paths in inodes.values():
        for p in paths:
            out[p]["links"] = sorted(q for q in paths if q != p)
    return out


def config(layout):
    """Flattened image config: config:KEY -> value."""
    def blob(d):
        with open(os.path.join(layout, "blobs", "sha256", d.split(":", 1)[1])) as f:
            return json.load(f)
    with open(os.path.join(layout, "index.json")) as f:
        idx = json.load(f)
    c = blob(blob(idx["manifests"][0]["digest"])["config"]["digest"])
    out = {"config:os": c.get("os"), "config:architecture": c.get("architecture")}
    for k, v in (c.get("config") or {}).items():
        if k == "Labels" and v:
            for lk, lv in v.items():
                out["config:Labels." + lk] = lv
        elif v not in (None, "", [], {}):
            # An empty value and an absent key mean the same to a runtime.
            out["config:" + k] = v
    return out


def show(rec):
    return json.dumps({f: v for f, v in rec.items() if v is not None}, sort_keys=True)


def load_known(path):
    known = {}
    with open(path) as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            parts = line.split(None, 2)
            if len(parts) < 3:
                sys.exit("%s:%d: want WHERE FIELD REASON: %s" % (path, n, line))
            where, field, reason = parts
            if field not in FIELDS + ("only-kiln", "only-buildah", "value"):
                sys.exit("%s:%d: unknown field %s" % (path, n, field))
            known[(where, field)] = reason
    return known


def main():
    if len(sys.argv) != 6:
        sys.exit(__doc__)
    known = load_known(sys.argv[1])
    k = tree(sys.argv[3])
    b = tree(sys.argv[5])
    kc = config(sys.argv[2])
    bc = config(sys.argv[4])
    found = []  # (where, field, detail)
    for p in sorted(set(k) | set(b)):
        if p not in b:
            found.append((p, "only-kiln", show(k[p])))
        elif p not in k:
            found.append((p, "only-buildah", show(b[p])))
        else:
            for f in FIELDS:
                if k[p].get(f) != b[p].get(f):
                    if f == "sha256" and "_text" in k[p] and "_text" in b[p]:
                        kv, bv = k[p]["_text"], b[p]["_text"]
                    else:
                        kv, bv = k[p].get(f), b[p].get(f)
                    found.append((p, f, "kiln=%s buildah=%s" % (
                        json.dumps(kv), json.dumps(bv))))
    for key in sorted(set(kc) | set(bc)):
        if key not in bc:
            found.append((key, "only-kiln", json.dumps(kc[key])))
        elif key not in kc:
            found.append((key, "only-buildah", json.dumps(bc[key])))
        elif kc[key] != bc[key]:
            found.append((key, "value", "kiln=%s buildah=%s" % (
                json.dumps(kc[key]), json.dumps(bc[key]))))
    bad = 0
    used = set()
    for where, field, detail in found:
        if (where, field) in known:
            used.add((where, field))
            print("known %s %s: %s (%s)" % (where, field, detail, known[(where, field)]))
        else:
            bad += 1
            print("DIFF %s %s: %s" % (where, field, detail))
    for where, field in sorted(set(known) - used):
        bad += 1
        print("STALE %s %s: listed as a known difference, but it did not occur" % (where, field))
    print("%d paths in kiln's image, %d in Buildah's; %d differences, %d unexplained or stale"
          % (len(k), len(b), len(found), bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
