# t_sandbox.sh: the RUN sandbox (compiler/sandbox*.c, upper_diff.c and
# oci/unpack.c) driven step by step as the executor will drive it, on a
# busybox-static base layer (sourced by run.sh). The driver,
# tests/integration/sandbox/sandbox_driver.c, unpacks the layers, runs one
# step and prints its layer entries: TYPE PATH MODE UID:GID [SIZE|-> LINK].
. tests/integration/lib.sh

# sbx_ready: root, overlayfs and /bin/busybox; without them the tests
# pass as skipped. Builds the driver and the base layer into
# build/integration once, the driver again when its sources change.
sbx_ready() {
	if [ "$(id -u)" -ne 0 ] || ! grep -qw overlay /proc/filesystems ||
		[ ! -x /bin/busybox ]; then
		echo "skipped: needs root, overlayfs and /bin/busybox"
		return 1
	fi
	local dir=$OLDPWD/build/integration srcs key
	srcs="tests/integration/sandbox/sandbox_driver.c compiler/sandbox*.[ch]
		compiler/upper_diff.[ch] compiler/fs_tree.[ch] oci/*.[ch]"
	# shellcheck disable=SC2086
	key=$(cd "$OLDPWD" && cat $srcs | sha256sum | cut -c1-16)
	SBX_DRIVER=$dir/sandbox_driver-$key
	mkdir -p "$dir"
	if [ ! -x "$SBX_DRIVER" ]; then
		rm -f "$dir"/sandbox_driver-*
		# shellcheck disable=SC2046
		(cd "$OLDPWD" && cc -std=gnu11 -O1 -g -Wall -Wextra -Werror \
			-D_GNU_SOURCE -o "$SBX_DRIVER.tmp.$$" \
			tests/integration/sandbox/sandbox_driver.c compiler/sandbox*.c \
			compiler/upper_diff.c compiler/fs_tree.c oci/*.c \
			$(pkg-config --cflags --libs libarchive libcrypto jansson libbsd-overlay))
		mv "$SBX_DRIVER.tmp.$$" "$SBX_DRIVER"
	fi
	[ -s "$dir/busybox-base.tar.gz" ] || sbx_base_layer "$dir"
	cp "$dir/busybox-base.tar.gz" base.tar.gz
}

# sbx_base_layer DIR: DIR/busybox-base.tar.gz, busybox and its applets
# in /bin, /tmp, /etc/passwd, group and motd, all 0:0.
sbx_base_layer() {
	local base=$1/base.$$
	rm -rf "$base"
	mkdir -p "$base/bin" "$base/tmp" "$base/etc"
	chmod 1777 "$base/tmp"
	cp /bin/busybox "$base/bin/busybox"
	# one process for ~270 symlinks: forks are slow on some hosts
	python3 -c 'import os, subprocess, sys
for a in subprocess.check_output(["/bin/busybox", "--list"]).decode().split():
    if a != "busybox":
        os.symlink("busybox", os.path.join(sys.argv[1], a))' "$base/bin"
	printf 'root:x:0:0:root:/root:/bin/sh\n' >"$base/etc/passwd"
	printf 'root:x:0:\n' >"$base/etc/group"
	echo welcome >"$base/etc/motd"
	tar --numeric-owner --owner=0 --group=0 -C "$base" -czf "$1/base.tar.gz.$$" .
	mv "$1/base.tar.gz.$$" "$1/busybox-base.tar.gz"
	rm -rf "$base"
}

# sbx_step NAME [driver options] -- ARGV: one RUN step on the base layer with
# upper NAME.up; its layer entries in NAME.diff, its output in NAME.err.
sbx_step() {
	local name=$1
	shift
	"$SBX_DRIVER" --cache cache --layer base.tar.gz --upper "$name.up" \
		--work "$name.work" --env PATH=/bin "$@" >"$name.diff" 2>"$name.err"
}

# kiln's own mount points must never reach a layer.
sbx_no_mount_points_in() {
	if grep -Eq '^[a-z]+ (proc|dev|sys|etc/hosts|etc/hostname|etc/resolv\.conf)( |/|$)' "$1"; then
		echo "mount points in $1:"; cat "$1"; return 1
	fi
}

test_run_shell_form_turns_changes_and_deletions_into_layer_entries() {
	sbx_ready || return 0
	sbx_step s --prefix '[1/2] ' -- /bin/sh -c \
		'echo built >/built; rm /etc/motd; mkdir -p /srv/data; ln /built /srv/data/again; echo done'
	grep -qx '\[1/2\] done' s.err
	grep -qx 'file built 0644 0:0 6' s.diff
	grep -qx 'file etc/.wh.motd 0600 0:0 0' s.diff
	grep -qx 'dir etc 0755 0:0' s.diff
	grep -qx 'hardlink srv/data/again 0644 0:0 -> built' s.diff
	[ "$(wc -l <s.diff)" -eq 6 ] # + srv, srv/data
	sbx_no_mount_points_in s.diff
}

test_oci_whiteouts_in_layers_hide_what_the_layers_below_have() {
	sbx_ready || return 0
	mkdir -p l2/data l3/data l3/etc
	echo a >l2/data/a && echo b >l2/data/b
	: >l3/data/.wh..wh..opq && echo c >l3/data/c && : >l3/etc/.wh.motd
	tar --numeric-owner -C l2 -cf l2.tar . && tar --numeric-owner -C l3 -cf l3.tar .
	sbx_step w --layer l2.tar --layer l3.tar --prefix '> ' -- /bin/sh -c \
		'ls /data; ls /etc/motd 2>/dev/null || echo motd-gone; rm /data/c'
	grep -qx '> c' w.err
	! grep -qx '> [ab]' w.err || false
	grep -qx '> motd-gone' w.err
	grep -qx 'file data/.wh.c 0600 0:0 0' w.diff
}

test_run_exec_form_runs_argv_without_a_shell() {
	sbx_ready || return 0
	sbx_step e -- /bin/mkdir -p '/with space/$HOME'
	grep -Fqx 'dir with space/$HOME 0755 0:0' e.diff
	[ "$(wc -l <e.diff)" -eq 2 ]
}

test_user_added_to_passwd_then_run_as_its_uid_owns_what_it_writes() {
	sbx_ready || return 0
	sbx_step add -- /bin/sh -c 'echo "app:x:1234:2345::/home/app:/bin/sh" >>/etc/passwd &&
		echo "app:x:2345:" >>/etc/group && mkdir -p /home/app && chown app:app /home/app'
	grep -qx 'dir home/app 0755 1234:2345' add.diff
	# USER app, resolved against the stage's /etc/passwd as the executor does
	uid=$(awk -F: '$1 == "app" { print $3 ":" $4 }' add.up/etc/passwd)
	[ "$uid" = 1234:2345 ]
	sbx_step use --lower add.up --user "$uid" --prefix '> ' -- \
		/bin/sh -c 'touch /home/app/mine /tmp/mine2 && id -un && id -u'
	grep -qx '> app' use.err
	grep -qx '> 1234' use.err
	grep -qx 'file home/app/mine 0644 1234:2345 0' use.diff
	grep -qx 'file tmp/mine2 0644 1234:2345 0' use.diff
	sbx_no_mount_points_in use.diff
}

test_hostname_is_fixed_and_etc_files_are_read_only_and_stay_out() {
	sbx_ready || return 0
	sbx_step h --prefix '> ' -- /bin/sh -c 'echo "host=$(hostname)"; cat /etc/hostname
		grep -c kiln /etc/hosts; echo x 2>/dev/null >/etc/hosts || echo read-only'
	grep -qx '> host=kiln' h.err
	grep -qx '> kiln' h.err
	grep -qx '> 2' h.err
	grep -qx '> read-only' h.err
	[ ! -s h.diff ]
}

test_network_none_has_only_lo_and_host_has_the_hosts_interfaces() {
	sbx_ready || return 0
	sbx_step n --network none --prefix '> ' -- /bin/sh -c 'ls /sys/class/net | tr "\n" " "'
	grep -qx '> lo ' n.err
	sbx_step hn --network host --prefix '> ' -- /bin/sh -c 'ls /sys/class/net | tr "\n" " "; echo; cat /etc/resolv.conf'
	grep -qx "> $(ls /sys/class/net | tr '\n' ' ')" hn.err
	grep -qF "> $(head -1 /etc/resolv.conf)" hn.err
	[ ! -s hn.diff ]
}

test_exit_code_3_fails_with_the_code_and_the_last_lines() {
	sbx_ready || return 0
	rc=0
	sbx_step x --prefix '[3/7] ' -- /bin/sh -c 'echo first; echo last >&2; exit 3' || rc=$?
	[ "$rc" -eq 1 ]
	grep -qx '\[3/7\] first' x.err
	grep -qx 'driver: RUN exited with code 3; last output:' x.err
	grep -qx '  | last' x.err
}

test_bind_and_tmpfs_mounts_and_their_mount_points_stay_out_of_the_layer() {
	sbx_ready || return 0
	mkdir src && echo input >src/input
	sbx_step m --bind "$PWD/src:/src:ro" --tmpfs /var/cache/tmp --prefix '> ' -- /bin/sh -c \
		'cat /src/input; echo no 2>/dev/null >/src/input || echo ro-ok; echo t >/var/cache/tmp/t; echo out >/out'
	grep -qx '> input' m.err
	grep -qx '> ro-ok' m.err
	[ "$(cat src/input)" = input ]
	[ "$(cat m.diff)" = 'file out 0644 0:0 4' ]
}

# The pids of processes whose command line is exactly $1 (builtins only:
# a fork per process would take seconds on a slow host).
sbx_pids_running() {
	local p args
	for p in /proc/[0-9]*; do
		mapfile -d '' -t args 2>/dev/null <"$p/cmdline" || continue
		[ "${args[*]}" = "$1" ] && echo "${p#/proc/}"
	done
	return 0
}

test_no_mount_is_left_on_the_host_after_failure_success_or_sigint() {
	sbx_ready || return 0
	mkdir src
	sort /proc/self/mountinfo >before.txt
	sbx_step ok --bind "$PWD/src:/src" --tmpfs /scratch -- /bin/true
	sbx_step fail --bind "$PWD/src:/src" -- /bin/sh -c 'exit 3' || true
	grep -q 'code 3' fail.err
	"$SBX_DRIVER" --cache cache --layer base.tar.gz --upper int.up --work int.work \
		--env PATH=/bin --bind "$PWD/src:/src" --tmpfs /scratch -- \
		/bin/sh -c 'echo started; sleep 7777; echo never' >int.diff 2>int.err &
	driver=$!
	for _ in $(seq 50); do grep -q started int.err && break; sleep 0.1; done
	grep -q started int.err
	[ -n "$(sbx_pids_running 'sleep 7777')" ]
	kill -INT "$driver"
	rc=0
	wait "$driver" || rc=$?
	[ "$rc" -eq 130 ] # killed by SIGINT, as kiln is by ^C
	for _ in $(seq 20); do [ -z "$(sbx_pids_running 'sleep 7777')" ] && break; sleep 0.1; done
	[ -z "$(sbx_pids_running 'sleep 7777')" ]
	! grep -q never int.err || false
	sort /proc/self/mountinfo >after.txt
	diff before.txt after.txt
}
