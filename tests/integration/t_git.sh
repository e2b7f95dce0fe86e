# t_git.sh: ADD of git sources against a real `git daemon` on 127.0.0.1.

# kg_repo: a repository with a tagged first commit and a second one on
# main, served read-only; sets KG_URL, KG_V1 (tagged) and KG_MAIN.
kg_repo() {
	local port
	git init -q -b main repo
	mkdir -p repo/sub
	echo one >repo/file
	echo sub >repo/sub/inner
	printf '#!/bin/sh\n' >repo/run.sh
	chmod 755 repo/run.sh
	git -C repo add -A
	git -C repo -c user.email=t@t -c user.name=t commit -qm one
	git -C repo tag v1
	KG_V1=$(git -C repo rev-parse HEAD)
	echo two >repo/file
	git -C repo -c user.email=t@t -c user.name=t commit -qam two
	KG_MAIN=$(git -C repo rev-parse HEAD)
	git clone -q --bare repo served/repo.git
	port=$(kf_free_port)
	git daemon --reuseaddr --base-path="$PWD/served" --export-all --listen=127.0.0.1 \
		--port="$port" "$PWD/served" >daemon.log 2>&1 &
	KF_PIDS="$KF_PIDS $!"
	trap kf_stop EXIT
	KG_URL=git://127.0.0.1:$port/repo.git
	local _
	for _ in $(seq 100); do git ls-remote "$KG_URL" >/dev/null 2>&1 && return 0; sleep 0.05; done
	echo "git daemon did not answer"; return 1
}

test_add_git_pins_the_commit_and_copies_the_tree_at_it() {
	kg_repo
	mkdir ctx
	printf 'FROM scratch\nADD %s#v1 /src\nADD %s#main:sub /only-sub/\n' "$KG_URL" "$KG_URL" >ctx/Dockerfile
	"$KILN" build --progress quiet --cache-dir "$PWD/cache" -t t:1 -o out.tar ctx >/dev/null
	grep -q "\"commit\": \"$KG_V1\"" ctx/kiln.lock
	grep -q "\"commit\": \"$KG_MAIN\"" ctx/kiln.lock
	mkdir l && tar -xf out.tar -C l && umoci unpack --image l:1 b >/dev/null
	[ "$(cat b/rootfs/src/file)" = one ] && [ "$(cat b/rootfs/src/sub/inner)" = sub ] || false
	[ "$(stat -c %a b/rootfs/src/run.sh)" = 755 ] && [ "$(stat -c %a b/rootfs/src/file)" = 644 ] || false
	[ "$(cat b/rootfs/only-sub/inner)" = sub ] && [ ! -e b/rootfs/only-sub/file ] || false
	[ ! -e b/rootfs/src/.git ]
}

test_a_moved_branch_does_not_move_a_locked_git_source() {
	kg_repo
	mkdir ctx
	printf 'FROM scratch\nADD %s#main /src\n' "$KG_URL" >ctx/Dockerfile
	"$KILN" build --progress quiet --cache-dir "$PWD/cache" -o one.tar ctx >/dev/null
	echo three >repo/file
	git -C repo -c user.email=t@t -c user.name=t commit -qam three
	git -C repo push -q "$PWD/served/repo.git" main
	"$KILN" build --progress quiet --cache-dir "$PWD/fresh" -o two.tar ctx >/dev/null
	cmp one.tar two.tar
	"$KILN" lock --update --cache-dir "$PWD/cache" ctx >/dev/null
	! grep -q "\"commit\": \"$KG_MAIN\"" ctx/kiln.lock || false
}

test_a_git_url_as_the_context_builds_the_tree_at_the_ref() {
	kg_repo
	printf 'FROM scratch\nCOPY file sub/ /in/\n' >repo/Dockerfile
	git -C repo add Dockerfile
	git -C repo -c user.email=t@t -c user.name=t commit -qm dockerfile
	git -C repo push -q "$PWD/served/repo.git" main
	"$KILN" build --cache-dir "$PWD/cache" -t t:1 -o out.tar "$KG_URL#main" >out.txt 2>err.txt
	grep -q "^context: $KG_URL#main at commit $(git -C repo rev-parse HEAD)\$" err.txt
	mkdir l && tar -xf out.tar -C l && umoci unpack --image l:1 b >/dev/null
	[ "$(cat b/rootfs/in/file)" = two ] && [ "$(cat b/rootfs/in/inner)" = sub ] || false
	[ -z "$(ls cache/tmp)" ]
}
