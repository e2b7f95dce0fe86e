# t_build.sh: `kiln build` as a user runs it (sourced by run.sh).
# The kb_* helpers below are used by t_consumers.sh and t_golden.sh too: run.sh
# sources every t_*.sh before it runs the first test.
. tests/integration/lib.sh

# The repository root: run.sh sources this file from there.
KB_ROOT=$PWD
# Debian's python3, where .ci/run installs python3-jsonschema: a python3
# earlier on PATH may be a slow shim (half a second a start) or lack it.
KB_PYTHON=/usr/bin/python3
[ -x "$KB_PYTHON" ] || KB_PYTHON=python3

# kb_build OUT CONTEXT [FLAG]...: builds CONTEXT into OUT with this test's own
# cache, and checks that stdout is exactly one line "<digest> OUT".
kb_build() {
	local out=$1 ctx=$2 line rest
	shift 2
	"$KILN" build --cache-dir "$PWD/cache" -o "$out" "$@" "$ctx" >"$out.stdout"
	{ read -r line && ! read -r rest; } <"$out.stdout" || line=
	if ! [[ $line =~ ^sha256:[0-9a-f]{64}\ (.*)$ && ${BASH_REMATCH[1]} == "$out" ]]; then
		echo "stdout of kiln build is not one line \"<digest> $out\":"
		cat "$out.stdout"
		return 1
	fi
}

# kb_digest OUT: the manifest digest kiln printed when it wrote OUT.
kb_digest() { cut -d' ' -f1 "$1.stdout"; }

# kb_unpack OUT TAG BUNDLE: the image's root filesystem as umoci unpacks it
# (as root, so owners are kept), in BUNDLE/rootfs.
kb_unpack() {
	local out=$1 tag=$2 bundle=$3 rootless=
	[ "$EUID" -eq 0 ] || rootless=--rootless
	mkdir -p "$bundle.layout"
	tar -xf "$out" -C "$bundle.layout"
	umoci unpack $rootless --image "$bundle.layout:$tag" "$bundle" >"$bundle.log" 2>&1 ||
		{ cat "$bundle.log"; return 1; }
}

# kb_tree BUNDLE [AWK-PATTERN]: one line per path under the root filesystem,
# "path type mode uid:gid [symlink target]", sorted bytewise.
kb_tree() {
	find "$1/rootfs" -mindepth 1 -printf '%P %y %m %U:%G %l\n' | LC_ALL=C sort |
		awk '{ sub(/ $/, "") } '"${2:-1}"
}

# kb_expect_tree BUNDLE [AWK-PATTERN] <<EOF: the tree (the lines AWK-PATTERN
# selects) must be exactly these lines.
kb_expect_tree() {
	LC_ALL=C sort >tree.want
	kb_tree "$@" >tree.got
	if ! diff -u tree.want tree.got; then
		echo "(- expected, + what the image holds)"
		return 1
	fi
}

# kb_py ARG... <<'PY': runs a Python check with the kimg module importable.
kb_py() {
	cat >kimg.py <<'PY'
"""kimg: reads a kiln image tarball (OCI layout in a tar)."""
import gzip, io, json, tarfile

REF = "org.opencontainers.image.ref.name"
EPOCH_1700000000 = "2023-11-14T22:13:20Z"


def norm(name):
    return name[2:] if name.startswith("./") else name


class Image:
    def __init__(self, path, ref=None):
        with open(path, "rb") as f:
            self.raw = f.read()
        self.tar = tarfile.open(fileobj=io.BytesIO(self.raw))
        self.members = self.tar.getmembers()
        self.files = {norm(m.name): m for m in self.members if m.isfile()}
        self.index = json.loads(self.read("index.json"))
        descs = self.index["manifests"]
        if ref is not None:
            descs = [d for d in descs if d.get("annotations", {}).get(REF) == ref]
        assert descs, "index.json has no manifest for ref %r: %s" % (ref, self.index)
        self.manifest_desc = descs[0]
        self.manifest_raw = self.blob(descs[0]["digest"])
        self.manifest = json.loads(self.manifest_raw)
        self.config_raw = self.blob(self.manifest["config"]["digest"])
        self.config = json.loads(self.config_raw)

    def read(self, name):
        return self.tar.extractfile(self.files[name]).read()

    def blob(self, digest):
        alg, enc = digest.split(":", 1)
        return self.read("blobs/%s/%s" % (alg, enc))

    def layer_bytes(self, i):
        """Layer i, uncompressed."""
        desc = self.manifest["layers"][i]
        data = self.blob(desc["digest"])
        if desc["mediaType"].endswith("+gzip"):
            return gzip.decompress(data)
        assert desc["mediaType"].endswith(".tar"), desc["mediaType"]
        return data

    def layer(self, i):
        return tarfile.open(fileobj=io.BytesIO(self.layer_bytes(i)))

    def entries(self):
        """(layer index, TarInfo, tarfile) for every entry of every layer."""
        for i in range(len(self.manifest["layers"])):
            t = self.layer(i)
            for m in t.getmembers():
                yield i, m, t

    def file(self, path):
        """Content of path as the last layer holding it has it."""
        found = None
        for _, m, t in self.entries():
            if norm(m.name).rstrip("/") == path and m.isfile():
                found = t.extractfile(m).read()
        assert found is not None, "no file %s in the image" % path
        return found
PY
	"$KB_PYTHON" - "$@"
}

