# t_fetch.sh: fetch/, the OCI distribution client, against a real
# docker-registry on 127.0.0.1 (sourced by run.sh). kiln's commands do not
# fetch yet, so the tests drive the API through tests/integration/fetch/
# fetch_driver.c, built here with ASan and UBSan; proxy.py stands in front
# of the registry where a test needs a token server or a misbehaving one.
# The images (busybox-static made into OCI images with umoci, pushed with
# skopeo) are built once into build/fetch-it/ and copied per test.
. tests/integration/lib.sh

KF_ROOT=$PWD
KF_CACHE=$KF_ROOT/build/fetch-it
KF_DIR=$KF_ROOT/tests/integration/fetch
KF_PY=/usr/bin/python3
[ -x "$KF_PY" ] || KF_PY=python3
KF_PIDS=

# kf_build_driver OUT: the driver and fetch/ and oci/ under ASan and UBSan,
# the files compiled side by side.
kf_build_driver() {
	local out=$1 obj=$1.obj src pids='' flags
	flags="-std=gnu11 -g -O1 -D_GNU_SOURCE -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all"
	rm -rf "$obj" && mkdir -p "$obj"
	for src in "$KF_DIR/fetch_driver.c" "$KF_ROOT"/fetch/*.c "$KF_ROOT"/oci/*.c; do
		# shellcheck disable=SC2046,SC2086
		cc $flags $(pkg-config --cflags libcurl jansson libarchive libbsd-overlay) \
			-c -o "$obj/$(basename "$(dirname "$src")")_$(basename "$src" .c).o" "$src" &
		pids="$pids $!"
	done
	for src in $pids; do wait "$src" || return 1; done
	# shellcheck disable=SC2046,SC2086
	cc $flags -o "$out" "$obj"/*.o $(pkg-config --libs libcurl jansson libcrypto libarchive libbsd-overlay)
	rm -rf "$obj"
}

# kf_prepare: the driver and the registry fixture, (re)built when their
# sources are newer; a lock keeps two runs from building at once.
kf_prepare() {
	mkdir -p "$KF_CACHE"
	(
		flock 9
		local drv=$KF_CACHE/fetch_driver fix=$KF_CACHE/fixture pid=
		if [ ! -x "$drv" ] || [ -n "$(find "$KF_ROOT/fetch" "$KF_ROOT/oci" "$KF_DIR/fetch_driver.c" -newer "$drv" -print -quit)" ]; then
			kf_build_driver "$drv.tmp" &
			pid=$!
		fi
		if [ ! -f "$fix/digests.env" ] || [ "$KF_DIR/mkfixture.sh" -nt "$fix/digests.env" ]; then
			"$KF_DIR/mkfixture.sh" "$fix" >"$KF_CACHE/fixture.log" 2>&1 || { cat "$KF_CACHE/fixture.log"; exit 1; }
		fi
		if [ -n "$pid" ]; then
			wait "$pid" && mv "$drv.tmp" "$drv"
		fi
	) 9>"$KF_CACHE/.lock"
	# shellcheck source=/dev/null
	. "$KF_CACHE/fixture/digests.env"
	# Never the user's own docker credentials.
	export DOCKER_CONFIG=$PWD/no-docker-config
	# LeakSanitizer costs 0.2 s a run: the tests that say KF_LEAKS=1 (the
	# happy paths and the main error paths) pay it.
	export ASAN_OPTIONS=detect_leaks=${KF_LEAKS:-0}
}

kf_stop() {
	local p
	for p in $KF_PIDS; do kill "$p" 2>/dev/null || true; done
	for p in $KF_PIDS; do wait "$p" 2>/dev/null || true; done
	KF_PIDS=
}

# kf_free_port: a port nothing listens on now (a random one, checked).
kf_free_port() {
	local p
	while :; do
		p=$((20000 + RANDOM % 40000))
		(: <"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
	done
}

# kf_wait_http URL: until something answers there (any status).
kf_wait_http() {
	local _
	for _ in $(seq 100); do
		curl -s -o /dev/null "$1" && return 0
		sleep 0.05
	done
	echo "nothing answers at $1"; return 1
}

# kf_shared_registry: the registry without auth that all tests of one run
# share (they only read its storage), started by the first and stopped by
# PID by a reaper once run.sh ($$ in the tests' subshells) has exited.
kf_shared_registry() {
	local dir=$KF_CACHE/run-$$
	(
		flock 8
		[ -s "$dir/port" ] && kill -0 "$(cat "$dir/pid")" 2>/dev/null && exit 0
		rm -rf "$dir" && mkdir -p "$dir"
		cp -a "$KF_CACHE/fixture/storage" "$dir/storage"
		local port reg
		port=$(kf_free_port)
		"$KF_DIR/regconf.sh" "$port" "$dir/storage" >"$dir/registry.yml"
		setsid docker-registry serve "$dir/registry.yml" >"$dir/registry.log" 2>&1 </dev/null 8>&- &
		reg=$!
		echo "$reg" >"$dir/pid"
		kf_wait_http "http://127.0.0.1:$port/v2/" || { kill "$reg"; exit 1; }
		setsid bash -c "while kill -0 $$ 2>/dev/null; do sleep 1; done; kill $reg; rm -rf '$dir'" \
			>/dev/null 2>&1 </dev/null 8>&- &
		echo "$port" >"$dir/port"
	) 8>"$KF_CACHE/.lock-run"
	KF_REG=127.0.0.1:$(cat "$dir/port")
}

# kf_registry [own | USER:PASS]: sets KF_REG host:port of a docker-registry
# with the fixture: the shared one, or this test's own (with htpasswd Basic
# auth for USER:PASS), stopped by PID when the test ends.
kf_registry() {
	local port
	kf_prepare
	if [ $# -eq 0 ]; then
		kf_shared_registry
		return
	fi
	cp -a "$KF_CACHE/fixture/storage" storage
	port=$(kf_free_port)
	if [ "$1" != own ]; then
		htpasswd -Bbn "${1%%:*}" "${1#*:}" >users.htpasswd
		"$KF_DIR/regconf.sh" "$port" "$PWD/storage" "$PWD/users.htpasswd" >registry.yml
	else
		"$KF_DIR/regconf.sh" "$port" "$PWD/storage" >registry.yml
	fi
	docker-registry serve registry.yml >registry.log 2>&1 &
	KF_PIDS="$KF_PIDS $!"
	trap kf_stop EXIT
	KF_REG=127.0.0.1:$port
	kf_wait_http "http://$KF_REG/v2/"
}

# kf_proxy [proxy.py option]...: proxy.py in front of $KF_REG; sets
# KF_PROXY host:port. Its request log is proxy.log.
kf_proxy() {
	"$KF_PY" "$KF_DIR/proxy.py" --upstream "http://$KF_REG" --port-file proxy.port \
		--log proxy.log "$@" 2>proxy.err &
	KF_PIDS="$KF_PIDS $!"
	trap kf_stop EXIT
	local _
	for _ in $(seq 100); do [ -s proxy.port ] && break; sleep 0.05; done
	# The port file is written once the socket listens.
	KF_PROXY=127.0.0.1:$(cat proxy.port)
}

# kf_fetch CMD ARG...: the driver with this test's store in ./store.
kf_fetch() {
	local cmd=$1 ref=$2 arg=$3
	shift 3
	"$KF_CACHE/fetch_driver" "$cmd" "$ref" "$arg" "$PWD/store" "$@"
}

# kf_has KEY VALUE: the driver's out.txt has the line "KEY VALUE".
kf_has() {
	grep -qx "$1 $2" out.txt || { echo "no line \"$1 $2\" in:"; cat out.txt; return 1; }
}

# kf_stored DIGEST: the store holds DIGEST, and its content hashes to it.
kf_stored() {
	local f=store/blobs/sha256/${1#sha256:}
	if ! [ -f "$f" ] || [ "sha256:$(sha256sum <"$f" | cut -d' ' -f1)" != "$1" ]; then
		echo "store lacks $1"; return 1
	fi
}

# kf_store_empty_of DIGEST: neither the blob nor a temp file of a failed
# fetch is left behind.
kf_store_empty_of() {
	[ ! -e "store/blobs/sha256/${1#sha256:}" ] || { echo "$1 stored"; return 1; }
	[ -z "$(find store -name '.tmp-*')" ] || { echo "temp files left"; return 1; }
}

kf_docker_config() {
	mkdir -p dockercfg
	cat >dockercfg/config.json
	export DOCKER_CONFIG=$PWD/dockercfg
}

# --- resolving references ----------------------------------------------

test_fetch_resolves_a_tag_by_head_and_stores_manifest_and_config_verified() {
	local KF_LEAKS=1
	kf_registry
	kf_proxy
	kf_fetch resolve "$KF_PROXY/busybox:1" linux/amd64 >out.txt
	kf_has index -
	kf_has manifest "$KF_AMD64"
	kf_has config "$KF_CONFIG"
	kf_has media application/vnd.oci.image.manifest.v1+json
	kf_has platform linux/amd64
	kf_stored "$KF_AMD64"
	kf_stored "$KF_CONFIG"
	# The tag costs a HEAD; only the digest is ever GET.
	grep -q '^HEAD /v2/busybox/manifests/1 ' proxy.log
	grep -q "^GET /v2/busybox/manifests/$KF_AMD64 " proxy.log
	! grep -q '^GET /v2/busybox/manifests/1 ' proxy.log || false
}

test_fetch_picks_the_platform_manifest_from_an_index() {
	kf_registry
	kf_fetch resolve "$KF_REG/multi:1" linux/arm64/v8 >out.txt
	kf_has index "$KF_INDEX"
	kf_has manifest "$KF_ARM64"
	kf_has platform linux/arm64
	kf_stored "$KF_INDEX"
	kf_stored "$KF_ARM64"
	kf_fetch resolve "$KF_REG/multi:1" linux/arm64 >out.txt
	kf_has manifest "$KF_ARM64"
	kf_fetch resolve "$KF_REG/multi:1" linux/amd64 >out.txt
	kf_has index "$KF_INDEX"
	kf_has manifest "$KF_AMD64"
	kf_has platform linux/amd64
}

test_fetch_platform_missing_from_the_index_lists_what_is_available() {
	local KF_LEAKS=1
	kf_registry
	expect_fail 1 "^fetch_driver: no manifest for platform linux/s390x in $KF_REG/multi:1 \(available: linux/amd64, linux/arm64/v8\)$" \
		kf_fetch resolve "$KF_REG/multi:1" linux/s390x
}

test_fetch_reads_a_docker_schema2_manifest() {
	kf_registry
	kf_fetch resolve "$KF_REG/dockerv2:1" linux/amd64 >out.txt
	kf_has manifest "$KF_DOCKERV2"
	kf_has media application/vnd.docker.distribution.manifest.v2+json
	kf_has platform linux/amd64
	kf_stored "$KF_DOCKERV2"
}

test_fetch_unknown_tag_is_manifest_unknown_naming_the_reference() {
	kf_registry
	expect_fail 1 "^fetch_driver: manifest unknown: $KF_REG/busybox:nope$" \
		kf_fetch resolve "$KF_REG/busybox:nope" linux/amd64
	expect_fail 1 "^fetch_driver: manifest unknown: $KF_REG/nothere:1$" \
		kf_fetch resolve "$KF_REG/nothere:1" linux/amd64
}

test_fetch_unreachable_registry_names_host_port_and_curls_reason() {
	local port
	kf_prepare
	port=$(kf_free_port)
	expect_fail 1 "^fetch_driver: 127.0.0.1:$port/busybox:1: registry 127.0.0.1:$port unreachable: .*(Couldn't connect|Connection refused)" \
		kf_fetch resolve "127.0.0.1:$port/busybox:1" linux/amd64
}

test_fetch_uses_https_for_a_non_loopback_registry_unless_listed_insecure() {
	local ip
	ip=$(hostname -I 2>/dev/null | tr ' ' '\n' | grep -E '^[0-9.]+$' | grep -v '^127\.' | head -n1)
	[ -n "$ip" ] || { echo "skipped: no non-loopback IPv4 address"; return 0; }
	kf_registry
	kf_proxy --bind 0.0.0.0
	local port=${KF_PROXY##*:}
	# https to a plain-http server: the TLS handshake fails.
	expect_fail 1 "^fetch_driver: $ip:$port/busybox:1: .*(SSL|TLS|ssl|tls)" \
		kf_fetch resolve "$ip:$port/busybox:1" linux/amd64
	! grep -q . proxy.log || false # no request was understood as HTTP
	FETCH_INSECURE="other:1,$ip:$port" kf_fetch resolve "$ip:$port/busybox:1" linux/amd64 >out.txt
	kf_has manifest "$KF_AMD64"
}

test_fetch_manifest_by_digest_for_a_locked_build() {
	kf_registry
	kf_fetch manifest "$KF_REG/multi:1" "$KF_INDEX" >out.txt
	kf_has schemaVersion 2
	kf_stored "$KF_INDEX"
	kf_fetch manifest "$KF_REG/multi" "$KF_ARM64" >out.txt
	kf_stored "$KF_ARM64"
	expect_fail 1 "^fetch_driver: manifest unknown: $KF_REG/multi:latest: sha256:0{64}$" \
		kf_fetch manifest "$KF_REG/multi" "sha256:$(printf '%064d' 0)"
}

# --- blobs and the store ---------------------------------------------------

test_fetch_pull_stores_layers_and_a_second_pull_transfers_nothing() {
	local KF_LEAKS=1
	kf_registry
	kf_proxy
	kf_fetch pull "$KF_PROXY/multi:1" linux/amd64 >out.txt
	kf_has layer "$KF_LAYER $KF_LAYER_SIZE"
	kf_stored "$KF_LAYER"
	: >proxy.log
	kf_fetch pull "$KF_PROXY/multi@$KF_INDEX" linux/amd64 >out.txt
	kf_has manifest "$KF_AMD64"
	[ ! -s proxy.log ] || { echo "requests by digest with all in the store:"; cat proxy.log; return 1; }
	kf_fetch pull "$KF_PROXY/multi:1" linux/amd64 >out.txt
	[ "$(cat proxy.log)" = "HEAD /v2/multi/manifests/1 range=- auth=- host=$KF_PROXY" ] ||
		{ echo "a tag should cost one HEAD:"; cat proxy.log; return 1; }
}

test_fetch_offline_uses_only_the_store() {
	local KF_LEAKS=1
	kf_registry own
	kf_fetch pull "$KF_REG/multi:1" linux/arm64 >out.txt
	kf_stop
	FETCH_OFFLINE=1 kf_fetch pull "$KF_REG/multi@$KF_INDEX" linux/arm64 >out.txt
	kf_has manifest "$KF_ARM64"
	expect_fail 1 "^fetch_driver: offline: the tag of $KF_REG/multi:1 cannot be resolved without the network" \
		env FETCH_OFFLINE=1 "$KF_CACHE/fetch_driver" resolve "$KF_REG/multi:1" linux/arm64 "$PWD/store"
	expect_fail 1 "^fetch_driver: offline: blob sha256:0{64} of $KF_REG/multi:latest is not in the store$" \
		env FETCH_OFFLINE=1 "$KF_CACHE/fetch_driver" blob "$KF_REG/multi" "sha256:$(printf '%064d' 0)" "$PWD/store"
}

test_fetch_wrong_blob_bytes_are_a_digest_mismatch_and_leave_nothing() {
	local KF_LEAKS=1
	kf_registry
	kf_proxy --fault wrong
	expect_fail 1 "^fetch_driver: digest mismatch: $KF_PROXY/busybox:latest: blob expected $KF_LAYER, got sha256:[0-9a-f]{64}$" \
		kf_fetch blob "$KF_PROXY/busybox" "$KF_LAYER" "$KF_LAYER_SIZE"
	kf_store_empty_of "$KF_LAYER"
}

test_fetch_short_blob_is_a_size_mismatch() {
	kf_registry
	kf_proxy --fault short
	expect_fail 1 "^fetch_driver: size mismatch: $KF_PROXY/busybox:latest: blob $KF_LAYER: registry sends $((KF_LAYER_SIZE - 10)) bytes, expected $KF_LAYER_SIZE$" \
		kf_fetch blob "$KF_PROXY/busybox" "$KF_LAYER" "$KF_LAYER_SIZE"
	kf_store_empty_of "$KF_LAYER"
	# Without a size to check, the digest still catches it.
	expect_fail 1 "^fetch_driver: digest mismatch: .* blob expected $KF_LAYER, got " \
		kf_fetch blob "$KF_PROXY/busybox" "$KF_LAYER"
	kf_store_empty_of "$KF_LAYER"
}

test_fetch_cut_blob_is_resumed_with_range() {
	local KF_LEAKS=1
	kf_registry
	kf_proxy --fault cut-once
	kf_fetch blob "$KF_PROXY/busybox" "$KF_LAYER" "$KF_LAYER_SIZE" >out.txt
	kf_stored "$KF_LAYER"
	grep -c "^GET /v2/busybox/blobs/$KF_LAYER range=- " proxy.log | grep -qx 1
	grep -Eq "^GET /v2/busybox/blobs/$KF_LAYER range=bytes=$((KF_LAYER_SIZE / 2))- " proxy.log ||
		{ cat proxy.log; return 1; }
}

test_fetch_server_ignoring_range_restarts_the_blob_and_its_hash() {
	kf_registry
	kf_proxy --fault cut-norange
	kf_fetch blob "$KF_PROXY/busybox" "$KF_LAYER" "$KF_LAYER_SIZE" >out.txt
	kf_stored "$KF_LAYER"
	grep -q "range=bytes=$((KF_LAYER_SIZE / 2))- " proxy.log
}

test_fetch_blob_cut_on_every_try_fails_after_four_tries() {
	kf_registry
	kf_proxy --fault cut-always
	expect_fail 1 "^fetch_driver: $KF_PROXY/busybox:latest: GET $KF_PROXY: .* \(4 tries\)$" \
		kf_fetch blob "$KF_PROXY/busybox" "$KF_LAYER" "$KF_LAYER_SIZE"
	[ "$(grep -c "^GET /v2/busybox/blobs/$KF_LAYER " proxy.log)" -eq 4 ]
	kf_store_empty_of "$KF_LAYER"
}

test_fetch_retries_a_503_and_a_connection_reset() {
	kf_registry
	kf_proxy --fault 503-once --fault reset-once
	kf_fetch blob "$KF_PROXY/busybox" "$KF_LAYER" "$KF_LAYER_SIZE" >out.txt
	kf_stored "$KF_LAYER"
	[ "$(grep -c "^GET /v2/busybox/blobs/$KF_LAYER " proxy.log)" -eq 3 ]
}

test_fetch_follows_a_blob_redirect_without_the_token_to_the_other_host() {
	kf_registry
	kf_proxy --bearer - --fault redirect
	kf_fetch pull "$KF_PROXY/busybox:1" linux/amd64 >out.txt
	kf_stored "$KF_LAYER"
	grep -q "^GET /v2/busybox/blobs/$KF_LAYER range=- auth=Bearer host=$KF_PROXY$" proxy.log
	grep -q "^GET /_blob/busybox/$KF_LAYER range=- auth=- host=localhost:" proxy.log ||
		{ cat proxy.log; return 1; }
}

test_fetch_unknown_blob_is_reported_with_its_digest() {
	kf_registry
	local d
	d=sha256:$(printf '%064d' 1)
	expect_fail 1 "^fetch_driver: blob unknown: $KF_REG/busybox:latest: $d$" \
		kf_fetch blob "$KF_REG/busybox" "$d" 10
}

# --- manifests that are not what they claim -------------------------------

test_fetch_manifest_over_4_MiB_is_refused() {
	local KF_LEAKS=1
	kf_registry
	kf_proxy --fault big-manifest
	expect_fail 1 "^fetch_driver: manifest too large: $KF_PROXY/busybox:1: 5242882 bytes, more than 4194304$" \
		kf_fetch resolve "$KF_PROXY/busybox:1" linux/amd64
}

test_fetch_manifest_not_matching_its_digest_is_refused() {
	kf_registry
	kf_proxy --fault wrong-manifest
	expect_fail 1 "^fetch_driver: digest mismatch: $KF_PROXY/busybox:1: manifest expected $KF_AMD64, got sha256:" \
		kf_fetch resolve "$KF_PROXY/busybox:1" linux/amd64
	kf_store_empty_of "$KF_AMD64"
}

test_fetch_tag_without_a_digest_header_is_fetched_and_hashed() {
	kf_registry
	kf_proxy --fault no-digest
	kf_fetch resolve "$KF_PROXY/busybox:1" linux/amd64 >out.txt
	kf_has manifest "$KF_AMD64"
	kf_stored "$KF_AMD64"
	grep -q '^GET /v2/busybox/manifests/1 ' proxy.log
}

# --- authentication --------------------------------------------------------

test_fetch_bearer_flow_with_basic_credentials_from_config_json() {
	local KF_LEAKS=1
	kf_registry
	kf_proxy --bearer kiln:s3cret-pw
	kf_docker_config <<EOF
{"auths": {"http://$KF_PROXY/v2/": {"auth": "$(printf kiln:s3cret-pw | base64)"}}}
EOF
	kf_fetch pull "$KF_PROXY/multi:1" linux/arm64 >out.txt
	kf_has manifest "$KF_ARM64"
	kf_stored "$KF_LAYER"
	grep -q '^GET /token?service=kiln-test&scope=repository%3Amulti%3Apull range=- auth=Basic ' proxy.log
	grep -q "^GET /v2/multi/blobs/$KF_LAYER range=- auth=Bearer " proxy.log
	# One token serves the whole repository.
	[ "$(grep -c '^GET /token' proxy.log)" -eq 1 ]
}

test_fetch_bearer_token_read_from_access_token() {
	kf_registry
	kf_proxy --bearer - --token-field access_token
	kf_fetch resolve "$KF_PROXY/busybox:1" linux/amd64 >out.txt
	kf_has manifest "$KF_AMD64"
	grep -q '^GET /token?.* auth=- ' proxy.log
}

test_fetch_identity_token_is_sent_as_a_refresh_token() {
	kf_registry
	kf_proxy --bearer nobody:never --identity-token idtok-123
	kf_docker_config <<EOF
{"auths": {"$KF_PROXY": {"identitytoken": "idtok-123"}}}
EOF
	kf_fetch resolve "$KF_PROXY/busybox:1" linux/amd64 >out.txt
	kf_has manifest "$KF_AMD64"
	grep -q '^POST /token ' proxy.log
}

test_fetch_bearer_refused_is_unauthorized_without_leaking_the_password() {
	local KF_LEAKS=1
	kf_registry
	kf_proxy --bearer kiln:right-pw
	expect_fail 1 "^fetch_driver: unauthorized: $KF_PROXY/busybox:1: token server answered HTTP 401$" \
		kf_fetch resolve "$KF_PROXY/busybox:1" linux/amd64
	kf_docker_config <<EOF
{"auths": {"$KF_PROXY": {"username": "kiln", "password": "wrong-pw-123"}}}
EOF
	expect_fail 1 "^fetch_driver: unauthorized: $KF_PROXY/busybox:1: token server answered HTTP 401 to the configured credentials$" \
		kf_fetch resolve "$KF_PROXY/busybox:1" linux/amd64
	! grep -q wrong-pw-123 err.txt out.txt || false
}

test_fetch_basic_auth_against_an_htpasswd_registry() {
	kf_registry kiln:basic-pw
	kf_docker_config <<EOF
{"auths": {"$KF_REG": {"username": "kiln", "password": "basic-pw"}}}
EOF
	kf_fetch pull "$KF_REG/busybox:1" linux/amd64 >out.txt
	kf_has manifest "$KF_AMD64"
	kf_stored "$KF_LAYER"
	kf_docker_config <<EOF
{"auths": {"$KF_REG": {"auth": "$(printf kiln:bad-pw-456 | base64)"}}}
EOF
	rm -rf store
	expect_fail 1 "^fetch_driver: unauthorized: $KF_REG/busybox:1: registry answered HTTP 401 to the credentials in config.json" \
		kf_fetch resolve "$KF_REG/busybox:1" linux/amd64
	! grep -q -e bad-pw-456 -e "$(printf kiln:bad-pw-456 | base64)" err.txt || false
	rm dockercfg/config.json
	expect_fail 1 "^fetch_driver: unauthorized: $KF_REG/busybox:1: $KF_REG wants a user and password, and .*/config.json has none for it$" \
		kf_fetch resolve "$KF_REG/busybox:1" linux/amd64
}

