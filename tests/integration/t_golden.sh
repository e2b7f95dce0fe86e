# t_golden.sh: golden manifest digests of the contexts in testdata/golden/
# (sourced by run.sh; kb_* helpers are in t_build.sh), and the quick-start
# example. Any drift in kiln's output -- its code, or a library it uses
# (zlib, libarchive, jansson) -- changes a digest here.
#
# To regenerate testdata/golden/digests.txt after an intended change (say why
# in the commit), from the repository root, after `make kiln`:
#     bash tests/integration/t_golden.sh --regenerate
if [ "${BASH_SOURCE[0]}" = "$0" ]; then cd "$(dirname "$0")/../.." || exit 1; fi
. tests/integration/lib.sh

KG_ROOT=$PWD
KG_EPOCH=1700000000

# kg_digest NAME: the manifest digest of testdata/golden/NAME, built afresh.
kg_digest() {
	local tmp
	tmp=$(mktemp -d)
	"$KILN" build --source-date-epoch $KG_EPOCH --cache-dir "$tmp/cache" --progress quiet \
		-o "$tmp/img.tar" "$KG_ROOT/testdata/golden/$1" >"$tmp/out" || { rm -rf "$tmp"; return 1; }
	cut -d' ' -f1 "$tmp/out"
	rm -rf "$tmp"
}

test_golden_digests_have_not_drifted() {
	local list=$KG_ROOT/testdata/golden/digests.txt name want got drift=0 n=0
	while read -r name want; do
		n=$((n + 1))
		got=$(kg_digest "$name")
		if [ "$got" != "$want" ]; then
			echo "golden $name: want $want, got $got"
			drift=1
		fi
	done <"$list"
	# Every golden context has a digest and every digest a context.
	diff <(cut -d' ' -f1 "$list" | sort) \
		<(cd "$KG_ROOT/testdata/golden" && find . -mindepth 2 -maxdepth 2 -name Dockerfile | cut -d/ -f2 | sort) ||
		{ echo "testdata/golden/digests.txt and testdata/golden/*/ differ"; drift=1; }
	if [ $drift -ne 0 ]; then
		echo "If this change of kiln's output is intended, say why in the commit and run"
		echo "    bash tests/integration/t_golden.sh --regenerate"
		return 1
	fi
	[ $n -ge 3 ]
}

test_golden_digest_check_can_fail() {
	# The same context with one byte changed must not keep its golden digest.
	cp -a "$KG_ROOT/testdata/golden/single-file" ctx
	echo '!' >>ctx/hello.txt
	"$KILN" build --source-date-epoch $KG_EPOCH --cache-dir "$PWD/cache" -o img.tar ctx >out.txt
	if grep -q "^single-file $(cut -d' ' -f1 out.txt)\$" "$KG_ROOT/testdata/golden/digests.txt"; then
		echo "a changed context kept its golden digest"; return 1
	fi
	grep -q '^single-file sha256:' "$KG_ROOT/testdata/golden/digests.txt"
}

test_hello_example_builds_and_runs_its_static_entrypoint() {
	local ex=$KG_ROOT/examples/hello
	[ -x "$ex/hello" ] || { echo "examples/hello/hello is missing: run make first"; return 1; }
	kb_build hello.tar "$ex" -t kiln/hello:1
	skopeo inspect --config oci-archive:hello.tar:1 >config.json
	kb_py <<'PY'
import json
c = json.load(open("config.json"))["config"]
assert c["Entrypoint"] == ["/hello"], c.get("Entrypoint")
assert c["User"] == "65534:65534", c.get("User")
assert c["Labels"]["org.opencontainers.image.title"] == "hello", c.get("Labels")
PY
	kb_unpack hello.tar 1 b
	kb_expect_tree b <<'EOF'
hello f 755 0:0
EOF
	[ "$(b/rootfs/hello)" = 'hello from a kiln-built image' ]
}

# Run directly: rewrite digests.txt from the current ./kiln.
if [ "${BASH_SOURCE[0]}" = "$0" ] && [ "${1:-}" = --regenerate ]; then
	set -eu
	KILN=$PWD/kiln
	for d in testdata/golden/*/; do
		name=$(basename "$d")
		echo "$name $(kg_digest "$name")"
	done >testdata/golden/digests.txt.new
	mv testdata/golden/digests.txt.new testdata/golden/digests.txt
	cat testdata/golden/digests.txt
fi
