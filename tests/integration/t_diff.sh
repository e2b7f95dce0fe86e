# t_diff.sh: `kiln diff` and `kiln inspect` as a user runs them, on images
# `kiln build` made from small contexts, on their unpacked layouts, and on
# references to the shared docker-registry fixture (sourced by run.sh; kb_*
# helpers are in t_build.sh, kf_* in t_fetch.sh).
. tests/integration/lib.sh

# kd_norm: every digest as sha256:X, so that expected text can be written
# down (the digests themselves are checked through the JSON).
kd_norm() { sed -E 's/sha256:[0-9a-f]+/sha256:X/g'; }

# kd_expect FILE [SED-SCRIPT] <<EOF: FILE, digests normalised (and
# SED-SCRIPT applied), is exactly these lines.
kd_expect() {
	kd_norm <"$1" | sed -E "${2:-}" >"$1.got"
	cat >"$1.want"
	diff -u "$1.want" "$1.got" || { echo "(- expected, + what kiln printed)"; return 1; }
}

# kd_diff CODE OUT ARG...: kiln diff ARG... exits CODE, stdout in OUT, and
# nothing on stderr.
kd_diff() {
	local code=$1 out=$2 rc=0
	shift 2
	"$KILN" diff "$@" >"$out" 2>"$out.err" || rc=$?
	[ "$rc" -eq "$code" ] || { echo "kiln diff $*: exit $rc, want $code"; cat "$out" "$out.err"; return 1; }
	[ ! -s "$out.err" ] || { echo "kiln diff $*: stderr:"; cat "$out.err"; return 1; }
}

# Two contexts whose images differ in one file's mode, one file's content,
# one label, and one extra layer.
kd_two_images() {
	mkdir -p a/app b/app
	printf 'echo hi\n' >a/app/run.sh && cp a/app/run.sh b/app/run.sh && chmod +x b/app/run.sh
	echo one >a/app/data.txt && echo two >b/app/data.txt
	echo same >a/app/same.txt && cp a/app/same.txt b/app/same.txt
	echo extra >b/extra.txt
	printf 'FROM scratch\nCOPY app/ /app/\nLABEL version=1 keep=k\n' >a/Dockerfile
	printf 'FROM scratch\nCOPY app/ /app/\nLABEL version=2 keep=k\nCOPY extra.txt /extra.txt\n' >b/Dockerfile
	kb_build a.tar a --platform linux/amd64
	kb_build b.tar b --platform linux/amd64
}

test_diff_reports_exactly_a_mode_a_content_a_label_and_an_extra_layer() {
	kd_two_images
	kd_diff 1 out.txt a.tar b.tar
	kd_expect out.txt <<'EOF'
--- a.tar: manifest sha256:X, config sha256:X, linux/amd64, 1 layer
+++ b.tar: manifest sha256:X, config sha256:X, linux/amd64, 2 layers
~ Labels.version: "1" -> "2"
layer 0: content differs: sha256:X -> sha256:X (COPY app/ /app/)
  ~ /app/data.txt: content sha256:X (4 bytes) -> sha256:X (4 bytes)
  ~ /app/run.sh: mode 0644 -> 0755
+ layer 1: only in b.tar: sha256:X, 1 entry, 6 bytes (COPY extra.txt /extra.txt)
history (the build steps behind the differences):
  - LABEL version=1 keep=k
  + LABEL version=2 keep=k
  + COPY extra.txt /extra.txt
4 differences
EOF
	grep -q "^--- a.tar: manifest $(kb_digest a.tar), " out.txt
	grep -q "^+++ b.tar: manifest $(kb_digest b.tar), " out.txt
	kd_diff 1 out.json --json a.tar b.tar
	kb_py a.tar b.tar <<'PY'
import hashlib, json, sys, kimg
a, b = kimg.Image(sys.argv[1]), kimg.Image(sys.argv[2])
d = json.load(open("out.json"))
sha = lambda s: "sha256:" + hashlib.sha256(s).hexdigest()
assert d["version"] == 1 and d["identical"] is False, d
assert d["a"]["manifest"] == a.manifest_desc["digest"] and d["b"]["layers"] == 2, d["a"]
diffs = d["differences"]
assert len(diffs) == 4, json.dumps(diffs, indent=1)
label, content, mode, layer = diffs
assert label == {"kind": "field", "change": "changed", "document": "config",
                 "path": ["config", "Labels", "version"], "a": "1", "b": "2"}, label
assert content["kind"] == "file" and content["file"] == "/app/data.txt", content
assert content["attributes"] == ["content"] and content["layer"] == 0, content
assert (content["a"]["digest"], content["b"]["digest"]) == (sha(b"one\n"), sha(b"two\n")), content
assert mode["file"] == "/app/run.sh" and mode["attributes"] == ["mode"], mode
assert (mode["a"]["mode"], mode["b"]["mode"]) == ("0644", "0755"), mode
assert layer["kind"] == "layer" and layer["change"] == "added" and layer["layer"] == 1, layer
assert "a" not in layer and layer["b"]["digest"] == b.manifest["layers"][1]["digest"], layer
assert layer["b"]["diffID"] == b.config["rootfs"]["diff_ids"][1], layer
assert layer["b"]["createdBy"] == "COPY extra.txt /extra.txt" and layer["b"]["entries"] == 1
assert [l["status"] for l in d["layers"]] == ["content", "added"], d["layers"]
assert [(h["change"], h["entry"]["created_by"]) for h in d["history"]] == [
    ("removed", "LABEL version=1 keep=k"), ("added", "LABEL version=2 keep=k"),
    ("added", "COPY extra.txt /extra.txt")], d["history"]
PY
	# The other way round, the extra layer is a missing one.
	kd_diff 1 back.txt b.tar a.tar
	grep -q '^- layer 1: only in b.tar: sha256:[0-9a-f]*, 1 entry, 6 bytes (COPY extra.txt /extra.txt)$' back.txt
	grep -q '^4 differences$' back.txt
}

