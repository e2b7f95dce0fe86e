# t_buildah.sh: differential tests against Buildah (sourced by run.sh).
# Each Dockerfile of tests/integration/buildah/ is built on the busybox
# image of the registry fixture (t_fetch.sh's kf_registry) by kiln and by
# `buildah build --isolation chroot --timestamp 0`; both images are unpacked
# with umoci (as root, so owners are kept) and buildah/imgdiff.py compares
# the trees (paths, types, modes, owners, mtimes, sizes, sha256 of contents,
# symlink targets, xattrs, hard links) and the image configs. Every expected
# difference is listed below, by path, with its reason; anything else --
# and any listed difference that did not occur -- fails the test.
#
# Buildah is a test dependency (.ci/run installs it): when it is missing or
# cannot build here, the tests fail saying so rather than skip.
#
# Deliberately not in the Dockerfiles (so the comparison is not drowned):
#  - the hostname RUN sees: kiln's sandbox fixes it ("kiln", t_run.sh),
#    Buildah uses the host's;
#  - a fifo made by RUN: kiln refuses the step ("a layer holds only files,
#    directories and links"), Buildah commits it;
#  - `id` with no flags: kiln runs RUN with an empty supplementary group
#    list when the user is in no /etc/group member list, Buildah with the
#    primary gid in it, so `id` prints "groups=0(root)" only under Buildah
#    (`id -G`, used instead, is the same);
#  - RUN heredocs: Buildah 1.28 does not have them.
. tests/integration/lib.sh

BB_DIR=$PWD/tests/integration/buildah
BB_PY=/usr/bin/python3
[ -x "$BB_PY" ] || BB_PY=python3

# Differences every case shows, as imgdiff.py's KNOWN lines:
# WHERE FIELD REASON.
bb_known_common() {
	cat <<'EOF'
# Buildah's chroot isolation bind-mounts /dev, /proc, /sys and /run and the
# files /etc/hosts, /etc/hostname, /etc/resolv.conf over the rootfs for RUN;
# the base image has none of them, so it creates empty mount points (files
# with mode 0755) and commits them into the layer. kiln's sandbox leaves no
# trace of its mounts in the layer (as BuildKit does not either).
/dev only-buildah Buildah commits the mount point of the /dev it mounts for RUN
/proc only-buildah Buildah commits the mount point of the /proc it mounts for RUN
/sys only-buildah Buildah commits the mount point of the /sys it mounts for RUN
/run only-buildah Buildah commits the mount point of the /run it mounts for RUN
/etc/hosts only-buildah Buildah commits the empty mount point of the /etc/hosts it bind-mounts for RUN
/etc/hostname only-buildah Buildah commits the empty mount point of the /etc/hostname it bind-mounts for RUN
/etc/resolv.conf only-buildah Buildah commits the empty mount point of the /etc/resolv.conf it bind-mounts for RUN
config:Labels.io.buildah.version only-buildah Buildah stamps its own version as a label on every image
EOF
}

# bb_tools: buildah and umoci are there, or the test fails naming them.
bb_tools() {
	local t
	for t in buildah umoci; do
		command -v "$t" >/dev/null ||
			{ echo "FAIL: $t is not installed (apt-get install $t; .ci/run installs it): the Buildah differential tests cannot run"; return 1; }
	done
}

# bb_context CASE: ./ctx with CASE's Dockerfile, and for the copy case the
# files it copies (made here, with their modes set, so no umask or checkout
# decides them).
bb_context() {
	mkdir ctx
	cp "$BB_DIR/$1.Dockerfile" ctx/Dockerfile
	[ "$1" = copy ] || return 0
	(
		umask 022
		echo hello >ctx/a.txt
		printf '#!/bin/sh\necho hi\n' >ctx/run.sh
		chmod 755 ctx/run.sh
		mkdir -p ctx/dir/nested
		echo nested >ctx/dir/nested/n
		echo top >ctx/dir/top
		ln -s a.txt ctx/link
		echo private >ctx/private
		chmod 640 ctx/private
		mkdir -p arc/x
		echo in-tar >arc/x/f
		chmod 600 arc/x/f
		ln -s f arc/x/l
		tar --sort=name --owner=42 --group=43 --numeric-owner --mtime=@1000 -C arc -cf ctx/archive.tar x
	)
}

