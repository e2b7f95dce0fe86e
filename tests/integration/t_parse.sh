# t_parse.sh: `kiln parse` as a user runs it (sourced by run.sh).
. tests/integration/lib.sh

test_parse_prints_buildkit_dump_of_the_shipped_example() {
	"$KILN" parse "$OLDPWD/testdata/hello" >dump.txt
	grep -qx '(from "${BASE}" "AS" "assets")' dump.txt
	grep -qx '(copy "<<EOF" "/app/README")' dump.txt
	[ "$(wc -l <dump.txt)" -eq 15 ]
}

test_parse_json_expands_args_and_prunes_the_unused_broken_stage() {
	"$KILN" parse --json --build-arg VERSION=2.5 "$OLDPWD/testdata/hello" >plan.json
	/usr/bin/python3 - <<'PY'
import json
p = json.load(open("plan.json"))
assert p["closure"] == [0, 2], p["closure"]
s0, s1, s2 = p["stages"]
assert s0["base"] == "scratch" and s0["name"] == "assets"
assert s1["needed"] is False and "never-built" in s1["error"]
assert s2["env"] == {"APP_VERSION": "2.5", "APP_HOME": "/app"}, s2["env"]
workdir = [i for i in s2["instructions"] if i["instruction"] == "WORKDIR"][0]
assert workdir["args"] == ["/app"]
copy = [i for i in s2["instructions"] if i.get("from_stage") == 0][0]
assert copy["flags"] == ["--from=assets"]
readme = [i for i in s2["instructions"] if "heredocs" in i][0]
assert readme["heredocs"][0]["content"] == "kiln example, version 2.5\n"
PY
}

test_target_selecting_the_broken_stage_fails_with_its_line() {
	expect_fail 2 '^kiln: .*Dockerfile:13: .*UNDEFINED: never-built$' \
		"$KILN" parse --json --target unused "$OLDPWD/testdata/hello"
}

test_unknown_instruction_names_file_and_line() {
	printf 'FROM scratch\n\nCOPPY a b\n' >Dockerfile
	expect_fail 2 '^kiln: Dockerfile:3: unknown instruction "COPPY"$' "$KILN" parse --json
}

test_parse_error_names_file_and_line() {
	printf 'FROM scratch\nENV onlykey\n' >Dockerfile
	expect_fail 2 '^kiln: Dockerfile:2: ENV must have two arguments$' "$KILN" parse
}

test_forward_stage_reference_is_an_error() {
	printf 'FROM scratch AS a\nCOPY --from=b /x /x\nFROM scratch AS b\n' >Dockerfile
	expect_fail 2 '^kiln: Dockerfile:2: .*forward reference' "$KILN" parse --json --target a
}

test_stage_referring_to_itself_is_a_cycle() {
	printf 'FROM scratch AS a\nCOPY --from=a /x /x\n' >Dockerfile
	expect_fail 2 '^kiln: Dockerfile:2: circular dependency' "$KILN" parse --json
}

test_unknown_target_is_an_error() {
	printf 'FROM scratch AS a\n' >Dockerfile
	expect_fail 2 'target stage "nope" could not be found' "$KILN" parse --json --target nope
}

test_dockerfile_from_stdin() {
	printf 'FROM scratch\nUSER 1000\n' | "$KILN" parse -f - >dump.txt
	grep -qx '(user "1000")' dump.txt
}

test_build_arg_from_environment_and_unused_warning() {
	printf 'FROM scratch\nARG A\nLABEL a=$A\n' >Dockerfile
	A=fromenv "$KILN" parse --json --build-arg A --build-arg B=1 >plan.json 2>err.txt
	grep -q '"fromenv"' plan.json
	grep -q 'build-arg B was not consumed' err.txt
}

test_missing_dockerfile_is_a_one_line_error() {
	expect_fail 2 '^kiln: nothere/Dockerfile: cannot open Dockerfile' "$KILN" parse nothere
}