test_diff_of_a_tarball_and_its_unpacked_layout_is_identical() {
	kd_two_images
	mkdir layout && tar -xf b.tar -C layout
	kd_diff 0 out.txt b.tar layout
	[ "$(cat out.txt)" = "b.tar and layout are identical: manifest $(kb_digest b.tar)" ]
	kd_diff 0 out.json --json layout b.tar
	"$KB_PYTHON" - <<'PY'
import json
d = json.load(open("out.json"))
assert d["identical"] is True and d["differences"] == [] and d["history"] == [], d
assert [l["status"] for l in d["layers"]] == ["same", "same"], d["layers"]
PY
}

test_diff_says_the_compressor_differs_when_only_the_compressed_bytes_do() {
	kd_two_images
	kb_build z.tar b --platform linux/amd64 --compression zstd
	kd_diff 1 out.txt b.tar z.tar
	kd_expect out.txt <<'EOF'
--- b.tar: manifest sha256:X, config sha256:X, linux/amd64, 2 layers
+++ z.tar: manifest sha256:X, config sha256:X, linux/amd64, 2 layers
~ layer 0: compressed bytes differ (compressor), content identical (diffID sha256:X): sha256:X -> sha256:X, application/vnd.oci.image.layer.v1.tar+gzip -> application/vnd.oci.image.layer.v1.tar+zstd
~ layer 1: compressed bytes differ (compressor), content identical (diffID sha256:X): sha256:X -> sha256:X, application/vnd.oci.image.layer.v1.tar+gzip -> application/vnd.oci.image.layer.v1.tar+zstd
2 differences
EOF
}

test_diff_compares_owners_links_and_added_and_removed_files() {
	mkdir -p a/d b/d
	echo f >a/f && echo f >b/f && echo gone >a/d/gone && echo new >b/d/new
	ln -s gone a/d/l && ln -s new b/d/l
	printf 'FROM scratch\nCOPY f /f\nCOPY d /d/\n' >a/Dockerfile
	printf 'FROM scratch\nCOPY --chown=5:6 f /f\nCOPY d /d/\n' >b/Dockerfile
	kb_build a.tar a --platform linux/amd64
	kb_build b.tar b --platform linux/amd64
	kd_diff 1 out.txt a.tar b.tar
	kd_expect out.txt <<'EOF'
--- a.tar: manifest sha256:X, config sha256:X, linux/amd64, 2 layers
+++ b.tar: manifest sha256:X, config sha256:X, linux/amd64, 2 layers
layer 0: content differs: sha256:X -> sha256:X (COPY --chown=5:6 f /f)
  ~ /f: owner 0:0 -> 5:6
layer 1: content differs: sha256:X -> sha256:X (COPY d /d/)
  - /d/gone: file 0644 0:0, 5 bytes
  ~ /d/l: link gone -> new
  + /d/new: file 0644 0:0, 4 bytes
history (the build steps behind the differences):
  - COPY f /f
  + COPY --chown=5:6 f /f
4 differences
EOF
}