# kb_write FILE CONTENT: writes CONTENT to FILE, creating its directory.
kb_write() {
	[[ $1 != */* ]] || mkdir -p "${1%/*}"
	printf '%s' "$2" >"$1"
}

# --- reproducibility ---------------------------------------------------------

# A context with what tends to break reproducibility: nested dirs, an
# executable, a symlink, a hard link, an empty dir, a path over 100 bytes
# (beyond a plain ustar name field), and .dockerignore'd files. $2 = reverse
# writes the same files in the opposite order (other inodes, other readdir order).
kb_repro_context() {
	local dir=$1 order=$2 long
	long=$(printf 'd%.0s' $(seq 60))/$(printf 'f%.0s' $(seq 70)).txt
	local files="Dockerfile .dockerignore src/one.txt src/two.txt src/nested/deeper/three.txt bin/run.sh $long noise.log secret/key"
	[ "$order" = reverse ] && files=$(echo "$files" | tr ' ' '\n' | tac)
	for f in $files; do
		case $f in
		Dockerfile) kb_write "$dir/$f" 'FROM scratch
COPY . /app/
COPY --chmod=0600 src/one.txt /etc/one
LABEL org.example.k=v
CMD ["/app/bin/run.sh"]
' ;;
		.dockerignore) kb_write "$dir/$f" '*.log
secret
' ;;
		*) kb_write "$dir/$f" "content of $f
" ;;
		esac
	done
	chmod u+x "$dir/bin/run.sh"
	mkdir -p "$dir/empty"
	if [ "$order" = reverse ]; then
		ln -s ../src/one.txt "$dir/bin/link"
		mv "$dir/src/one.txt" "$dir/src/zz-hard" && ln "$dir/src/zz-hard" "$dir/src/one.txt"
	else
		ln "$dir/src/one.txt" "$dir/src/zz-hard"
		ln -s ../src/one.txt "$dir/bin/link"
	fi
}

test_two_builds_are_byte_identical_across_path_umask_order_mtime_tz_lang() {
	kb_repro_context a forward
	find a -exec touch -h -d '2001-02-03 04:05:06' {} +
	mkdir -p elsewhere/deeper
	(umask 077 && kb_repro_context elsewhere/deeper/b reverse)
	find elsewhere -exec touch -h -d '2023-06-07 08:09:10' {} +
	touch -h -d '1999-12-31 23:59:59' elsewhere/deeper/b/src/two.txt
	[ "$(stat -c %a elsewhere/deeper/b/src/two.txt)" = 600 ] # the umask did apply

	TZ=UTC0 LANG=C LC_ALL=C kb_build a.tar a --source-date-epoch 1700000000
	(cd elsewhere && TZ='NPT-5:45' LANG=C.UTF-8 LC_ALL=C.UTF-8 \
		"$KILN" build --cache-dir "$PWD/other-cache" --source-date-epoch 1700000000 \
		-o img.tar "$PWD/deeper/b" >img.tar.stdout)
	cmp a.tar elsewhere/img.tar
	[ "$(kb_digest a.tar)" = "$(cut -d' ' -f1 elsewhere/img.tar.stdout)" ]
}

test_digest_follows_content_and_exec_bit_but_not_mtime() {
	mkdir ctx && printf 'FROM scratch\nCOPY . /c/\n' >ctx/Dockerfile
	echo one >ctx/f
	kb_build base.tar ctx
	touch -d '2011-01-01' ctx/f ctx
	kb_build touched.tar ctx
	cmp base.tar touched.tar
	chmod +x ctx/f
	kb_build exec.tar ctx
	chmod -x ctx/f && echo two >ctx/f
	kb_build edited.tar ctx
	mv ctx/f ctx/g && echo one >ctx/g
	kb_build renamed.tar ctx
	[ "$(for t in base exec edited renamed; do kb_digest $t.tar; done | sort -u | wc -l)" -eq 4 ]
}

test_rebuild_from_a_warm_cache_is_byte_identical() {
	kb_repro_context ctx forward
	kb_build cold.tar ctx
	kb_build warm.tar ctx
	cmp cold.tar warm.tar
}

test_source_date_epoch_is_every_mtime_and_the_created_time() {
	kb_repro_context ctx forward
	SOURCE_DATE_EPOCH=1700000000 kb_build env.tar ctx
	SOURCE_DATE_EPOCH=5 kb_build flag.tar ctx --source-date-epoch 1700000000
	cmp env.tar flag.tar # the flag wins over the environment
	env -u SOURCE_DATE_EPOCH "$KILN" build --cache-dir "$PWD/cache" -o zero.tar ctx >/dev/null
	kb_py env.tar zero.tar <<'PY'
import sys, kimg
img = kimg.Image(sys.argv[1])
assert img.config["created"] == kimg.EPOCH_1700000000, img.config["created"]
for h in img.config["history"]:
    assert h.get("created") == kimg.EPOCH_1700000000, h
n = 0
for i, m, _ in img.entries():
    n += 1
    assert m.mtime == 1700000000, (m.name, m.mtime)
    assert (m.uid, m.gid, m.uname, m.gname) == (0, 0, "", ""), (m.name, m.uid, m.gid, m.uname, m.gname)
    assert not any(k in m.pax_headers for k in ("atime", "ctime")), (m.name, m.pax_headers)
assert n > 10, n
zero = kimg.Image(sys.argv[2])
assert zero.config["created"] == "1970-01-01T00:00:00Z", zero.config["created"]
assert all(m.mtime == 0 for _, m, _ in zero.entries())
PY
}

test_context_permission_bits_are_normalised_and_owners_are_root() {
	mkdir -p ctx/d700 ctx/d750
	printf 'FROM scratch\nCOPY . /c/\n' >ctx/Dockerfile
	for m in 600 640 444 700 710 601 4755 2711; do
		echo "$m" >ctx/f$m && chmod $m ctx/f$m
	done
	echo in >ctx/d700/x && chmod 600 ctx/d700/x && chmod 700 ctx/d700
	chmod 750 ctx/d750
	chown -R 4242:4343 ctx 2>/dev/null || true
	kb_build out.tar ctx -t t:t
	kb_unpack out.tar t b
	kb_expect_tree b <<'EOF'
c d 755 0:0
c/Dockerfile f 644 0:0
c/d700 d 755 0:0
c/d700/x f 644 0:0
c/d750 d 755 0:0
c/f2711 f 755 0:0
c/f444 f 644 0:0
c/f4755 f 755 0:0
c/f600 f 644 0:0
c/f601 f 755 0:0
c/f640 f 644 0:0
c/f700 f 755 0:0
c/f710 f 755 0:0
EOF
}

# --- COPY and ADD, checked on the tree umoci unpacks --------------------------

kb_copy_context() {
	kb_write ctx/dir/a.txt 'A
'
	kb_write ctx/dir/sub/b.txt 'B
'
	kb_write ctx/f.txt 'F
'
	kb_write ctx/g.txt 'G
'
}

test_copy_follows_docker_rules_for_dirs_renames_trailing_slash_and_workdir() {
	kb_copy_context
	cat >ctx/Dockerfile <<'EOF'
FROM scratch
COPY dir /d1
COPY dir/ /d2/
COPY f.txt /renamed
COPY f.txt /into/
COPY g.txt /into
COPY f.txt g.txt /multi/
COPY f.txt /
WORKDIR /work
COPY f.txt rel/
COPY g.txt .
COPY f.txt sub/renamed.txt
WORKDIR deeper
EOF
	kb_build out.tar ctx -t t:t
	kb_unpack out.tar t b
	# A directory source copies its contents; a destination that ends in / or
	# is an existing directory receives the file under its own name; otherwise
	# the file is renamed; relative destinations are under WORKDIR, which
	# WORKDIR itself creates.
	kb_expect_tree b <<'EOF'
d1 d 755 0:0
d1/a.txt f 644 0:0
d1/sub d 755 0:0
d1/sub/b.txt f 644 0:0
d2 d 755 0:0
d2/a.txt f 644 0:0
d2/sub d 755 0:0
d2/sub/b.txt f 644 0:0
f.txt f 644 0:0
into d 755 0:0
into/f.txt f 644 0:0
into/g.txt f 644 0:0
multi d 755 0:0
multi/f.txt f 644 0:0
multi/g.txt f 644 0:0
renamed f 644 0:0
work d 755 0:0
work/deeper d 755 0:0
work/g.txt f 644 0:0
work/rel d 755 0:0
work/rel/f.txt f 644 0:0
work/sub d 755 0:0
work/sub/renamed.txt f 644 0:0
EOF
	[ "$(cat b/rootfs/renamed)" = F ] && [ "$(cat b/rootfs/d2/sub/b.txt)" = B ] || false
	[ "$(cat b/rootfs/work/g.txt)" = G ] && [ "$(cat b/rootfs/into/g.txt)" = G ] || false
	kb_py out.tar <<'PY'
import sys, kimg
assert kimg.Image(sys.argv[1]).config["config"]["WorkingDir"] == "/work/deeper"
PY
}

test_copy_wildcard_matching_nothing_copies_nothing_as_buildkit() {
	kb_write ctx/a.txt a
	printf 'FROM scratch\nCOPY a.txt nothing*.txt /w/\n' >ctx/Dockerfile
	kb_build out.tar ctx -t t:t
	kb_unpack out.tar t b
	kb_expect_tree b <<'EOF'
w d 755 0:0
w/a.txt f 644 0:0
EOF
}

test_copy_wildcards_match_as_docker_including_bracket_escape() {
	for f in a1.txt a2.txt b.txt x.txt '[x].txt' 'sp ace.txt' dir1/p dir2/q; do
		kb_write "ctx/$f" "$f"
	done
	cat >ctx/Dockerfile <<'EOF'
FROM scratch
COPY a*.txt /w1/
COPY [[]x].txt /w2/
COPY ?.txt /w3/
COPY dir? /w4/
COPY ["sp ace.txt", "/w5/"]
EOF
	kb_build out.tar ctx -t t:t
	kb_unpack out.tar t b
	kb_expect_tree b <<'EOF'
w1 d 755 0:0
w1/a1.txt f 644 0:0
w1/a2.txt f 644 0:0
w2 d 755 0:0
w2/[x].txt f 644 0:0
w3 d 755 0:0
w3/b.txt f 644 0:0
w3/x.txt f 644 0:0
w4 d 755 0:0
w4/p f 644 0:0
w4/q f 644 0:0
w5 d 755 0:0
w5/sp ace.txt f 644 0:0
EOF
}

test_copy_chown_resolves_names_from_the_stage_passwd_and_group() {
	kb_copy_context
	kb_write ctx/passwd 'root:x:0:0:root:/root:/bin/sh
app:x:1000:1000::/home/app:/bin/sh
'
	kb_write ctx/group 'root:x:0:
staff:x:50:app
app:x:1000:
'
	cat >ctx/Dockerfile <<'EOF'
FROM scratch
COPY passwd group /etc/
COPY --chown=app:staff f.txt /o/named
COPY --chown=1234:5678 f.txt /o/numeric
COPY --chown=app f.txt /o/useronly
COPY --chown=app:5678 f.txt /o/mixed
COPY --chown=0:staff f.txt /o/groupname
COPY --chown=1234 f.txt /o/uidonly
EOF
	kb_build out.tar ctx -t t:t
	kb_unpack out.tar t b
	kb_expect_tree b '$2 == "f"' <<'EOF'
etc/group f 644 0:0
etc/passwd f 644 0:0
o/groupname f 644 0:50
o/mixed f 644 1000:5678
o/named f 644 1000:50
o/numeric f 644 1234:5678
o/uidonly f 644 1234:1234
o/useronly f 644 1000:1000
EOF
}

test_copy_chown_also_owns_the_directories_it_creates() {
	kb_copy_context
	printf 'FROM scratch\nCOPY --chown=7:8 f.txt /p/q/f\nCOPY --chown=7:8 dir /r/\n' >ctx/Dockerfile
	kb_build out.tar ctx -t t:t
	kb_unpack out.tar t b
	# Docker: "All new files and directories are created with a UID and GID
	# of 0, unless the optional --chown flag specifies ..." (BuildKit creates
	# the destination's missing parents with the --chown owner too).
	kb_expect_tree b <<'EOF'
p d 755 7:8
p/q d 755 7:8
p/q/f f 644 7:8
r d 755 7:8
r/a.txt f 644 7:8
r/sub d 755 7:8
r/sub/b.txt f 644 7:8
EOF
}

test_copy_chmod_sets_the_mode_of_what_is_copied() {
	kb_copy_context
	cat >ctx/Dockerfile <<'EOF'
FROM scratch
COPY --chmod=0640 f.txt /m/f640
COPY --chmod=0750 dir /m/d/
COPY --chmod=0600 --chown=1:2 g.txt /m/both
COPY --chmod=755 f.txt /m/exec
EOF
	kb_build out.tar ctx -t t:t
	kb_unpack out.tar t b
	# --chmod applies to every copied file and directory; the destination
	# directory the copy creates (/m/d) is made 0755 as any missing parent.
	kb_expect_tree b <<'EOF'
m d 755 0:0
m/both f 600 1:2
m/d d 755 0:0
m/d/a.txt f 750 0:0
m/d/sub d 750 0:0
m/d/sub/b.txt f 750 0:0
m/exec f 755 0:0
m/f640 f 640 0:0
EOF
}

test_copy_from_stages_by_name_index_and_any_case_and_target_prunes_a_broken_stage() {
	kb_copy_context
	cat >ctx/Dockerfile <<'EOF'
FROM scratch AS build
COPY f.txt /out/app.txt
COPY dir /out/dir
FROM build AS ext
COPY g.txt /more/g.txt
FROM scratch AS final
COPY --from=ext /out/ /app/
COPY --from=0 /out/app.txt /first.txt
COPY --from=EXT /more/g.txt /g.txt
FROM scratch AS broken
COPY does-not-exist /x
EOF
	kb_build out.tar ctx -t t:t --target final
	kb_unpack out.tar t b
	kb_expect_tree b <<'EOF'
app d 755 0:0
app/app.txt f 644 0:0
app/dir d 755 0:0
app/dir/a.txt f 644 0:0
app/dir/sub d 755 0:0
app/dir/sub/b.txt f 644 0:0
first.txt f 644 0:0
g.txt f 644 0:0
EOF
	[ "$(cat b/rootfs/first.txt)" = F ]
	# Without --target the last stage is built, and its missing source fails.
	expect_fail 1 '^kiln: (.*/)?Dockerfile:11: .*does-not-exist' \
		"$KILN" build --progress quiet --cache-dir "$PWD/cache" -o all.tar ctx
	[ ! -e all.tar ]
}

test_from_an_earlier_stage_continues_its_files_and_config() {
	kb_copy_context
	cat >ctx/Dockerfile <<'EOF'
FROM scratch AS base
ENV STAGE=base
COPY f.txt /base/f.txt
LABEL from=base
CMD ["/base-cmd"]
FROM base AS child
COPY g.txt /child/g.txt
ENV CHILD=1
EOF
	kb_build out.tar ctx -t t:t
	kb_unpack out.tar t b
	kb_expect_tree b <<'EOF'
base d 755 0:0
base/f.txt f 644 0:0
child d 755 0:0
child/g.txt f 644 0:0
EOF
	kb_py out.tar <<'PY'
import sys, kimg
img = kimg.Image(sys.argv[1])
c = img.config["config"]
assert c["Env"][1:] == ["STAGE=base", "CHILD=1"], c["Env"]
assert c["Labels"] == {"from": "base"}, c.get("Labels")
assert c["Cmd"] == ["/base-cmd"], c.get("Cmd")
assert len(img.config["rootfs"]["diff_ids"]) == 2, img.config["rootfs"]
PY
}

test_onbuild_triggers_fire_in_a_stage_built_from_that_stage() {
	kb_copy_context
	cat >ctx/Dockerfile <<'EOF'
FROM scratch AS base
ONBUILD COPY f.txt /from-onbuild.txt
FROM base
LABEL x=y
EOF
	kb_build out.tar ctx -t t:t
	kb_unpack out.tar t b
	kb_expect_tree b <<'EOF'
from-onbuild.txt f 644 0:0
EOF
	kb_py out.tar <<'PY'
import sys, kimg
c = kimg.Image(sys.argv[1]).config["config"]
assert not c.get("OnBuild"), c.get("OnBuild")  # triggers do not carry over
PY
}

test_copy_heredocs_write_files_expanded_unless_the_delimiter_is_quoted() {
	mkdir ctx
	printf 'FROM scratch\nARG NAME=world\nCOPY <<EOF /greet.txt\nhello ${NAME}\nEOF\nCOPY <<"EOF" /raw.txt\nhello ${NAME}\nEOF\nCOPY <<A <<B /multi/\nalpha\nA\nbeta\nB\nCOPY --chmod=0755 <<EOF /bin/script\n#!/bin/sh\nEOF\n' >ctx/Dockerfile
	kb_build out.tar ctx -t t:t --build-arg NAME=kiln
	kb_unpack out.tar t b
	kb_expect_tree b <<'EOF'
bin d 755 0:0
bin/script f 755 0:0
greet.txt f 644 0:0
multi d 755 0:0
multi/A f 644 0:0
multi/B f 644 0:0
raw.txt f 644 0:0
EOF
	[ "$(cat b/rootfs/greet.txt)" = 'hello kiln' ]
	[ "$(cat b/rootfs/raw.txt)" = 'hello ${NAME}' ]
	[ "$(cat b/rootfs/multi/A)" = alpha ] && [ "$(cat b/rootfs/multi/B)" = beta ] || false
	cmp b/rootfs/bin/script <(printf '#!/bin/sh\n')
}

test_copy_heredoc_with_dash_strips_leading_tabs() {
	mkdir ctx
	printf 'FROM scratch\nCOPY <<-EOF /tabs.txt\n\tindented\n\t\ttwice\n\tEOF\n' >ctx/Dockerfile
	kb_build out.tar ctx
	# "<<-" strips leading tabs from the body, as in the shell (BuildKit:
	# ChompHeredocContent on COPY heredocs too).
	kb_py out.tar <<'PY'
import sys, kimg
got = kimg.Image(sys.argv[1]).file("tabs.txt")
assert got == b"indented\ntwice\n", got
PY
}

test_add_unpacks_local_tar_archives_and_copies_other_files() {
	mkdir -p arc/top/bin ctx
	echo x >arc/top/x.txt
	printf '#!/bin/sh\n' >arc/top/bin/tool && chmod 755 arc/top/bin/tool
	echo p >arc/top/private && chmod 600 arc/top/private
	ln -s x.txt arc/top/link
	tar --sort=name --owner=0 --group=0 --numeric-owner -czf ctx/a.tar.gz -C arc top
	tar --sort=name --owner=0 --group=0 --numeric-owner -cf ctx/b.tar -C arc/top x.txt
	echo 'not really gzip' >ctx/fake.tar.gz
	echo plain >ctx/plain.txt
	cat >ctx/Dockerfile <<'EOF'
FROM scratch
ADD a.tar.gz /opt/
ADD b.tar /plain
ADD fake.tar.gz plain.txt /files/
EOF
	kb_build out.tar ctx -t t:t
	kb_unpack out.tar t b
	# Archive members keep their own modes (0600 stays 0600); a file that is
	# not an archive, whatever its name, is copied as it is.
	kb_expect_tree b <<'EOF'
files d 755 0:0
files/fake.tar.gz f 644 0:0
files/plain.txt f 644 0:0
opt d 755 0:0
opt/top d 755 0:0
opt/top/bin d 755 0:0
opt/top/bin/tool f 755 0:0
opt/top/link l 777 0:0 x.txt
opt/top/private f 600 0:0
opt/top/x.txt f 644 0:0
plain d 755 0:0
plain/x.txt f 644 0:0
EOF
	[ "$(cat b/rootfs/opt/top/x.txt)" = x ]
	[ "$(cat b/rootfs/files/fake.tar.gz)" = 'not really gzip' ]
}

test_dockerignore_excludes_and_bang_reincludes() {
	for f in a.txt x.log keep.log secret/key sub/deep/t.tmp sub/ok.txt docs/a.md docs/README.md; do
		kb_write "ctx/$f" "$f"
	done
	kb_write ctx/.dockerignore '# a comment
*.log
!keep.log
secret
**/*.tmp
docs/*.md
!docs/README.md
'
	printf 'FROM scratch\nCOPY . /c/\n' >ctx/Dockerfile
	kb_build out.tar ctx -t t:t
	kb_unpack out.tar t b
	kb_expect_tree b <<'EOF'
c d 755 0:0
c/.dockerignore f 644 0:0
c/Dockerfile f 644 0:0
c/a.txt f 644 0:0
c/docs d 755 0:0
c/docs/README.md f 644 0:0
c/keep.log f 644 0:0
c/sub d 755 0:0
c/sub/deep d 755 0:0
c/sub/ok.txt f 644 0:0
EOF
	# An ignored file is not in the context at all.
	printf 'FROM scratch\nLABEL a=b\nCOPY secret/key /k\n' >ignored.Dockerfile
	expect_fail 1 '^kiln: .*Dockerfile:3: .*secret/key' \
		"$KILN" build --progress quiet --cache-dir "$PWD/cache" -f ignored.Dockerfile -o bad.tar ctx
}

test_copy_exclude_patterns_match_paths_inside_the_source() {
	for f in docs/keep.txt docs/x.md docs/sub/skip docs/sub/keep.txt docs/sub/y.md; do
		kb_write "ctx/$f" "$f"
	done
	printf 'FROM scratch\nCOPY --exclude=*.md --exclude=sub/skip docs /e/\n' >ctx/Dockerfile
	kb_build out.tar ctx -t t:t
	kb_unpack out.tar t b
	# BuildKit matches --exclude against the path below the source copied
	# ("x.md", "sub/skip"), with .dockerignore rules: "*.md" does not reach
	# into sub/.
	kb_expect_tree b '$2 == "f"' <<'EOF'
e/keep.txt f 644 0:0
e/sub/keep.txt f 644 0:0
e/sub/y.md f 644 0:0
EOF
}

test_copy_parents_keeps_the_source_directories() {
	kb_write ctx/a/b/c.txt c
	kb_write ctx/x/y.txt y
	printf 'FROM scratch\nCOPY --parents a/b/c.txt x/y.txt /p/\n' >ctx/Dockerfile
	kb_build out.tar ctx -t t:t
	kb_unpack out.tar t b
	kb_expect_tree b '$2 == "f"' <<'EOF'
p/a/b/c.txt f 644 0:0
p/x/y.txt f 644 0:0
EOF
}

test_copy_parents_keeps_only_what_follows_a_dot_pivot() {
	kb_write ctx/a/b/c.txt c
	printf 'FROM scratch\nCOPY --parents a/./b/c.txt /q/\n' >ctx/Dockerfile
	kb_build out.tar ctx -t t:t
	kb_unpack out.tar t b
	# Docker: of "a/./b/c.txt" only the parents after the /./ pivot are kept.
	kb_expect_tree b '$2 == "f"' <<'EOF'
q/b/c.txt f 644 0:0
EOF
}

test_symlinks_inside_a_copied_directory_stay_symlinks() {
	mkdir -p ctx/dir
	echo t >ctx/target.txt && echo f >ctx/dir/f
	ln -s target.txt ctx/link
	ln -s dir ctx/dirlink
	ln -s /nonexistent/abs ctx/dangling
	printf 'FROM scratch\nCOPY . /s/\n' >ctx/Dockerfile
	kb_build out.tar ctx -t t:t
	kb_unpack out.tar t b
	kb_expect_tree b <<'EOF'
s d 755 0:0
s/Dockerfile f 644 0:0
s/dangling l 777 0:0 /nonexistent/abs
s/dir d 755 0:0
s/dir/f f 644 0:0
s/dirlink l 777 0:0 dir
s/link l 777 0:0 target.txt
s/target.txt f 644 0:0
EOF
}

test_copy_of_a_symlink_source_copies_what_it_points_to() {
	mkdir -p ctx/dir
	echo t >ctx/target.txt && echo f >ctx/dir/f
	ln -s target.txt ctx/link
	ln -s dir ctx/dirlink
	printf 'FROM scratch\nCOPY link /one\nCOPY dirlink /two/\n' >ctx/Dockerfile
	kb_build out.tar ctx -t t:t
	kb_unpack out.tar t b
	# Docker follows a symlink named as the source (BuildKit: FollowSymlinks).
	kb_expect_tree b <<'EOF'
one f 644 0:0
two d 755 0:0
two/f f 644 0:0
EOF
	[ "$(cat b/rootfs/one)" = t ]
}

test_symlink_in_the_context_never_reads_a_file_outside_it() {
	mkdir ctx
	echo KB-OUTSIDE-SECRET >outside.txt
	ln -s "$PWD/outside.txt" ctx/abs
	ln -s ../outside.txt ctx/rel
	# Copied along with a directory, links stay links.
	printf 'FROM scratch\nCOPY . /all/\n' >ctx/Dockerfile
	kb_build dir.tar ctx
	# Named as sources, they may fail the build (BuildKit resolves them inside
	# the context, where there is no such file), but never copy the outside file.
	printf 'FROM scratch\nCOPY abs /a\nCOPY rel /r\n' >ctx/Dockerfile
	if ! "$KILN" build --progress quiet --cache-dir "$PWD/cache" -o src.tar ctx >/dev/null 2>err.txt; then
		[ ! -e src.tar ] && [ "$(wc -l <err.txt)" -eq 1 ] && grep -Eq '^kiln: (.*/)?Dockerfile:2: ' err.txt ||
			{ echo "unexpected failure:"; cat err.txt; return 1; }
	fi
	kb_py dir.tar src.tar <<'PY'
import os, sys, kimg
for path in sys.argv[1:]:
    if not os.path.exists(path):
        continue
    img = kimg.Image(path)
    for i in range(len(img.manifest["layers"])):
        assert b"KB-OUTSIDE-SECRET" not in img.layer_bytes(i), "%s layer %d holds a file from outside the context" % (path, i)
PY
}

