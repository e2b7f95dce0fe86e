# t_registry.sh: `kiln build`, `kiln lock` and `kiln vendor` against a real
# docker-registry on 127.0.0.1 (sourced by run.sh; reuses t_fetch.sh's
# registry fixture: busybox:1, the two-platform multi:1, dockerv2:1).

# kr_ctx LINE...: a context whose Dockerfile is the given lines.
kr_ctx() {
	mkdir -p ctx
	echo hi >ctx/a
	printf '%s\n' "$@" >ctx/Dockerfile
}

kr_build() {
	"$KILN" build --progress quiet --cache-dir "$PWD/cache" "$@"
}

test_registry_build_pins_the_base_in_kiln_lock_and_reuses_its_layer() {
	kf_registry
	kr_ctx "FROM $KF_REG/busybox:1" 'COPY --chown=root a /a' 'CMD ["cat","/a"]'
	kr_build -t t:1 -o out.tar ctx >/dev/null
	/usr/bin/python3 - "$KF_REG" "$KF_AMD64" "$KF_LAYER" <<'PY'
import json, sys, tarfile
reg, manifest, layer = sys.argv[1:]
lock = json.load(open("ctx/kiln.lock"))
assert lock["images"] == [{"ref": reg + "/busybox:1", "index": "", "manifest": manifest}], lock
assert lock["platform"] == "linux/amd64" and lock["compression"]["algorithm"] == "gzip"
t = tarfile.open("out.tar")
blob = lambda d: json.load(t.extractfile("blobs/sha256/" + d.split(":")[1]))
m = blob(json.load(t.extractfile("index.json"))["manifests"][0]["digest"])
assert m["layers"][0]["digest"] == layer and len(m["layers"]) == 2, m
assert m["annotations"] == {"org.opencontainers.image.base.name": reg + "/busybox:1",
                            "org.opencontainers.image.base.digest": manifest}, m
c = blob(m["config"]["digest"])
assert c["config"]["Cmd"] == ["cat", "/a"], c
assert len(c["rootfs"]["diff_ids"]) == 2 and c["history"][-1]["created_by"] == 'CMD ["cat","/a"]'
PY
}

test_vendor_then_offline_build_with_an_empty_cache_is_byte_identical() {
	kf_registry
	kr_ctx "FROM $KF_REG/multi:1" 'COPY --chown=root a /a'
	"$KILN" lock --cache-dir "$PWD/cache" --platform linux/arm64/v8 ctx >lock.out
	grep -q "^$KF_ARM64 $KF_REG/multi:1\$" lock.out
	grep -q "\"index\": \"$KF_INDEX\"" ctx/kiln.lock
	"$KILN" vendor --cache-dir "$PWD/cache" --lock ctx/kiln.lock -o vendor
	kr_build --platform linux/arm64/v8 -o one.tar ctx >one.digest
	kf_stop
	# No network at all: a network namespace of its own.
	unshare -n "$KILN" build --progress quiet --platform linux/arm64/v8 --offline \
		--vendor vendor --cache-dir "$PWD/empty" -o two.tar ctx >two.digest
	cmp one.tar two.tar
	[ -z "$(ls empty/tmp)" ]
}

test_copy_from_an_image_takes_files_from_its_layers() {
	kf_registry
	kr_ctx 'FROM scratch' "COPY --from=$KF_REG/busybox:1 /etc/passwd /bin/busybox /x/"
	kr_build -t t:1 -o out.tar ctx >/dev/null
	mkdir l && tar -xf out.tar -C l && umoci unpack --image l:1 b >/dev/null
	[ "$(cat b/rootfs/x/passwd)" = 'root:x:0:0:root:/root:/bin/sh' ]
	cmp b/rootfs/x/busybox /bin/busybox
}

test_locked_build_lists_every_input_missing_from_the_lock() {
	kf_registry
	kr_ctx "FROM $KF_REG/busybox:1" "COPY --from=$KF_REG/dockerv2:1 /etc/group /g"
	expect_fail 1 "^kiln: --locked: not in the lockfile: $KF_REG/busybox:1 \(ctx/Dockerfile:1\), $KF_REG/dockerv2:1 \(ctx/Dockerfile:2\)\$" \
		kr_build --locked -o out.tar ctx
	[ ! -e out.tar ] && [ ! -e ctx/kiln.lock ] || false
}

