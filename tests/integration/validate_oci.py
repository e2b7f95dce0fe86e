#!/usr/bin/env python3
"""validate_oci.py: checks OCI image documents against the image-spec JSON
Schemas (draft-04), plus the checks upstream makes in Go rather than in the
schemas (see shared/conformance/README.md section 4).

  validate_oci.py SCHEMA_DIR examples INDEX_TSV   the spec's example table:
        every document must come out valid or invalid as the table says
  validate_oci.py SCHEMA_DIR layout LAYOUT_DIR    an extracted OCI layout:
        oci-layout, index.json, and every manifest, index and config it
        reaches, each blob also checked against its descriptor's size/digest
  validate_oci.py SCHEMA_DIR doc MEDIA_TYPE FILE  one document

Exit 0 when everything is as expected, 1 otherwise; each problem is a line on
stdout. Needs python3-jsonschema (Draft4Validator and RefResolver, as in
Debian 12's jsonschema 4.10; later versions still have both, deprecated).
"""
import base64
import hashlib
import json
import os
import re
import sys
import warnings

warnings.filterwarnings("ignore", category=DeprecationWarning)
import jsonschema  # noqa: E402  (after the warning filter on purpose)

try:  # jsonschema >= 4.18 resolves $refs through `referencing`
    import referencing  # noqa: E402
    import referencing.jsonschema  # noqa: E402
except ImportError:
    referencing = None

MT_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
MT_INDEX = "application/vnd.oci.image.index.v1+json"
MT_CONFIG = "application/vnd.oci.image.config.v1+json"
MT_DESCRIPTOR = "application/vnd.oci.descriptor.v1+json"
MT_LAYOUT = "application/vnd.oci.layout.header.v1+json"

SCHEMA_FOR = {
    MT_MANIFEST: "image-manifest-schema.json",
    MT_INDEX: "image-index-schema.json",
    MT_CONFIG: "config-schema.json",
    MT_DESCRIPTOR: "content-descriptor.json",
    MT_LAYOUT: "image-layout-schema.json",
}

# Every schema file under the ids its $refs resolve to (upstream schema/schema.go).
ALIASES = {
    "config-schema.json": ["https://opencontainers.org/schema/image/config"],
    "content-descriptor.json": [
        "https://opencontainers.org/schema/descriptor",
        "https://opencontainers.org/schema/image/content-descriptor.json",
    ],
    "defs-descriptor.json": [
        "https://opencontainers.org/schema/image/descriptor/mediaType",
        "https://opencontainers.org/schema/defs-descriptor.json",
        "https://opencontainers.org/schema/image/defs-descriptor.json",
    ],
    "defs.json": [
        "https://opencontainers.org/schema/defs.json",
        "https://opencontainers.org/schema/image/defs.json",
        "https://opencontainers.org/schema/image/descriptor/defs.json",
    ],
    "image-index-schema.json": ["https://opencontainers.org/schema/image/index"],
    "image-layout-schema.json": ["https://opencontainers.org/schema/image/layout"],
    "image-manifest-schema.json": ["https://opencontainers.org/schema/image/manifest"],
}


class OfflineResolver(jsonschema.RefResolver):
    """A resolver that never goes to the network: a $ref to a document not
    registered above is a defect of this script or of the schemas."""

    def resolve_remote(self, uri):
        raise jsonschema.RefResolutionError("unregistered schema %s (no network)" % uri)


def drop_ref_siblings(node):
    """Draft-04 says every other member of an object holding "$ref" is
    ignored; jsonschema's RefResolver still takes a sibling "id" as the new
    base URI (the OCI schemas have such ids), which would send a relative
    $ref to an unregistered address. Drop those siblings as the draft says."""
    if isinstance(node, dict):
        if "$ref" in node:
            return {"$ref": node["$ref"]}
        return {k: drop_ref_siblings(v) for k, v in node.items()}
    if isinstance(node, list):
        return [drop_ref_siblings(v) for v in node]
    return node