# --- image config ----------------------------------------------------------------

test_config_records_every_metadata_instruction() {
	mkdir ctx
	cat >ctx/Dockerfile <<'EOF'
FROM scratch AS base
CMD ["base-cmd"]
LABEL stage=base
FROM base
ARG VERSION=1.0
ENV B="two words" V=$VERSION
WORKDIR /app
USER 1000:1000
EXPOSE 8080 53/udp
VOLUME /data /logs
LABEL org.example.version=$VERSION multi="a b"
MAINTAINER someone@example.com
ENTRYPOINT ["/bin/app"]
HEALTHCHECK --interval=30s --timeout=5s --start-period=1s --retries=3 CMD ["/bin/app", "health"]
ONBUILD COPY x /y
STOPSIGNAL SIGTERM
SHELL ["/bin/ash", "-c"]
EOF
	kb_build out.tar ctx --source-date-epoch 1700000000 --build-arg VERSION=2.0 --platform linux/amd64
	kb_py out.tar <<'PY'
import sys, kimg
img = kimg.Image(sys.argv[1])
cfg = img.config
c = cfg["config"]
want = {
    "Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "B=two words", "V=2.0"],
    "WorkingDir": "/app",
    "User": "1000:1000",
    "ExposedPorts": {"8080/tcp": {}, "53/udp": {}},
    "Volumes": {"/data": {}, "/logs": {}},
    "Labels": {"stage": "base", "org.example.version": "2.0", "multi": "a b"},
    "Entrypoint": ["/bin/app"],
    "Healthcheck": {"Test": ["CMD", "/bin/app", "health"], "Interval": 30000000000,
                    "Timeout": 5000000000, "StartPeriod": 1000000000, "Retries": 3},
    "OnBuild": ["COPY x /y"],
    "StopSignal": "SIGTERM",
    "Shell": ["/bin/ash", "-c"],
}
bad = {k: c.get(k) for k, v in want.items() if c.get(k) != v}
assert not bad, "config fields differ from %s:\n%s" % ({k: want[k] for k in bad}, bad)
# ENTRYPOINT resets a CMD inherited from the base.
assert not c.get("Cmd"), c.get("Cmd")
assert cfg.get("author") == "someone@example.com", cfg.get("author")
assert (cfg["os"], cfg["architecture"]) == ("linux", "amd64"), (cfg["os"], cfg["architecture"])
assert cfg["created"] == kimg.EPOCH_1700000000, cfg["created"]
assert cfg["rootfs"]["type"] == "layers"
PY
}