test_diff_and_inspect_refuse_bad_usage_and_unreadable_input_in_one_line() {
	kd_two_images
	echo junk >junk.tar
	expect_fail 2 '^kiln: missing.tar: No such file or directory$' "$KILN" diff a.tar missing.tar
	expect_fail 2 '^kiln: junk.tar: ' "$KILN" diff junk.tar a.tar
	expect_fail 2 '^kiln: diff: want two images' "$KILN" diff a.tar
	expect_fail 2 '^kiln: diff: bad option --nope ' "$KILN" diff --nope a.tar b.tar
	expect_fail 2 '^kiln: inspect: want one image' "$KILN" inspect a.tar b.tar
	expect_fail 2 '^kiln: \./nowhere: No such file or directory$' "$KILN" inspect ./nowhere
	mkdir empty
	expect_fail 2 '^kiln: empty: index.json: No such file or directory$' "$KILN" inspect empty
	# A layer whose blob is not what its digest says is refused, not compared.
	mkdir l && tar -xf b.tar -C l
	kb_py b.tar <<'PY'
import sys, kimg
img = kimg.Image(sys.argv[1])
d = img.manifest["layers"][0]["digest"].split(":")[1]
open("l/blobs/sha256/" + d, "wb").write(b"not a tar at all, nor gzip")
PY
	expect_fail 2 '^kiln: l: layer 0: ' "$KILN" diff a.tar l
}

test_diff_platform_picks_one_manifest_of_a_multi_platform_layout() {
	mkdir ctx && printf 'FROM scratch\nLABEL a=b\n' >ctx/Dockerfile
	kb_build amd64.tar ctx --platform linux/amd64
	kb_build arm64.tar ctx --platform linux/arm64
	mkdir multi && tar -xf amd64.tar -C multi && tar -xf arm64.tar -C multi
	kb_py amd64.tar arm64.tar <<'PY'
import json, sys, kimg
ms = []
for path, arch in zip(sys.argv[1:], ("amd64", "arm64")):
    d = dict(kimg.Image(path).manifest_desc)
    d.pop("annotations", None)
    d["platform"] = {"os": "linux", "architecture": arch}
    ms.append(d)
json.dump({"schemaVersion": 2, "manifests": ms}, open("multi/index.json", "w"))
PY
	kd_diff 0 out.txt --platform linux/arm64 multi arm64.tar
	kd_diff 1 out.txt --platform linux/arm64/v8 multi amd64.tar
	grep -qx '~ architecture: "arm64" -> "amd64"' out.txt
	expect_fail 2 '^kiln: multi: no manifest for platform linux/s390x \(available: linux/amd64, linux/arm64\)$' \
		"$KILN" diff --platform linux/s390x multi arm64.tar
	[ "$(uname -m)" = x86_64 ] || return 0
	kd_diff 0 out.txt multi amd64.tar # the host's
}

