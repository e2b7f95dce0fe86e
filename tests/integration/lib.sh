# lib.sh: helpers for the integration tests (sourced).

# expect_fail CODE PATTERN CMD...: CMD exits with CODE and prints exactly one
# stderr line matching PATTERN (an extended regex).
expect_fail() {
	local code=$1 pattern=$2 rc=0
	shift 2
	"$@" >out.txt 2>err.txt || rc=$?
	if [ "$rc" -ne "$code" ]; then
		echo "exit $rc, want $code; stderr:"; cat err.txt; return 1
	fi
	if [ "$(wc -l <err.txt)" -ne 1 ] || ! grep -Eq "$pattern" err.txt; then
		echo "stderr does not match /$pattern/ in one line:"; cat err.txt; return 1
	fi
}
