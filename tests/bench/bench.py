#!/usr/bin/env python3
"""bench: kiln's layer writer against tar | gzip -n | sha256sum on the same
generated context (~20,000 files, ~500 MB), measured in the same run.
Prints the time ratio and kiln's peak RSS at two context sizes (which must
not grow with the bytes in the context)."""
import os
import resource
import shutil
import subprocess
import sys
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
WORK = os.path.join(ROOT, "build", "bench")


def make_context(path, small, big, big_size):
    """small files of 1-9 KiB in 100 directories, plus big ones."""
    if os.path.isdir(path):
        return
    tmp = path + ".tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    block = os.urandom(big_size)
    for i in range(small):
        d = os.path.join(tmp, "d%03d" % (i % 100))
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "f%05d" % i), "wb") as f:
            n = 1024 * (1 + i % 9)
            f.write(block[i % 997: i % 997 + n])
    for i in range(big):
        with open(os.path.join(tmp, "big%03d.bin" % i), "wb") as f:
            f.write(block[i:] + block[:i])
    with open(os.path.join(tmp, "Dockerfile"), "w") as f:
        f.write("FROM scratch\nCOPY . /data/\n")
    os.rename(tmp, path)


def run(cmd, **kw):
    """Wall time and the child's peak RSS in MiB."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t = time.monotonic()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, **kw)
    wall = time.monotonic() - t
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return wall, max(peak, before) / 1024.0


def kiln(ctx):
    cache = os.path.join(WORK, "cache")
    shutil.rmtree(cache, ignore_errors=True)
    out = os.path.join(WORK, "out.tar")
    return run([os.path.join(ROOT, "kiln"), "build", "--progress", "quiet",
                "--cache-dir", cache, "-o", out, ctx])


def reference(ctx):
    sh = ("tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 "
          "-cf - -C '%s' . | gzip -n -6 | sha256sum" % ctx)
    return run(["sh", "-c", sh])


def main():
    os.makedirs(WORK, exist_ok=True)
    small_ctx = os.path.join(WORK, "ctx-small")
    full_ctx = os.path.join(WORK, "ctx-full")
    make_context(small_ctx, 19900, 10, 4 << 20)
    make_context(full_ctx, 19900, 100, 4 << 20)
    # RSS of a child is tracked as a maximum over all children, so the
    # smaller run goes first.
    ks, rss_small = kiln(small_ctx)
    kf, rss_full = kiln(full_ctx)
    rf, _ = reference(full_ctx)
    print("bench: layer from ~20,000 files / ~500 MB")
    print("  kiln build        %.2f s" % kf)
    print("  tar|gzip|sha256   %.2f s" % rf)
    print("  ratio kiln/ref    %.2fx" % (kf / rf))
    print("  kiln peak RSS     %.1f MiB (a ~140 MB context: %.1f MiB)"
          % (rss_full, rss_small))
    return 0


if __name__ == "__main__":
    sys.exit(main())
