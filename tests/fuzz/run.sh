#!/bin/sh
# run.sh BIN CONFORMANCE SECONDS: runs the parser fuzzer for a bounded time,
# seeded from every Dockerfile of the conformance corpus. Fails on any crash,
# leak, sanitizer report or hang (libFuzzer exits non-zero).
set -eu
bin=$1 conf=$2 secs=$3
corpus=build/fuzz/corpus seeds=build/fuzz/seeds
mkdir -p "$corpus" "$seeds"
i=0
find "$conf/buildkit-parser" "$conf/real-dockerfiles" -type f \
	\( -name 'Dockerfile*' -o -name '*Dockerfile' -o -name '*.Dockerfile' \) |
	sort | while read -r f; do
		i=$((i + 1))
		cp "$f" "$seeds/seed-$i"
	done
exec "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
	-max_len=16384 -print_final_stats=1 "$corpus" "$seeds"