test_history_marks_metadata_steps_as_empty_layers() {
	kb_copy_context
	cat >ctx/Dockerfile <<'EOF'
FROM scratch
LABEL a=b
COPY f.txt /f
ENV X=1
COPY g.txt /g
USER 5
CMD ["x"]
EOF
	kb_build out.tar ctx --source-date-epoch 1700000000
	kb_py out.tar <<'PY'
import sys, kimg
img = kimg.Image(sys.argv[1])
h = img.config["history"]
want = [("LABEL", True), ("COPY", False), ("ENV", True), ("COPY", False), ("USER", True), ("CMD", True)]
assert [bool(x.get("empty_layer")) for x in h] == [e for _, e in want], h
for (kw, _), x in zip(want, h):
    assert kw in x.get("created_by", ""), (kw, x)
    assert x.get("created") == kimg.EPOCH_1700000000, x
n = len(img.config["rootfs"]["diff_ids"])
assert n == 2 == len(img.manifest["layers"]), (n, img.manifest["layers"])
PY
}

test_platform_flag_sets_os_architecture_and_variant() {
	mkdir ctx && printf 'FROM scratch\nLABEL a=b\n' >ctx/Dockerfile
	kb_build arm64.tar ctx --platform linux/arm64
	kb_build armv7.tar ctx --platform linux/arm/v7
	kb_py arm64.tar armv7.tar <<'PY'
import sys, kimg
a = kimg.Image(sys.argv[1]).config
assert (a["os"], a["architecture"], a.get("variant")) in (("linux", "arm64", None), ("linux", "arm64", "v8")), a
b = kimg.Image(sys.argv[2]).config
assert (b["os"], b["architecture"], b.get("variant")) == ("linux", "arm", "v7"), b
PY
}