test_inspect_prints_the_digests_kiln_build_and_skopeo_report() {
	kd_two_images
	"$KILN" inspect --json b.tar >inspect.json
	"$KILN" inspect b.tar >inspect.txt
	skopeo inspect oci-archive:b.tar >skopeo.json
	skopeo inspect --raw oci-archive:b.tar >raw.json
	skopeo inspect --config oci-archive:b.tar >config.json
	mkdir layout && tar -xf b.tar -C layout
	"$KILN" inspect --json layout >layout.json
	kb_py "$(kb_digest b.tar)" <<'PY'
import hashlib, json, sys
digest = sys.argv[1]
i = json.load(open("inspect.json"))
s, raw, cfg = json.load(open("skopeo.json")), open("raw.json", "rb").read(), json.load(open("config.json"))
m = json.loads(raw)
assert i["manifest"]["digest"] == digest == s["Digest"], (i["manifest"], s["Digest"])
assert i["manifest"]["size"] == len(raw) and "sha256:" + hashlib.sha256(raw).hexdigest() == digest
assert i["config"]["digest"] == m["config"]["digest"] and i["config"]["size"] == m["config"]["size"]
assert [l["digest"] for l in i["layers"]] == s["Layers"], (i["layers"], s["Layers"])
assert [l["size"] for l in i["layers"]] == [l["size"] for l in m["layers"]]
assert [l["diffID"] for l in i["layers"]] == cfg["rootfs"]["diff_ids"]
assert [l["createdBy"] for l in i["layers"]] == ["COPY app/ /app/", "COPY extra.txt /extra.txt"], i["layers"]
assert i["platform"] == "linux/amd64" == s["Os"] + "/" + s["Architecture"]
assert i["labels"] == s["Labels"] == {"version": "2", "keep": "k"}, i
assert i["env"] == s["Env"] and "index" not in i and i["name"] == "b.tar", i
l = json.load(open("layout.json"))
assert l["name"] == "layout" and {**l, "name": "b.tar"} == i, (l, i)
PY
	grep -qx "manifest:   $(kb_digest b.tar) (application/vnd.oci.image.manifest.v1+json, [0-9]* bytes)" inspect.txt
	# Sizes as the JSON check above has them: here, only the layout.
	kd_expect inspect.txt 's/[0-9]+ bytes/N bytes/' <<'EOF'
image:      b.tar
manifest:   sha256:X (application/vnd.oci.image.manifest.v1+json, N bytes)
config:     sha256:X (N bytes)
platform:   linux/amd64
created:    1970-01-01T00:00:00Z
layers:     2, N bytes
  0: sha256:X, N bytes
     diffID sha256:X
     created by: COPY app/ /app/
  1: sha256:X, N bytes
     diffID sha256:X
     created by: COPY extra.txt /extra.txt
env:        PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
labels:     keep=k
            version=2
EOF
}

test_inspect_summarises_the_config() {
	mkdir ctx && echo F >ctx/f
	cat >ctx/Dockerfile <<'EOF'
FROM scratch
COPY f /f
ENV A=1 B="two words"
WORKDIR /d
USER 1:2
EXPOSE 80 53/udp
VOLUME /data /cache
STOPSIGNAL SIGINT
ENTRYPOINT ["/f"]
CMD ["--flag"]
EOF
	kb_build out.tar ctx --platform linux/arm/v7
	"$KILN" inspect out.tar >out.txt
	sed -n '/^env:/,$p' out.txt >tail.txt
	diff -u - tail.txt <<'EOF'
env:        PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
            A=1
            B=two words
entrypoint: ["/f"]
cmd:        ["--flag"]
workdir:    /d
user:       1:2
ports:      53/udp
            80/tcp
volumes:    /cache
            /data
stopsignal: SIGINT
EOF
	grep -qx 'platform:   linux/arm/v7' out.txt
}

# --- registry references ---------------------------------------------------

