# t_consumers.sh: kiln's images as real consumers read them: skopeo (as an OCI
# archive and as a Docker archive) and the OCI image-spec JSON Schemas
# (sourced by run.sh; kb_* helpers are in t_build.sh).
. tests/integration/lib.sh

KC_ROOT=$PWD

# The OCI schemas: $CONFORMANCE (relative to the repository root, as make
# takes it) or ../shared/conformance.
kc_schemas() {
	local c=${CONFORMANCE:-$KC_ROOT/../shared/conformance}
	case $c in /*) ;; *) c=$KC_ROOT/$c ;; esac
	echo "$c/oci-schema"
}

kc_validate() { "$KB_PYTHON" "$KC_ROOT/tests/integration/validate_oci.py" "$(kc_schemas)" "$@"; }

# An image with something in every part of the config, two layers, two tags.
kc_image() {
	mkdir -p ctx/dir
	echo F >ctx/f.txt && echo A >ctx/dir/a.txt
	cat >ctx/Dockerfile <<'EOF'
FROM scratch
LABEL org.opencontainers.image.title=kiln-test org.example.k="v w"
COPY f.txt /f
COPY --chown=1:2 --chmod=0750 dir /d/
ENV A=1
WORKDIR /d
USER 1:2
EXPOSE 80 53/udp
VOLUME /data
HEALTHCHECK --interval=5s CMD ["/f", "health"]
STOPSIGNAL SIGINT
ENTRYPOINT ["/f"]
CMD ["--flag"]
EOF
	kb_build out.tar ctx -t example.com/team/app:1.0 -t app:latest \
		--platform linux/amd64 --source-date-epoch 1700000000
}

test_skopeo_inspect_reads_the_archive_and_reports_digest_and_labels() {
	kc_image
	skopeo inspect oci-archive:out.tar:1.0 >inspect.json
	skopeo inspect --raw oci-archive:out.tar:1.0 >raw.json
	skopeo inspect --config oci-archive:out.tar:latest >config.json
	kb_py out.tar "$(kb_digest out.tar)" <<'PY'
import hashlib, json, sys, kimg
img = kimg.Image(sys.argv[1], "1.0")
digest = sys.argv[2]
i = json.load(open("inspect.json"))
assert i["Digest"] == digest, (i["Digest"], digest)
assert i["Labels"] == {"org.opencontainers.image.title": "kiln-test", "org.example.k": "v w"}, i["Labels"]
assert (i["Os"], i["Architecture"]) == ("linux", "amd64"), i
assert i["Layers"] == [l["digest"] for l in img.manifest["layers"]], i["Layers"]
assert len(i["Layers"]) == 2, i["Layers"]
assert i["Created"].startswith("2023-11-14T22:13:20"), i["Created"]
raw = open("raw.json", "rb").read()
assert "sha256:" + hashlib.sha256(raw).hexdigest() == digest
# skopeo reads the config as an OCI one: Docker-only fields drop out.
s = json.load(open("config.json"))
for k, v in s.items():
    if k != "config":
        assert img.config[k] == v, (k, v, img.config[k])
for k, v in s["config"].items():
    assert img.config["config"][k] == v, (k, v, img.config["config"][k])
dropped = set(img.config["config"]) - set(s["config"])
assert dropped <= {"Healthcheck", "Shell", "OnBuild", "ArgsEscaped"}, dropped
PY
}

test_skopeo_copies_the_archive_to_a_directory_keeping_the_manifest() {
	kc_image
	skopeo --insecure-policy copy -q oci-archive:out.tar:1.0 dir:copied
	[ "sha256:$(sha256sum <copied/manifest.json | cut -d' ' -f1)" = "$(kb_digest out.tar)" ]
	kb_py out.tar <<'PY'
import os, sys, kimg
img = kimg.Image(sys.argv[1], "1.0")
for d in [img.manifest["config"]] + img.manifest["layers"]:
    p = os.path.join("copied", d["digest"].split(":")[1])
    assert open(p, "rb").read() == img.blob(d["digest"]), p
PY
}

test_skopeo_reads_the_same_tarball_as_a_docker_archive() {
	kc_image
	skopeo inspect --config docker-archive:out.tar >docker-config.json
	skopeo inspect docker-archive:out.tar >docker-inspect.json
	kb_py out.tar <<'PY'
import json, sys, kimg
img = kimg.Image(sys.argv[1], "1.0")
c = json.load(open("docker-config.json"))
assert c["rootfs"]["diff_ids"] == img.config["rootfs"]["diff_ids"], c["rootfs"]
assert c["config"]["Entrypoint"] == ["/f"] and c["config"]["Cmd"] == ["--flag"], c["config"]
i = json.load(open("docker-inspect.json"))
assert i["Labels"]["org.opencontainers.image.title"] == "kiln-test", i
PY
}

test_image_documents_validate_against_the_oci_schemas() {
	kc_image
	mkdir layout && tar -xf out.tar -C layout
	kc_validate layout layout >result.txt || { cat result.txt; return 1; }
	# oci-layout, index.json, one manifest and one config (both tags name it)
	grep -Eqx '([4-9]|[1-9][0-9]+) documents checked, 0 problems' result.txt || { cat result.txt; return 1; }
}

test_schema_validator_gets_all_80_spec_examples_right() {
	local s
	s=$(kc_schemas)
	kc_validate examples "$s/examples/index.tsv" >result.txt || { cat result.txt; return 1; }
	grep -qx '80 documents, 80 as expected, 0 not' result.txt || { cat result.txt; return 1; }
}

test_schema_validator_rejects_broken_kiln_documents_and_blobs() {
	kc_image
	mkdir layout && tar -xf out.tar -C layout
	# One process for all documents: each start of jsonschema costs ~0.4 s.
	kb_py out.tar "$(kc_schemas)" "$KC_ROOT/tests/integration" <<'PY'
import copy, sys, kimg
sys.path.insert(0, sys.argv[3])
import validate_oci as v
img = kimg.Image(sys.argv[1], "1.0")
schemas = v.Schemas(sys.argv[2])
def problems(mt, doc, change=None):
    d = copy.deepcopy(doc)
    if change:
        change(d)
    return v.check_text(schemas, mt, v.json.dumps(d))
assert problems(v.MT_CONFIG, img.config) == []
assert problems(v.MT_MANIFEST, img.manifest) == []
upper = lambda dg: "sha256:" + dg[7:].upper()
def set_layer0(d, **kw):
    d["layers"][0].update(kw)
bad = {
    "config architecture a number": (v.MT_CONFIG, lambda d: d.update(architecture=5)),
    "config Env entry without =": (v.MT_CONFIG, lambda d: d["config"].update(Env=["foo"])),
    "config diff_id in upper case": (v.MT_CONFIG, lambda d: d["rootfs"]["diff_ids"].__setitem__(0, upper(d["rootfs"]["diff_ids"][0]))),
    "config created a number": (v.MT_CONFIG, lambda d: d.update(created=1700000000)),
    "layer digest in upper case": (v.MT_MANIFEST, lambda d: set_layer0(d, digest=upper(d["layers"][0]["digest"]))),
    "config media type malformed": (v.MT_MANIFEST, lambda d: d["config"].update(mediaType="not a media type")),
    "layer url not a URI": (v.MT_MANIFEST, lambda d: set_layer0(d, urls=["not a uri"])),
    "layer data unpadded base64": (v.MT_MANIFEST, lambda d: set_layer0(d, data="YWJj ZA")),
    "manifest without schemaVersion": (v.MT_MANIFEST, lambda d: d.pop("schemaVersion")),
}
for what, (mt, change) in bad.items():
    doc = img.config if mt == v.MT_CONFIG else img.manifest
    assert problems(mt, doc, change), "validator accepted: " + what
open("layer.txt", "w").write(img.manifest["layers"][0]["digest"].split(":")[1])
PY
	# A blob whose bytes no longer match its name fails the layout check.
	"$KB_PYTHON" -c 'import sys; p = sys.argv[1]; b = bytearray(open(p, "rb").read()); b[12] ^= 0xff; open(p, "wb").write(b)' \
		"layout/blobs/sha256/$(cat layer.txt)"
	if kc_validate layout layout >result.txt; then cat result.txt; return 1; fi
	grep -q 'does not hash to its name' result.txt
}
