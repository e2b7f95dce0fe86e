# t_run.sh: RUN steps through `kiln build`, on the busybox image of the
# registry fixture (t_fetch.sh), checked by unpacking the result with umoci.

kn_build() {
	"$KILN" build --progress quiet --network none --cache-dir "$PWD/cache" "$@"
}

kn_unpack() {
	mkdir -p "$2.layout"
	tar -xf "$1" -C "$2.layout"
	umoci unpack --image "$2.layout:1" "$2" >/dev/null
}

test_run_shell_and_exec_forms_see_args_env_and_a_fixed_hostname() {
	kf_registry
	mkdir ctx
	cat >ctx/Dockerfile <<EOF
FROM $KF_REG/busybox:1
ARG GREETING=hello
ENV WHO=world
RUN echo "\$GREETING \$WHO \$(hostname)" >/greeting
RUN ["/bin/sh", "-c", "echo \$WHO >/exec"]
EOF
	kn_build -t t:1 -o out.tar ctx >/dev/null
	kn_unpack out.tar b
	[ "$(cat b/rootfs/greeting)" = "hello world kiln" ]
	[ "$(cat b/rootfs/exec)" = "world" ]
	/usr/bin/python3 - <<'PY'
import json, tarfile
t = tarfile.open("out.tar")
blob = lambda d: json.load(t.extractfile("blobs/sha256/" + d.split(":")[1]))
m = blob(json.load(t.extractfile("index.json"))["manifests"][0]["digest"])
c = blob(m["config"]["digest"])
assert "GREETING=hello" not in c["config"]["Env"], c["config"]["Env"]
assert c["history"][-1]["created_by"].startswith('RUN ["/bin/sh"'), c["history"]
PY
}

test_run_deleting_a_base_file_leaves_it_absent_in_the_image() {
	kf_registry
	mkdir ctx
	printf 'FROM %s/busybox:1\nRUN rm /etc/group\n' "$KF_REG" >ctx/Dockerfile
	kn_build -t t:1 -o out.tar ctx >/dev/null
	kn_unpack out.tar b
	[ -f b/rootfs/etc/passwd ] && [ ! -e b/rootfs/etc/group ] || false
	/usr/bin/python3 - <<'PY'
import io, json, tarfile
t = tarfile.open("out.tar")
blob = lambda d: t.extractfile("blobs/sha256/" + d.split(":")[1]).read()
m = json.loads(blob(json.load(t.extractfile("index.json"))["manifests"][0]["digest"]))
layer = tarfile.open(fileobj=io.BytesIO(blob(m["layers"][-1]["digest"])))
assert "etc/.wh.group" in layer.getnames(), layer.getnames()
PY
}

test_run_as_a_user_added_to_passwd_owns_what_it_writes() {
	kf_registry
	mkdir ctx
	cat >ctx/Dockerfile <<EOF
FROM $KF_REG/busybox:1
RUN echo 'app:x:1000:1000::/home/app:/bin/sh' >>/etc/passwd && mkdir -p /home/app && chown 1000:1000 /home/app
USER app
WORKDIR /home/app
RUN touch mine && id -u >uid
EOF
	kn_build -t t:1 -o out.tar ctx >/dev/null
	kn_unpack out.tar b
	[ "$(stat -c %u:%g b/rootfs/home/app/mine)" = 1000:1000 ]
	[ "$(cat b/rootfs/home/app/uid)" = 1000 ]
}

test_failing_run_names_the_line_and_exit_code_and_leaves_no_mount() {
	kf_registry
	mkdir ctx
	printf 'FROM %s/busybox:1\nRUN echo before-failing; exit 3\n' "$KF_REG" >ctx/Dockerfile
	before=$(wc -l </proc/self/mountinfo)
	local rc=0
	kn_build -o out.tar ctx >out.txt 2>err.txt || rc=$?
	[ "$rc" = 1 ] && grep -q '^kiln: ctx/Dockerfile:2: RUN exited with code 3' err.txt || false
	grep -q 'before-failing' err.txt
	[ ! -e out.tar ]
	[ "$(wc -l </proc/self/mountinfo)" = "$before" ]
}

test_two_cold_builds_with_run_in_different_caches_are_identical() {
	kf_registry
	mkdir ctx
	printf 'FROM %s/busybox:1\nRUN echo $(hostname) >/h && mkdir -p /d && echo x >/d/f\n' "$KF_REG" >ctx/Dockerfile
	"$KILN" build --progress quiet --network none --cache-dir "$PWD/c1" -o one.tar ctx >/dev/null
	"$KILN" build --progress quiet --network none --cache-dir "$PWD/c2" -o two.tar ctx >/dev/null
	cmp one.tar two.tar
}