# --- errors ------------------------------------------------------------------

test_source_outside_the_context_is_refused_with_file_and_line() {
	mkdir ctx
	echo secret >secret.txt
	printf 'FROM scratch\nCOPY ../secret.txt /x\n' >ctx/Dockerfile
	expect_fail 2 '^kiln: (.*/)?Dockerfile:2: .*\.\./secret\.txt' \
		"$KILN" build --progress quiet --cache-dir "$PWD/cache" -o out.tar ctx
	[ ! -e out.tar ]
}

test_missing_source_fails_the_build_with_file_and_line_and_leaves_no_output() {
	mkdir ctx out
	echo a >ctx/a.txt
	printf 'FROM scratch\nCOPY a.txt /a\nLABEL x=y\nCOPY nothere /n\n' >ctx/Dockerfile
	expect_fail 1 '^kiln: (.*/)?Dockerfile:4: .*nothere' \
		"$KILN" build --progress quiet --cache-dir "$PWD/cache" -o out/img.tar ctx
	if [ -n "$(ls -A out)" ]; then
		echo "a failed build left files beside its output:"; ls -la out; return 1
	fi
}

test_bad_source_date_epoch_is_refused() {
	mkdir ctx && printf 'FROM scratch\nLABEL a=b\n' >ctx/Dockerfile
	for v in 1.5 -1 0x10; do
		expect_fail 2 'SOURCE_DATE_EPOCH' \
			"$KILN" build --progress quiet --cache-dir "$PWD/cache" --source-date-epoch "$v" -o out.tar ctx
	done
	for v in abc ' 12' 99999999999999999999999; do
		SOURCE_DATE_EPOCH=$v expect_fail 2 'SOURCE_DATE_EPOCH' \
			"$KILN" build --progress quiet --cache-dir "$PWD/cache" -o out.tar ctx
	done
	[ ! -e out.tar ]
}

