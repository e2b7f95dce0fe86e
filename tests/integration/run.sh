#!/bin/bash
# run.sh: integration tests of the built ./kiln, run as a user would run it.
# Each test_* function is named for the behaviour it proves; the runner
# prints "N passed, N failed" and exits non-zero on any failure.
set -u
cd "$(dirname "$0")/../.."
KILN=$PWD/kiln
passed=0 failed=0
for t in tests/integration/t_*.sh; do
	# shellcheck source=/dev/null
	. "$t"
done
for fn in $(declare -F | awk '{print $3}' | grep '^test_' ); do
	tmp=$(mktemp -d)
	# Not inside an if or && list: there set -e would be switched off.
	(cd "$tmp" || exit 1; set -e; "$fn") >"$tmp.log" 2>&1
	if [ $? -eq 0 ]; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		echo "FAIL $fn"
		sed 's/^/    /' "$tmp.log"
	fi
	rm -rf "$tmp" "$tmp.log"
done
echo "integration: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
