# t_cache.sh: the build cache: what a rebuild reuses, what busts it, and
# that killing builds never leaves an entry that gives a wrong result.

kc_ctx() {
	mkdir -p ctx/sub
	echo one >ctx/one
	echo two >ctx/sub/two
	cat >ctx/Dockerfile <<'EOF'
FROM scratch AS base
COPY one /one
ARG V=1
LABEL v=$V
COPY sub /sub/
FROM base
COPY --from=base /one /copied
EOF
}

kc_build() {
	"$KILN" build --cache-dir "$PWD/cache" -o "$1" ctx "${@:2}" >"$1.out" 2>"$1.err"
}

test_unchanged_and_touched_rebuilds_are_all_cached_and_identical() {
	kc_ctx
	kc_build a.tar
	! grep -q CACHED a.tar.err || false
	touch ctx/one ctx/sub/two
	kc_build b.tar
	[ "$(grep -c '] COPY' b.tar.err)" = 0 ] && [ "$(grep -c '] CACHED COPY' b.tar.err)" = 3 ] || false
	cmp a.tar b.tar
}

test_one_changed_file_busts_only_the_steps_that_read_it_and_after() {
	kc_ctx
	kc_build a.tar
	echo changed >ctx/sub/two
	kc_build b.tar
	grep -q '] CACHED COPY one /one' b.tar.err
	grep -q '] COPY sub /sub/' b.tar.err
	! cmp -s a.tar b.tar || false
}

test_a_changed_build_arg_busts_only_the_steps_after_its_arg() {
	kc_ctx
	kc_build a.tar
	kc_build b.tar --build-arg V=2
	grep -q '] CACHED COPY one /one' b.tar.err
	grep -q '] COPY sub /sub/' b.tar.err
}

test_no_cache_rebuilds_everything_to_the_same_digest() {
	kc_ctx
	kc_build a.tar
	kc_build b.tar --no-cache
	! grep -q CACHED b.tar.err || false
	cmp a.tar b.tar
}

test_cache_du_and_prune_keep_size() {
	kc_ctx
	kc_build a.tar
	"$KILN" cache du --cache-dir "$PWD/cache" >du.txt
	grep -q '^blobs/sha256 .* [1-9][0-9]* entries$' du.txt
	"$KILN" cache prune --keep 0 --cache-dir "$PWD/cache" >prune.txt
	grep -q '^removed [1-9]' prune.txt
	[ -z "$(ls cache/blobs/sha256)" ] && [ -z "$(ls cache/steps)" ] || false
	kc_build b.tar
	! grep -q CACHED b.tar.err || false
	cmp a.tar b.tar
}

test_builds_killed_at_random_points_never_leave_a_wrong_cache() {
	kc_ctx
	head -c 30000000 /dev/urandom >ctx/sub/big
	kc_build want.tar
	rm -rf cache
	for delay in 0.05 0.1 0.2 0.3 0.5 0.8; do
		"$KILN" build --cache-dir "$PWD/cache" -o killed.tar ctx >/dev/null 2>&1 &
		sleep "$delay"
		kill -9 $! 2>/dev/null || true
		wait $! 2>/dev/null || true
		for f in cache/blobs/sha256/*; do
			[ -f "$f" ] || continue
			[ "$(sha256sum <"$f" | cut -d' ' -f1)" = "$(basename "$f")" ]
		done
	done
	kc_build got.tar
	cmp want.tar got.tar
}