# --- stdin, stdout, tags, compression, the tarball itself -----------------------

test_dockerfile_from_stdin_with_a_context() {
	mkdir ctx && echo F >ctx/f.txt
	printf 'FROM scratch\nCOPY nothere /x\n' >ctx/Dockerfile # must not be read
	printf 'FROM scratch\nCOPY f.txt /f\n' |
		"$KILN" build -f - --cache-dir "$PWD/cache" -o out.tar ctx >/dev/null
	kb_py out.tar <<'PY'
import sys, kimg
assert kimg.Image(sys.argv[1]).file("f") == b"F\n"
PY
}

test_dash_context_reads_the_dockerfile_from_stdin_with_no_context() {
	echo F >f.txt # in the current directory: must not become a context
	printf 'FROM scratch\nLABEL a=b\nCOPY <<EOF /h\nhi\nEOF\n' |
		"$KILN" build --cache-dir "$PWD/cache" -o out.tar - >/dev/null
	kb_py out.tar <<'PY'
import sys, kimg
img = kimg.Image(sys.argv[1])
assert img.config["config"]["Labels"] == {"a": "b"}
assert img.file("h") == b"hi\n"
PY
	printf 'FROM scratch\nCOPY f.txt /f\n' | expect_fail 1 '^kiln: Dockerfile:2: .*f\.txt' \
		"$KILN" build --progress quiet --cache-dir "$PWD/cache" -o bad.tar -
}