# kf_helper NAME: a docker-credential-NAME on PATH that logs the server URL
# it was asked about and answers with user kiln and password helper-pw.
kf_helper() {
	mkdir -p bin
	cat >"bin/docker-credential-$1" <<EOF
#!/bin/sh
[ "\$1" = get ] || exit 3
url=\$(cat)
echo "\$url" >>"$PWD/helper.log"
printf '{"ServerURL":"%s","Username":"kiln","Secret":"helper-pw"}' "\$url"
EOF
	chmod +x "bin/docker-credential-$1"
	export PATH=$PWD/bin:$PATH
}

test_fetch_credentials_from_a_creds_store_helper() {
	kf_registry
	kf_proxy --bearer kiln:helper-pw
	kf_helper kilntest
	kf_docker_config <<EOF
{"auths": {"$KF_PROXY": {}}, "credsStore": "kilntest"}
EOF
	kf_fetch pull "$KF_PROXY/busybox:1" linux/amd64 >out.txt
	kf_stored "$KF_LAYER"
	[ "$(cat helper.log)" = "$KF_PROXY" ] || { cat helper.log; return 1; }
}

test_fetch_cred_helpers_entry_wins_and_a_missing_helper_is_named() {
	local KF_LEAKS=1
	kf_registry
	kf_proxy --bearer kiln:helper-pw
	kf_helper pertest
	kf_docker_config <<EOF
{"credsStore": "absent", "credHelpers": {"$KF_PROXY": "pertest"}}
EOF
	kf_fetch resolve "$KF_PROXY/busybox:1" linux/amd64 >out.txt
	kf_has manifest "$KF_AMD64"
	kf_docker_config <<EOF
{"credsStore": "absent"}
EOF
	expect_fail 1 "^fetch_driver: unauthorized: $KF_PROXY/busybox:1: credentials for $KF_PROXY from .*/config.json: docker-credential-absent: not found on PATH$" \
		kf_fetch resolve "$KF_PROXY/busybox:1" linux/amd64
}