test_diff_and_inspect_read_registry_references_into_the_cache() {
	kf_registry
	"$KILN" inspect --json --cache-dir "$PWD/cache" "$KF_REG/busybox:1" >bb.json
	"$KB_PYTHON" - "$KF_AMD64" "$KF_CONFIG" "$KF_LAYER" "$KF_LAYER_SIZE" <<'PY'
import json, sys
manifest, config, layer, size = sys.argv[1:]
i = json.load(open("bb.json"))
assert i["manifest"]["digest"] == manifest and i["config"]["digest"] == config, i
assert [(l["digest"], l["size"]) for l in i["layers"]] == [(layer, int(size))], i["layers"]
assert i["cmd"] == ["sh"] and i["platform"] == "linux/amd64", i
PY
	# Neither inspect nor a diff whose layers are the same fetches a layer.
	local layer=cache/blobs/sha256/${KF_LAYER#sha256:}
	[ ! -e "$layer" ]
	kd_diff 0 same.txt --cache-dir "$PWD/cache" --platform linux/amd64 "$KF_REG/busybox:1" "$KF_REG/multi:1@$KF_INDEX"
	grep -qx "$KF_REG/busybox:1 and $KF_REG/multi:1@$KF_INDEX are identical: manifest $KF_AMD64" same.txt
	kd_diff 1 arm.txt --cache-dir "$PWD/cache" --platform linux/arm64 "$KF_REG/busybox:1" "$KF_REG/multi:1"
	grep -qx '~ architecture: "amd64" -> "arm64"' arm.txt
	grep -qx "layer 0: same $KF_LAYER (umoci raw add-layer)" arm.txt
	grep -q '^~ created: ' arm.txt # umoci stamped each image when it made it
	grep -qx '2 differences' arm.txt || { cat arm.txt; return 1; }
	[ ! -e "$layer" ]
	# A layer whose digest differs is fetched, checked, and read file by file.
	mkdir ctx && echo hi >ctx/a && printf 'FROM scratch\nCOPY a /bin/busybox\n' >ctx/Dockerfile
	kb_build mine.tar ctx --platform linux/amd64
	kd_diff 1 mine.json --json --cache-dir "$PWD/cache" "$KF_REG/busybox:1" mine.tar
	[ -f "$layer" ]
	"$KB_PYTHON" - <<'PY'
import hashlib, json
d = json.load(open("mine.json"))
files = {x["file"]: x for x in d["differences"] if x["kind"] == "file"}
bb = files["/bin/busybox"]
assert bb["change"] == "changed" and bb["attributes"] == ["content", "mode"], bb
assert bb["a"]["digest"] == "sha256:" + hashlib.sha256(open("/bin/busybox", "rb").read()).hexdigest()
assert bb["b"]["digest"] == "sha256:" + hashlib.sha256(b"hi\n").hexdigest(), bb
assert files["/etc/passwd"]["change"] == "removed" and files["/bin/sh"]["a"]["link"] == "busybox"
assert d["layers"][0]["status"] == "content" and d["layers"][0]["a"]["entries"] > 100, d["layers"]
PY
}

test_diff_of_an_image_built_on_a_registry_base_shows_the_base_layer_same() {
	kf_registry
	mkdir ctx && echo hi >ctx/a
	printf 'FROM %s/busybox:1\nCOPY a /a\n' "$KF_REG" >ctx/Dockerfile
	"$KILN" build --progress quiet --cache-dir "$PWD/cache" -o out.tar ctx >/dev/null
	kd_diff 1 out.txt --cache-dir "$PWD/cache" "$KF_REG/busybox:1" out.tar
	created=$("$KB_PYTHON" -c 'import json, sys; print(json.load(open(sys.argv[1]))["created"])' \
		"cache/blobs/sha256/${KF_CONFIG#sha256:}")
	# The fixture's manifest has no mediaType; kiln's says it.
	kd_expect out.txt <<EOF
--- $KF_REG/busybox:1: manifest sha256:X, config sha256:X, linux/amd64, 1 layer
+++ out.tar: manifest sha256:X, config sha256:X, linux/amd64, 2 layers
+ manifest.annotations["org.opencontainers.image.base.digest"]: "sha256:X"
+ manifest.annotations["org.opencontainers.image.base.name"]: "$KF_REG/busybox:1"
+ manifest.mediaType: "application/vnd.oci.image.manifest.v1+json"
+ Env.PATH: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
~ created: "$created" -> "1970-01-01T00:00:00Z"
layer 0: same sha256:X (umoci raw add-layer)
+ layer 1: only in out.tar: sha256:X, 1 entry, 3 bytes (COPY a /a)
history (the build steps behind the differences):
  + COPY a /a
6 differences
EOF
	"$KILN" inspect out.tar >inspect.txt
	grep -qx "base:       $KF_REG/busybox:1" inspect.txt
	grep -qx "            $KF_AMD64" inspect.txt
}

test_diff_of_one_image_pushed_as_oci_and_as_docker_schema2() {
	kf_registry
	kd_diff 1 out.txt --cache-dir "$PWD/cache" "$KF_REG/busybox:1" "$KF_REG/dockerv2:1"
	kd_expect out.txt <<EOF
--- $KF_REG/busybox:1: manifest sha256:X, config sha256:X, linux/amd64, 1 layer
+++ $KF_REG/dockerv2:1: manifest sha256:X, config sha256:X, linux/amd64, 1 layer
~ manifest.config.mediaType: "application/vnd.oci.image.config.v1+json" -> "application/vnd.docker.container.image.v1+json"
+ manifest.mediaType: "application/vnd.docker.distribution.manifest.v2+json"
~ manifest.layers[0].mediaType: "application/vnd.oci.image.layer.v1.tar+gzip" -> "application/vnd.docker.image.rootfs.diff.tar.gzip"
layer 0: same sha256:X (umoci raw add-layer)
3 differences
EOF
}