class Schemas:
    def __init__(self, folder):
        self.folder = folder
        self.docs = {}
        store = {}
        for name, ids in ALIASES.items():
            with open(os.path.join(folder, name), encoding="utf-8") as f:
                doc = drop_ref_siblings(json.load(f))
            self.docs[name] = doc
            for i in ids:
                store[i] = doc
            # Also under the id the file declares, so its own relative refs resolve.
            if isinstance(doc.get("id"), str):
                store.setdefault(doc["id"], doc)
        self.store = store
        self.registry = None
        if referencing is not None:
            draft4 = referencing.jsonschema.DRAFT4
            self.registry = referencing.Registry().with_resources(
                (uri, referencing.Resource(contents=doc, specification=draft4))
                for uri, doc in store.items())

    def validator(self, schema):
        if self.registry is not None:
            return jsonschema.Draft4Validator(schema, registry=self.registry)
        # Debian 12's jsonschema 4.10: the RefResolver of that version.
        resolver = OfflineResolver(schema.get("id", ""), schema, store=self.store)
        return jsonschema.Draft4Validator(schema, resolver=resolver)

    def errors(self, media_type, doc):
        """Schema errors of doc, as a list of strings (empty when valid)."""
        validator = self.validator(self.docs[SCHEMA_FOR[media_type]])
        out = []
        for e in validator.iter_errors(doc):
            where = "/".join(str(p) for p in e.absolute_path) or "(top)"
            out.append("schema: %s: %s" % (where, e.message))
        return out


# --- the checks upstream makes outside the schemas -------------------------