# bb_buildah ARG...: buildah build with its storage, registries.conf,
# signature policy, auth file and temp files all under ./buildah.
bb_buildah() {
	local b=$PWD/buildah
	mkdir -p "$b/tmp"
	printf '[[registry]]\nlocation = "%s"\ninsecure = true\n' "$KF_REG" >"$b/registries.conf"
	echo '{"default": [{"type": "insecureAcceptAnything"}]}' >"$b/policy.json"
	echo '{"auths": {}}' >"$b/auth.json"
	CONTAINERS_REGISTRIES_CONF=$b/registries.conf REGISTRY_AUTH_FILE=$b/auth.json TMPDIR=$b/tmp \
		buildah --root "$b/root" --runroot "$b/runroot" --storage-driver overlay \
		build --signature-policy "$b/policy.json" --isolation chroot --tls-verify=false \
		--timestamp 0 "$@"
}

# bb_unpack TAR DIR: DIR/rootfs and DIR.layout from an OCI archive tagged latest.
bb_unpack() {
	mkdir -p "$2.layout"
	tar -xf "$1" -C "$2.layout"
	umoci unpack --image "$2.layout:latest" "$2" >/dev/null
}

# bb_compare CASE [BUILD-ARG]...: builds CASE with kiln and with Buildah and
# compares the images; the case's own known differences come on stdin.
bb_compare() {
	local c=$1 a args=() bpid krc=0 brc=0
	shift
	bb_tools
	kf_registry
	bb_context "$c"
	for a in "BASE=$KF_REG/busybox:1" "$@"; do args+=(--build-arg "$a"); done
	{ bb_known_common; cat; } >known.txt
	# The two builds are independent: Buildah's runs alongside.
	bb_buildah "${args[@]}" -f ctx/Dockerfile -t "oci-archive:$PWD/buildah.tar:latest" ctx >buildah.log 2>&1 &
	bpid=$!
	"$KILN" build --progress plain --network none --cache-dir "$PWD/cache" \
		"${args[@]}" -t bb:latest -o kiln.tar ctx >kiln.log 2>&1 || krc=$?
	wait "$bpid" || brc=$?
	[ "$brc" = 0 ] ||
		{ echo "FAIL: Buildah could not build $c.Dockerfile here (exit $brc), so there is nothing to compare with:"; cat buildah.log; return 1; }
	[ "$krc" = 0 ] || { echo "kiln build of $c.Dockerfile failed (exit $krc):"; cat kiln.log; return 1; }
	bb_unpack kiln.tar k
	bb_unpack buildah.tar b
	"$BB_PY" "$BB_DIR/imgdiff.py" known.txt k.layout k/rootfs b.layout b/rootfs
}

test_buildah_diff_run_shell_and_exec_forms_args_env_workdir_and_config() {
	bb_compare forms OVERRIDE=cli <<'EOF'
/sde sha256 kiln puts SOURCE_DATE_EPOCH (0 here) in every RUN's environment for reproducible tools; Buildah does not ("unset")
/sde size the same SOURCE_DATE_EPOCH line, "0" against "unset"
/shell sha256 Buildah ignores SHELL for OCI images ("SHELL is not supported for OCI image format"), so its RUN used /bin/sh -c; kiln uses /bin/sh -ec as BuildKit does
/shell size the same SHELL difference ("/bin/sh ce" against "/bin/sh c")
config:Shell only-kiln kiln records SHELL in the config as BuildKit does; Buildah drops it for OCI images
EOF
}

test_buildah_diff_run_deletions_opaque_dirs_type_changes_and_hard_links() {
	bb_compare whiteouts </dev/null
}

test_buildah_diff_run_as_a_passwd_user_owns_its_files_workdir_and_home() {
	bb_compare user </dev/null
}

test_buildah_diff_copy_and_add_from_context_with_chown_and_chmod() {
	bb_compare copy <<'EOF'
/dst/private mode kiln normalises context permission bits as git sees them (0640 becomes 0644, README "Reproducibility"); Buildah keeps the file's mode
EOF
}

test_buildah_diff_multi_stage_copy_from_stages_by_name_and_index() {
	bb_compare multistage </dev/null
}