test_offline_build_without_the_blobs_fails_and_writes_nothing() {
	kf_registry
	kr_ctx "FROM $KF_REG/busybox:1"
	"$KILN" lock --cache-dir "$PWD/cache" ctx >/dev/null
	kf_stop
	expect_fail 1 "^kiln: ctx/Dockerfile:1: FROM $KF_REG/busybox:1: .* (is not in the cache|offline)" \
		kr_build --offline --cache-dir "$PWD/empty" -o out.tar ctx
	[ ! -e out.tar ]
}

test_unreachable_registry_is_one_line_naming_the_line() {
	kr_ctx 'FROM 127.0.0.1:9/nothing:1'
	expect_fail 1 '^kiln: ctx/Dockerfile:1: .*127\.0\.0\.1:9' kr_build -o out.tar ctx
	[ ! -e out.tar ]
}

test_locked_build_with_an_empty_cache_fetches_by_the_pinned_digests() {
	kf_registry
	kr_ctx "FROM $KF_REG/multi:1" 'COPY a /a'
	"$KILN" lock --cache-dir "$PWD/c1" ctx >/dev/null
	kr_build --locked --cache-dir "$PWD/c2" -o out.tar ctx >/dev/null
	[ -f "c2/blobs/sha256/${KF_AMD64#sha256:}" ] && [ -f "c2/blobs/sha256/${KF_LAYER#sha256:}" ] || false
}

test_a_re_pushed_tag_does_not_move_a_locked_build_but_lock_update_does() {
	kf_registry
	local tag=moving-$$-$RANDOM
	# A tag of this test's own: the registry may be shared by the run.
	skopeo copy -q --src-tls-verify=false --dest-tls-verify=false \
		"docker://$KF_REG/busybox:1" "docker://$KF_REG/busybox:$tag"
	kr_ctx "FROM $KF_REG/busybox:$tag" 'COPY a /a'
	kr_build -o before.tar ctx >/dev/null
	cp ctx/kiln.lock lock.before
	skopeo copy -q --src-tls-verify=false --dest-tls-verify=false \
		"docker://$KF_REG/dockerv2:1" "docker://$KF_REG/busybox:$tag"
	kr_build --locked --cache-dir "$PWD/other" -o after.tar ctx >/dev/null
	cmp before.tar after.tar
	cmp lock.before ctx/kiln.lock
	"$KILN" lock --update --cache-dir "$PWD/cache" ctx >/dev/null
	grep -q "\"manifest\": \"$KF_DOCKERV2\"" ctx/kiln.lock
}

test_build_from_a_basic_auth_registry_uses_config_json_and_never_prints_it() {
	kf_registry kiln:basic-pw
	kr_ctx "FROM $KF_REG/busybox:1" 'COPY a /a'
	kf_docker_config <<EOF
{"auths": {"$KF_REG": {"auth": "$(printf kiln:basic-pw | base64)"}}}
EOF
	kr_build -o out.tar ctx >/dev/null
	! grep -q basic-pw ctx/kiln.lock || false
	kf_docker_config <<EOF
{"auths": {"$KF_REG": {"username": "kiln", "password": "wrong-pw-789"}}}
EOF
	rm ctx/kiln.lock
	expect_fail 1 "^kiln: ctx/Dockerfile:1: unauthorized: $KF_REG/busybox:1" kr_build --cache-dir "$PWD/c2" -o out2.tar ctx
	! grep -q wrong-pw-789 err.txt || false
	[ ! -e out2.tar ]
}

test_blob_downloads_show_one_plain_line_each_off_a_terminal() {
	kf_registry
	kr_ctx "FROM $KF_REG/busybox:1"
	"$KILN" build --cache-dir "$PWD/cache" -o out.tar ctx >/dev/null 2>err.txt
	grep -qx "pulling $KF_LAYER ($KF_LAYER_SIZE bytes)" err.txt
	[ "$(grep -c "^pulling $KF_LAYER " err.txt)" = 1 ]
}
