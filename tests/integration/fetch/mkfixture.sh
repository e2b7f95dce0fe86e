#!/bin/bash
# mkfixture.sh OUT: the registry content every fetch test starts from, built
# once and copied per test: a busybox-static root filesystem made into OCI
# images with umoci and pushed with skopeo to a throwaway docker-registry.
# OUT/storage is that registry's storage directory; OUT/digests.env names
# the digests the tests assert (sourced by t_fetch.sh).
#   busybox:1     one OCI manifest, linux/amd64
#   multi:1       an OCI index: linux/amd64 and linux/arm64/v8 (same layer,
#                 the arm64 config only says arm64: no arm64 binary is needed)
#   dockerv2:1    the amd64 image as a Docker schema2 manifest
set -euo pipefail
out=$1
here=$(cd "$(dirname "$0")" && pwd)
py=/usr/bin/python3
[ -x "$py" ] || py=python3
work=$(mktemp -d)
pid=
cleanup() {
	[ -z "$pid" ] || kill "$pid" 2>/dev/null || true
	[ -z "$pid" ] || wait "$pid" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT
cd "$work"

# A reproducible busybox root: every mtime 0, owners 0:0, sorted.
mkdir -p rootfs/bin rootfs/etc
cp /bin/busybox rootfs/bin/busybox
for a in $(rootfs/bin/busybox --list); do
	[ "$a" = busybox ] || ln -s busybox "rootfs/bin/$a"
done
echo 'root:x:0:0:root:/root:/bin/sh' >rootfs/etc/passwd
echo 'root:x:0:' >rootfs/etc/group
find rootfs -exec touch -h -d @0 {} +
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -C rootfs -cf layer.tar .

umoci init --layout L
for arch in amd64 arm64; do
	umoci new --image "L:$arch"
	umoci raw add-layer --image "L:$arch" layer.tar
	umoci config --image "L:$arch" --config.cmd sh --os linux --architecture "$arch"
done
# The two manifests under one index, tagged "multi" in the layout.
"$py" - L <<'PY'
import hashlib, json, os, sys
lay = sys.argv[1]
idx = json.load(open(os.path.join(lay, "index.json")))
plat = {"amd64": {"os": "linux", "architecture": "amd64"},
        "arm64": {"os": "linux", "architecture": "arm64", "variant": "v8"}}
ms = []
for m in idx["manifests"]:
    tag = m["annotations"]["org.opencontainers.image.ref.name"]
    d = {k: m[k] for k in ("mediaType", "digest", "size")}
    d["platform"] = plat[tag]
    ms.append(d)
ms.sort(key=lambda d: d["platform"]["architecture"])
body = json.dumps({"schemaVersion": 2,
                   "mediaType": "application/vnd.oci.image.index.v1+json",
                   "manifests": ms}, sort_keys=True).encode()
dg = hashlib.sha256(body).hexdigest()
open(os.path.join(lay, "blobs", "sha256", dg), "wb").write(body)
idx["manifests"].append({"mediaType": "application/vnd.oci.image.index.v1+json",
                         "digest": "sha256:" + dg, "size": len(body),
                         "annotations": {"org.opencontainers.image.ref.name": "multi"}})
json.dump(idx, open(os.path.join(lay, "index.json"), "w"))
PY

port=$("$py" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$here/regconf.sh" "$port" "$work/storage" >config.yml
docker-registry serve config.yml >registry.log 2>&1 &
pid=$!
for _ in $(seq 50); do
	curl -fs "http://127.0.0.1:$port/v2/" >/dev/null && break
	sleep 0.1
done
dst=docker://127.0.0.1:$port
push() { skopeo --insecure-policy copy -q --dest-tls-verify=false "$@"; }
push oci:L:amd64 "$dst/busybox:1"
push --all oci:L:multi "$dst/multi:1"
push --format v2s2 oci:L:amd64 "$dst/dockerv2:1"
raw() { curl -fs -H "Accept: $2" "http://127.0.0.1:$port/v2/$1"; }
sha() { echo "sha256:$(sha256sum | cut -d' ' -f1)"; }
{
	echo "KF_INDEX=$(raw multi/manifests/1 application/vnd.oci.image.index.v1+json | sha)"
	echo "KF_AMD64=$(raw busybox/manifests/1 application/vnd.oci.image.manifest.v1+json | sha)"
	echo "KF_DOCKERV2=$(raw dockerv2/manifests/1 application/vnd.docker.distribution.manifest.v2+json | sha)"
	raw multi/manifests/1 application/vnd.oci.image.index.v1+json |
		"$py" -c 'import json,sys; [print("KF_ARM64=" + m["digest"]) for m in json.load(sys.stdin)["manifests"] if m["platform"]["architecture"] == "arm64"]'
	raw busybox/manifests/1 application/vnd.oci.image.manifest.v1+json |
		"$py" -c 'import json,sys; m=json.load(sys.stdin); print("KF_CONFIG=" + m["config"]["digest"]); print("KF_LAYER=" + m["layers"][0]["digest"]); print("KF_LAYER_SIZE=%d" % m["layers"][0]["size"])'
} >digests.env
kill "$pid"
wait "$pid" 2>/dev/null || true
pid=
rm -rf "$out"
mkdir -p "$out"
mv storage digests.env "$out/"