test_stdout_is_the_manifest_digest_and_progress_goes_to_stderr() {
	kb_copy_context
	printf 'FROM scratch\nCOPY f.txt /f\nLABEL a=b\n' >ctx/Dockerfile
	kb_build out.tar ctx 2>progress.txt
	grep -Eq '^\[1/[0-9]+\] ' progress.txt || { echo "no [k/N] progress:"; cat progress.txt; return 1; }
	kb_build quiet.tar ctx --progress quiet 2>quiet.txt
	[ ! -s quiet.txt ] || { echo "--progress quiet printed:"; cat quiet.txt; return 1; }
	cmp out.tar quiet.tar
	kb_py out.tar "$(kb_digest out.tar)" <<'PY'
import hashlib, sys, kimg
img = kimg.Image(sys.argv[1])
got = "sha256:" + hashlib.sha256(img.manifest_raw).hexdigest()
assert sys.argv[2] == got == img.manifest_desc["digest"], (sys.argv[2], got, img.manifest_desc)
PY
}

test_tags_become_index_annotations_and_docker_repotags() {
	kb_copy_context
	printf 'FROM scratch\nCOPY f.txt /f\n' >ctx/Dockerfile
	kb_build out.tar ctx -t app:1 -t example.com:5000/team/app:2 -t plain
	kb_py out.tar "$(kb_digest out.tar)" <<'PY'
import json, sys, kimg
img = kimg.Image(sys.argv[1])
ms = img.index["manifests"]
got = {(m["annotations"].get(kimg.REF), m["annotations"].get("io.containerd.image.name")) for m in ms}
want = {("1", "docker.io/library/app:1"), ("2", "example.com:5000/team/app:2"),
        ("latest", "docker.io/library/plain:latest")}
assert got == want, got
assert {m["digest"] for m in ms} == {sys.argv[2]}, ms
docker = json.loads(img.read("manifest.json"))
assert len(docker) == 1, docker
short = lambda r: r[len("docker.io/library/"):] if r.startswith("docker.io/library/") else r
assert {short(r) for r in docker[0]["RepoTags"]} == {"app:1", "example.com:5000/team/app:2", "plain:latest"}, docker
assert docker[0]["Config"] == "blobs/sha256/" + img.manifest["config"]["digest"][7:], docker
assert docker[0]["Layers"] == ["blobs/sha256/" + l["digest"][7:] for l in img.manifest["layers"]], docker
for p in [docker[0]["Config"]] + docker[0]["Layers"]:
    assert p in img.files, p
PY
}

