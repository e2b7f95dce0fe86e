#!/usr/bin/env python3
"""bench_buildah: kiln against Buildah on a multi-stage Dockerfile with RUN
steps, measured in the same run (as root: both run RUN in namespaces).

A docker-registry of its own on a free 127.0.0.1 port serves the busybox
image of the integration tests (tests/integration/fetch/mkfixture.sh);
both builders pull it from there. Timed, each the median of --runs runs:
  cold    kiln with an empty --cache-dir, against
          `buildah build --isolation chroot --timestamp 0` with empty storage;
  cached  `kiln build` again with the same --cache-dir, against
          `buildah build --layers ...` again after one --layers build.
Prints each time and the ratio kiln/Buildah beside the targets (cold at
most 0.5x, fully cached at most 0.05x); asserts nothing."""
import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
import urllib.request

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
KILN = os.path.join(ROOT, "kiln")
FETCH = os.path.join(ROOT, "tests", "integration", "fetch")

DOCKERFILE = """\
ARG BASE
FROM $BASE AS gen
RUN mkdir -p /src && i=0; while [ $i -lt 300 ]; do echo "line $i" >/src/f$i; i=$((i + 1)); done
RUN tar -cf /src.tar -C /src . && gzip -9 /src.tar && sha256sum /src.tar.gz >/src.sum

FROM $BASE AS tools
RUN mkdir -p /opt/tools/bin && cp /bin/busybox /opt/tools/bin/ && echo 'tool:x:900:900::/opt/tools:/bin/sh' >>/etc/passwd

FROM gen AS check
RUN sha256sum -c /src.sum && rm -rf /src && mkdir /checked && echo ok >/checked/status

FROM $BASE
RUN echo 'app:x:1000:1000::/app:/bin/sh' >>/etc/passwd && echo 'app:x:1000:' >>/etc/group
COPY --from=gen /src.tar.gz /data/
COPY --from=tools /opt/tools /opt/tools
COPY --from=check /checked /checked
COPY --chown=app:app app/ /app/
WORKDIR /app
RUN tar -xzf /data/src.tar.gz -C /app && ls /app | wc -l >/count && chown -R app:app /app
USER app
RUN /opt/tools/bin/busybox md5sum /app/f1 >/app/f1.md5
CMD ["sh"]
"""


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def make_context(path):
    os.makedirs(os.path.join(path, "app", "lib"))
    with open(os.path.join(path, "Dockerfile"), "w") as f:
        f.write(DOCKERFILE)
    for i in range(50):
        with open(os.path.join(path, "app", "lib", "m%02d.txt" % i), "w") as f:
            f.write("module %d\n" % i * (1 + i))
    with open(os.path.join(path, "app", "main.sh"), "w") as f:
        f.write("#!/bin/sh\necho main\n")
    os.chmod(os.path.join(path, "app", "main.sh"), 0o755)


