# t_verify.sh: `kiln verify` as an auditor runs it.

test_verify_says_identical_for_a_rebuild_and_names_the_changed_file() {
	cp -r "$OLDPWD/testdata/hello" ctx
	"$KILN" build --progress quiet --cache-dir "$PWD/c1" -o published.tar ctx >/dev/null
	"$KILN" verify --progress quiet --cache-dir "$PWD/c2" --image published.tar ctx >same.txt
	[ "$(wc -l <same.txt)" = 1 ] && grep -q '^verified: published.tar' same.txt || false
	echo tampered >ctx/greeting.txt
	local rc=0
	"$KILN" verify --progress quiet --cache-dir "$PWD/c2" --image published.tar ctx >diff.txt || rc=$?
	[ "$rc" = 1 ]
	grep -q '/app/share/greeting.txt: content' diff.txt
	grep -q '(COPY --from=assets /share/ ./share/)' diff.txt
}

test_verify_without_an_image_is_a_usage_error() {
	mkdir ctx && printf 'FROM scratch\n' >ctx/Dockerfile
	expect_fail 2 '^kiln: verify: want --image IMAGE$' "$KILN" verify ctx
}