test_compression_changes_blobs_but_never_diff_ids() {
	kb_repro_context ctx forward
	kb_build gzip.tar ctx --compression gzip
	kb_build none.tar ctx --compression none
	kb_build zstd.tar ctx --compression zstd
	kb_py gzip.tar none.tar zstd.tar <<'PY'
import hashlib, sys, kimg
g, n, z = (kimg.Image(p) for p in sys.argv[1:4])
ids = g.config["rootfs"]["diff_ids"]
assert ids == n.config["rootfs"]["diff_ids"] == z.config["rootfs"]["diff_ids"]
for img, suffix in ((g, "+gzip"), (n, ""), (z, "+zstd")):
    for l in img.manifest["layers"]:
        assert l["mediaType"] == "application/vnd.oci.image.layer.v1.tar" + suffix, l
for i, l in enumerate(n.manifest["layers"]):
    assert l["digest"] == ids[i]
for i, l in enumerate(g.manifest["layers"]):
    assert "sha256:" + hashlib.sha256(g.layer_bytes(i)).hexdigest() == ids[i]
    assert l["digest"] != ids[i]
for l in z.manifest["layers"]:
    assert z.blob(l["digest"])[:4] == b"\x28\xb5\x2f\xfd", "not a zstd frame"
PY
}

test_gzip_layers_carry_no_name_and_no_timestamp() {
	kb_repro_context ctx forward
	kb_build out.tar ctx --source-date-epoch 1700000000
	kb_py out.tar <<'PY'
import sys, kimg
img = kimg.Image(sys.argv[1])
os_bytes = set()
for l in img.manifest["layers"]:
    b = img.blob(l["digest"])
    assert b[:3] == b"\x1f\x8b\x08", b[:3]
    assert b[3] & 0x1e == 0, "gzip header carries name/comment/extra: flags %#x" % b[3]
    assert b[4:8] == b"\0\0\0\0", "gzip header carries an mtime"
    os_bytes.add(b[9])
assert len(os_bytes) == 1, os_bytes
PY
}

test_image_tarball_is_sorted_with_root_owners_and_one_mtime() {
	kb_repro_context ctx forward
	kb_build out.tar ctx -t t:t --source-date-epoch 1700000000
	kb_py out.tar <<'PY'
import sys, kimg
img = kimg.Image(sys.argv[1])
names = [kimg.norm(m.name).rstrip("/") for m in img.members]
assert names == sorted(names), names
for want in ("oci-layout", "index.json", "manifest.json"):
    assert want in names, (want, names)
assert all((m.uid, m.gid, m.uname, m.gname) == (0, 0, "", "") for m in img.members), \
    [(m.name, m.uid, m.gid, m.uname, m.gname) for m in img.members]
assert len({m.mtime for m in img.members}) == 1, [(m.name, m.mtime) for m in img.members]
PY
}

test_a_dockerignore_pattern_go_rejects_fails_the_build_naming_it() {
	mkdir ctx
	echo a >ctx/a
	printf 'FROM scratch\nCOPY . /x/\n' >ctx/Dockerfile
	printf '[Local-Only]\n' >ctx/.dockerignore
	expect_fail 2 '^kiln: ctx/Dockerfile:2: reading the build context: \.dockerignore: bad \.dockerignore pattern "\[Local-Only\]"' \
		"$KILN" build --progress quiet --cache-dir "$PWD/c" -o out.tar ctx
	[ ! -e out.tar ]
}