class Registry:
    """docker-registry serving the busybox fixture from temp storage."""

    def __init__(self, work):
        fixture = os.path.join(work, "fixture")
        subprocess.run([os.path.join(FETCH, "mkfixture.sh"), fixture], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.port = free_port()
        conf = os.path.join(work, "registry.yml")
        with open(conf, "w") as f:
            subprocess.run([os.path.join(FETCH, "regconf.sh"), str(self.port),
                            os.path.join(fixture, "storage")], check=True, stdout=f)
        self.log = open(os.path.join(work, "registry.log"), "w")
        self.proc = subprocess.Popen(["docker-registry", "serve", conf],
                                     stdout=self.log, stderr=self.log,
                                     stdin=subprocess.DEVNULL)
        url = "http://127.0.0.1:%d/v2/" % self.port
        for _ in range(100):
            try:
                urllib.request.urlopen(url, timeout=1).read()
                break
            except OSError:
                if self.proc.poll() is not None:
                    raise SystemExit("bench_buildah: docker-registry exited; see " + self.log.name)
                time.sleep(0.05)
        else:
            raise SystemExit("bench_buildah: docker-registry does not answer at " + url)
        self.base = "127.0.0.1:%d/busybox:1" % self.port

    def stop(self):
        self.proc.terminate()
        self.proc.wait()
        self.log.close()


class Builders:
    def __init__(self, work, ctx, base):
        self.work = work
        self.ctx = ctx
        self.base = base
        b = os.path.join(work, "buildah-conf")
        os.makedirs(os.path.join(b, "tmp"))
        with open(os.path.join(b, "registries.conf"), "w") as f:
            f.write('[[registry]]\nlocation = "%s"\ninsecure = true\n' % base.split("/")[0])
        with open(os.path.join(b, "policy.json"), "w") as f:
            f.write('{"default": [{"type": "insecureAcceptAnything"}]}\n')
        with open(os.path.join(b, "auth.json"), "w") as f:
            f.write('{"auths": {}}\n')
        self.policy = os.path.join(b, "policy.json")
        self.env = dict(os.environ,
                        CONTAINERS_REGISTRIES_CONF=os.path.join(b, "registries.conf"),
                        REGISTRY_AUTH_FILE=os.path.join(b, "auth.json"),
                        TMPDIR=os.path.join(b, "tmp"),
                        DOCKER_CONFIG=os.path.join(b, "no-docker-config"))
        self.n = 0

    def _run(self, cmd, log):
        with open(log, "w") as f:
            t = time.monotonic()
            r = subprocess.run(cmd, stdout=f, stderr=subprocess.STDOUT, env=self.env)
            wall = time.monotonic() - t
        if r.returncode != 0:
            with open(log) as f:
                sys.stderr.write(f.read()[-3000:])
            raise SystemExit("bench_buildah: %s failed (exit %d); log %s"
                             % (cmd[0], r.returncode, log))
        return wall

    def kiln(self, cache, out):
        self.n += 1
        return self._run([KILN, "build", "--progress", "plain", "--network", "none",
                          "--cache-dir", cache, "--build-arg", "BASE=" + self.base,
                          "-o", out, self.ctx],
                         os.path.join(self.work, "kiln-%d.log" % self.n))

    def buildah(self, storage, out, layers):
        self.n += 1
        cmd = ["buildah", "--root", os.path.join(storage, "root"),
               "--runroot", os.path.join(storage, "runroot"), "--storage-driver", "overlay",
               "build", "--signature-policy", self.policy, "--isolation", "chroot",
               "--tls-verify=false", "--timestamp", "0", "--build-arg", "BASE=" + self.base]
        if layers:
            cmd.append("--layers")
        cmd += ["-f", os.path.join(self.ctx, "Dockerfile"), "-t",
                "oci-archive:%s:latest" % out, self.ctx]
        return self._run(cmd, os.path.join(self.work, "buildah-%d.log" % self.n))


def digest_of(archive):
    """The manifest digest in an OCI archive's index.json."""
    with tarfile.open(archive) as t:
        return json.load(t.extractfile("index.json"))["manifests"][0]["digest"]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=3, help="runs of each measurement (median)")
    a = ap.parse_args()
    if os.geteuid() != 0:
        raise SystemExit("bench_buildah: run as root (kiln's RUN sandbox and Buildah need it)")
    for tool in ("buildah", "docker-registry", "skopeo", "umoci"):
        if shutil.which(tool) is None:
            raise SystemExit("bench_buildah: %s is not installed (apt-get install %s)" % (tool, tool))
    ver = subprocess.run(["buildah", "--version"], capture_output=True, text=True).stdout.strip()
    work = tempfile.mkdtemp(prefix="kiln-bench-buildah-")
    reg = None
    try:
        reg = Registry(work)
        ctx = os.path.join(work, "ctx")
        make_context(ctx)
        b = Builders(work, ctx, reg.base)
        res = {"kiln cold": [], "kiln cached": [], "buildah cold": [], "buildah cached": []}
        digests = []  # (cold, cached) of kiln's runs
        for i in range(a.runs):
            cache = os.path.join(work, "kiln-cache-%d" % i)
            out = os.path.join(work, "kiln-%d.tar" % i)
            res["kiln cold"].append(b.kiln(cache, out))
            cold = digest_of(out)
            res["kiln cached"].append(b.kiln(cache, out))
            digests.append((cold, digest_of(out)))
            shutil.rmtree(cache)
            st = os.path.join(work, "buildah-store-%d" % i)
            res["buildah cold"].append(b.buildah(st, os.path.join(work, "b.tar"), False))
            shutil.rmtree(st)
        st = os.path.join(work, "buildah-store-layers")
        # The first --layers build fills Buildah's cache (shown, not a target).
        cold_layers = b.buildah(st, os.path.join(work, "b.tar"), True)
        for i in range(a.runs):
            res["buildah cached"].append(b.buildah(st, os.path.join(work, "b.tar"), True))
        med = {k: statistics.median(v) for k, v in res.items()}
        print("bench: multi-stage Dockerfile (4 stages, 7 RUN steps, COPY --from), base from a"
              " local docker-registry; kiln vs %s --isolation chroot; median of %d"
              % (ver, a.runs))
        for case, target in (("cold", 0.5), ("cached", 0.05)):
            k, bb = med["kiln " + case], med["buildah " + case]
            print("  %-7s kiln %6.2f s   buildah %6.2f s   ratio %.3fx  (target <= %gx)"
                  % (case, k, bb, k / bb, target))
        print("  (buildah cold with --layers, one run: %.2f s)" % cold_layers)
        if len(set(digests)) != 1 or digests[0][0] != digests[0][1]:
            print("  note: kiln's builds of the same inputs gave different digests:")
            for i, (cold, cached) in enumerate(digests):
                print("    run %d: cold %s, cached %s" % (i + 1, cold, cached))
    finally:
        if reg:
            reg.stop()
        if os.environ.get("BENCH_KEEP"):
            print("  work directory kept: " + work)
        else:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