test_run_mounts_bind_cache_and_secret_stay_out_of_the_layer() {
	kf_registry
	mkdir ctx
	echo from-context >ctx/input
	echo s3cret >secret.txt
	cat >ctx/Dockerfile <<EOF
FROM $KF_REG/busybox:1
RUN --mount=type=bind,source=input,target=/in --mount=type=cache,target=/var/cache/x --mount=type=secret,id=tok cat /in /run/secrets/tok >/seen && touch /var/cache/x/kept
RUN --mount=type=cache,target=/var/cache/x ls /var/cache/x >/cached
EOF
	kn_build --secret id=tok,src="$PWD/secret.txt" -t t:1 -o out.tar ctx >/dev/null
	kn_unpack out.tar b
	[ "$(cat b/rootfs/seen)" = "$(printf 'from-context\ns3cret')" ]
	[ "$(cat b/rootfs/cached)" = kept ]
	[ ! -e b/rootfs/in ] && [ ! -e b/rootfs/run/secrets/tok ] && [ ! -e b/rootfs/var/cache/x/kept ] || false
}

test_run_bind_mount_from_a_stage_reads_its_files_and_leaves_no_trace() {
	kf_registry
	mkdir ctx
	echo payload >ctx/p
	cat >ctx/Dockerfile <<EOF
FROM scratch AS files
COPY p /data/p
FROM $KF_REG/busybox:1
RUN --mount=type=bind,from=files,source=/data,target=/mnt cat /mnt/p >/seen
RUN --mount=type=bind,from=files,source=data/p,target=/one cat /one >/seen-one
EOF
	kn_build -t t:1 -o out.tar ctx >/dev/null
	kn_unpack out.tar b
	[ "$(cat b/rootfs/seen)" = payload ] && [ "$(cat b/rootfs/seen-one)" = payload ] || false
	[ ! -e b/rootfs/mnt/p ] && [ ! -e b/rootfs/one ] || false
}

test_independent_stages_build_at_the_same_time() {
	kf_registry
	mkdir ctx
	# Each stage waits for the other's mark in a shared cache mount: built
	# one after the other, the first would give up and fail.
	cat >ctx/Dockerfile <<EOF
FROM $KF_REG/busybox:1 AS a
RUN --mount=type=cache,id=meet,target=/s touch /s/a && for i in \$(seq 150); do [ -e /s/b ] && break; sleep 0.1; done && [ -e /s/b ] && echo a >/a
FROM $KF_REG/busybox:1 AS b
RUN --mount=type=cache,id=meet,target=/s touch /s/b && for i in \$(seq 150); do [ -e /s/a ] && break; sleep 0.1; done && [ -e /s/a ] && echo b >/b
FROM scratch
COPY --from=a /a /a
COPY --from=b /b /b
EOF
	kn_build -t t:1 -o out.tar ctx >/dev/null
	kn_unpack out.tar x
	[ "$(cat x/rootfs/a x/rootfs/b)" = "$(printf 'a\nb')" ]
}

test_builds_with_run_killed_at_random_points_leave_a_cache_that_rebuilds_right() {
	kf_registry
	mkdir ctx
	echo data >ctx/data
	cat >ctx/Dockerfile <<EOF
FROM $KF_REG/busybox:1
RUN mkdir /w && for i in \$(seq 200); do echo \$i >/w/\$i; done
COPY data /data
RUN cat /data /w/7 >/both && rm /bin/vi
EOF
	"$KILN" build --progress quiet --network none --cache-dir "$PWD/ref" -o want.tar ctx >/dev/null
	for _ in 1 2 3 4 5 6; do
		"$KILN" build --progress quiet --network none --cache-dir "$PWD/cache" -o got.tar ctx >/dev/null 2>&1 &
		sleep "0.$((RANDOM % 9 + 1))"
		kill -9 $! 2>/dev/null || true
		wait $! 2>/dev/null || true
	done
	[ -z "$(grep -F "$PWD/cache" /proc/self/mountinfo)" ]
	for f in cache/blobs/sha256/*; do
		[ "$(sha256sum <"$f" | cut -d' ' -f1)" = "$(basename "$f")" ]
	done
	kn_build -o got.tar ctx >/dev/null
	cmp want.tar got.tar
}