ENV_RE = re.compile(r"^[^=]+=.*$", re.S)
HEX = {"sha256": 64, "sha512": 128}
# RFC 3986 URI (absolute: a scheme is required), character level.
_PCT = r"%[0-9A-Fa-f]{2}"
_CH = r"[A-Za-z0-9\-._~!$&'()*+,;=:@/?]"
URI_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:(?:%s|%s)*(?:#(?:%s|%s)*)?$" % (_CH, _PCT, _CH, _PCT))


def digest_problem(d):
    if not isinstance(d, str) or ":" not in d:
        return None  # the schema's pattern reports it
    alg, enc = d.split(":", 1)
    n = HEX.get(alg)
    if n is not None and not re.fullmatch("[0-9a-f]{%d}" % n, enc):
        return "digest %r: %s must be %d lowercase hex characters" % (d, alg, n)
    return None


def descriptor_problems(desc, where):
    out = []
    if not isinstance(desc, dict):
        return out
    p = digest_problem(desc.get("digest"))
    if p:
        out.append("%s: %s" % (where, p))
    urls = desc.get("urls")
    if isinstance(urls, list):
        for u in urls:
            if isinstance(u, str) and not URI_RE.match(u):
                out.append("%s: url %r is not an RFC 3986 URI" % (where, u))
    data = desc.get("data")
    if isinstance(data, str):
        try:
            ok = len(data) % 4 == 0 and base64.b64decode(data, validate=True) is not None
        except ValueError:
            ok = False
        if not ok:
            out.append("%s: data is not padded standard base64" % where)
    return out


def extra_errors(media_type, doc):
    if not isinstance(doc, dict):
        return []
    out = []
    if media_type == MT_DESCRIPTOR:
        out += descriptor_problems(doc, "(top)")
    elif media_type == MT_MANIFEST:
        out += descriptor_problems(doc.get("config"), "config")
        out += descriptor_problems(doc.get("subject"), "subject")
        for i, l in enumerate(doc.get("layers") or []):
            out += descriptor_problems(l, "layers/%d" % i)
    elif media_type == MT_INDEX:
        out += descriptor_problems(doc.get("subject"), "subject")
        for i, m in enumerate(doc.get("manifests") or []):
            out += descriptor_problems(m, "manifests/%d" % i)
    elif media_type == MT_CONFIG:
        cfg = doc.get("config")
        env = cfg.get("Env") if isinstance(cfg, dict) else None
        for e in env if isinstance(env, list) else []:
            if isinstance(e, str) and not ENV_RE.match(e):
                out.append("config/Env: %r is not NAME=value" % e)
        rootfs = doc.get("rootfs")
        ids = rootfs.get("diff_ids") if isinstance(rootfs, dict) else None
        for i, d in enumerate(ids if isinstance(ids, list) else []):
            p = digest_problem(d)
            if p:
                out.append("rootfs/diff_ids/%d: %s" % (i, p))
    return ["extra: " + e for e in out]


def check_text(schemas, media_type, text):
    """All problems of one document given as text (not JSON is a problem)."""
    try:
        doc = json.loads(text)
    except ValueError as e:
        return ["not JSON: %s" % e]
    return schemas.errors(media_type, doc) + extra_errors(media_type, doc)


# --- modes -----------------------------------------------------------------

def run_examples(schemas, tsv):
    base = os.path.dirname(tsv)
    rows = bad = 0
    with open(tsv, encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            cols = line.rstrip("\n").split("\t")
            path, media_type, schema, expected = cols[0], cols[1], cols[2], cols[3]
            if SCHEMA_FOR.get(media_type) != schema or expected not in ("valid", "invalid"):
                print("%s: cannot read row (%s, %s, %s)" % (path, media_type, schema, expected))
                bad += 1
                continue
            rows += 1
            with open(os.path.join(base, path), encoding="utf-8") as d:
                problems = check_text(schemas, media_type, d.read())
            got = "invalid" if problems else "valid"
            if got != expected:
                bad += 1
                print("%s: %s, want %s%s" % (path, got, expected,
                                             "".join("\n    " + p for p in problems)))
    print("%d documents, %d as expected, %d not" % (rows, rows - bad, bad))
    return bad == 0


class Layout:
    def __init__(self, schemas, root):
        self.schemas, self.root = schemas, root
        self.problems, self.checked = [], 0

    def blob(self, desc, where):
        d = desc.get("digest", "") if isinstance(desc, dict) else ""
        alg, _, enc = d.partition(":")
        path = os.path.join(self.root, "blobs", alg, enc)
        if alg != "sha256" or not enc or not os.path.isfile(path):
            self.problems.append("%s: no blob for %r" % (where, d))
            return None
        with open(path, "rb") as f:
            data = f.read()
        if hashlib.sha256(data).hexdigest() != enc:
            self.problems.append("%s: blob %s does not hash to its name" % (where, d))
        if desc.get("size") != len(data):
            self.problems.append("%s: size %r, blob has %d bytes" % (where, desc.get("size"), len(data)))
        return data

    def doc(self, media_type, data, where):
        self.checked += 1
        for p in check_text(self.schemas, media_type, data.decode("utf-8", "replace")):
            self.problems.append("%s: %s" % (where, p))
        try:
            return json.loads(data)
        except ValueError:
            return None

    def walk_index(self, idx, where):
        if not isinstance(idx, dict):
            return
        if idx.get("mediaType", MT_INDEX) != MT_INDEX:
            self.problems.append("%s: mediaType %r" % (where, idx.get("mediaType")))
        for i, m in enumerate(idx.get("manifests") or []):
            w = "%s/manifests/%d" % (where, i)
            data = self.blob(m, w)
            if data is None:
                continue
            mt = m.get("mediaType")
            if mt == MT_INDEX:
                self.walk_index(self.doc(MT_INDEX, data, w), w)
            elif mt == MT_MANIFEST:
                self.walk_manifest(self.doc(MT_MANIFEST, data, w), w)
            else:
                self.problems.append("%s: unexpected mediaType %r" % (w, mt))

    def walk_manifest(self, man, where):
        if not isinstance(man, dict):
            return
        if man.get("mediaType") != MT_MANIFEST:
            self.problems.append("%s: mediaType %r" % (where, man.get("mediaType")))
        cfg = man.get("config") or {}
        w = where + "/config"
        data = self.blob(cfg, w)
        if data is not None and cfg.get("mediaType") == MT_CONFIG:
            self.doc(MT_CONFIG, data, w)
        for i, l in enumerate(man.get("layers") or []):
            self.blob(l, "%s/layers/%d" % (where, i))

    def run(self):
        for name, mt in (("oci-layout", MT_LAYOUT), ("index.json", MT_INDEX)):
            try:
                with open(os.path.join(self.root, name), "rb") as f:
                    data = f.read()
            except OSError as e:
                self.problems.append("%s: %s" % (name, e))
                continue
            doc = self.doc(mt, data, name)
            if mt == MT_INDEX:
                self.walk_index(doc, name)
        for p in self.problems:
            print(p)
        print("%d documents checked, %d problems" % (self.checked, len(self.problems)))
        return not self.problems and self.checked >= 4


def main(argv):
    if len(argv) < 4 or argv[2] not in ("examples", "layout", "doc"):
        sys.stderr.write(__doc__)
        return 2
    schemas = Schemas(argv[1])
    if argv[2] == "examples":
        ok = run_examples(schemas, argv[3])
    elif argv[2] == "layout":
        ok = Layout(schemas, argv[3]).run()
    else:
        if len(argv) != 5 or argv[3] not in SCHEMA_FOR:
            sys.stderr.write(__doc__)
            return 2
        with open(argv[4], encoding="utf-8") as f:
            problems = check_text(schemas, argv[3], f.read())
        for p in problems:
            print(p)
        ok = not problems
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
