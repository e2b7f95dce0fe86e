#!/usr/bin/python3
"""proxy.py: a reverse proxy in front of a real docker-registry, for the
fetch tests. It can demand Bearer tokens and serve them as the token
server (realm http://127.0.0.1:PORT/token, service "kiln-test"), and it can
misbehave on purpose (a wrong blob, a cut blob, a 503, a reset, a
redirect...). Every request is logged, one line each, so a test can assert
what the client really sent.

  proxy.py --upstream http://127.0.0.1:PORT --port-file F --log L [--bind ADDR]
           [--bearer USER:PASS | --bearer -] [--token-field token|access_token]
           [--identity-token TOKEN] [--fault KIND]...

Log line: METHOD PATH range=<Range|-> auth=<scheme|-> host=<Host>
Faults (blob faults act on GET /v2/.../blobs/sha256:..., "once" ones on the
first request for each path only):
  wrong          the blob with one byte changed (same length)
  short          the blob without its last 10 bytes, announced as such
  cut-once       the full length announced, half sent, connection closed
  cut-always     the same on every try
  cut-norange    cut-once, then Range ignored: 200 with the whole blob
  503-once       503 Service Unavailable
  reset-once     the connection closed before any answer
  redirect       302 to http://localhost:PORT/_blob/... (another host name)
  big-manifest   GET of a manifest by digest answers 5 MiB
  wrong-manifest GET of a manifest answers it with a space appended
  no-digest      no Docker-Content-Digest header on manifests
"""
import argparse
import base64
import http.client
import http.server
import os
import re
import secrets
import socket
import threading
import urllib.parse

BLOB = re.compile(r"^/v2/(.+)/blobs/(sha256:[0-9a-f]{64})$")
MANIFEST = re.compile(r"^/v2/(.+)/manifests/([^/]+)$")
HOP = {"connection", "keep-alive", "transfer-encoding", "content-length"}


class State:
    def __init__(self, args):
        self.args = args
        self.faults = set(args.fault or [])
        self.seen = set()
        self.tokens = {}
        self.lock = threading.Lock()
        self.log = open(args.log, "a", buffering=1)

    def once(self, fault, path):
        """Whether a "once" fault is on and fires now: its first request
        for this path."""
        if fault not in self.faults:
            return False
        with self.lock:
            if (fault, path) in self.seen:
                return False
            self.seen.add((fault, path))
            return True


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def note(self):
        auth = self.headers.get("Authorization")
        S.log.write("%s %s range=%s auth=%s host=%s\n" % (
            self.command, self.path, self.headers.get("Range") or "-",
            auth.split(" ")[0] if auth else "-", self.headers.get("Host")))

    def reply(self, status, body=b"", headers=(), length=None):
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body) if length is None else length))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def upstream(self, path=None, headers=None):
        c = http.client.HTTPConnection(S.args.upstream_host, S.args.upstream_port, timeout=30)
        h = {k: v for k, v in self.headers.items()
             if k.lower() not in ("host", "authorization", "range", "connection")}
        h.update(headers or {})
        c.request(self.command, path or self.path, headers=h)
        r = c.getresponse()
        body = r.read()
        out = [(k, v) for k, v in r.getheaders() if k.lower() not in HOP]
        c.close()
        return r.status, out, body

    # --- the Bearer flow -------------------------------------------------
    def token(self):
        q = urllib.parse.urlparse(self.path).query
        form = urllib.parse.parse_qs(q)
        if self.command == "POST":
            n = int(self.headers.get("Content-Length") or 0)
            form = urllib.parse.parse_qs(self.rfile.read(n).decode())
        scope = (form.get("scope") or [""])[0]
        if form.get("service") != ["kiln-test"]:
            return self.reply(400, b'{"error":"bad service"}')
        if not self.token_creds_ok(form):
            return self.reply(401, b'{"error":"bad credentials"}')
        tok = secrets.token_hex(16)
        with S.lock:
            S.tokens[tok] = scope
        field = S.args.token_field
        return self.reply(200, ('{"%s":"%s","expires_in":300}' % (field, tok)).encode(),
                          [("Content-Type", "application/json")])

    def token_creds_ok(self, form):
        if S.args.identity_token and self.command == "POST":
            return (form.get("grant_type") == ["refresh_token"] and
                    form.get("refresh_token") == [S.args.identity_token])
        if S.args.bearer == "-":
            return True
        want = "Basic " + base64.b64encode(S.args.bearer.encode()).decode()
        return self.headers.get("Authorization") == want

    def bearer_ok(self, name):
        auth = self.headers.get("Authorization") or ""
        scope = S.tokens.get(auth[7:]) if auth.startswith("Bearer ") else None
        return scope is not None and (name is None or scope == "repository:%s:pull" % name)

    def challenge(self, name):
        realm = "http://127.0.0.1:%d/token" % S.port
        h = 'Bearer realm="%s",service="kiln-test"' % realm
        if name:
            h += ',scope="repository:%s:pull"' % name
        body = b'{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}'
        self.reply(401, body, [("WWW-Authenticate", h), ("Content-Type", "application/json")])

    # --- faults ----------------------------------------------------------
    def blob(self, name, digest):
        f = S.faults
        if S.once("503-once", self.path):
            return self.reply(503, b"busy")
        if S.once("reset-once", self.path):
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        if "redirect" in f:
            loc = "http://localhost:%d/_blob/%s/%s" % (S.port, name, digest)
            return self.reply(302, b"", [("Location", loc)])
        status, headers, body = self.upstream()
        if status != 200:
            return self.reply(status, body, headers)
        self.serve_blob(body, S.once("cut-once", self.path) or S.once("cut-norange", self.path))

    def serve_blob(self, body, cut_now):
        f = S.faults
        m = re.match(r"bytes=(\d+)-$", self.headers.get("Range") or "")
        if "wrong" in f:
            i = len(body) // 2
            body = body[:i] + bytes([body[i] ^ 1]) + body[i + 1:]
        if "short" in f:
            body = body[:-10]
        start = int(m.group(1)) if m and "cut-norange" not in f else 0
        part = body[start:]
        status, headers = 200, [("Content-Type", "application/octet-stream")]
        if start:
            status = 206
            headers.append(("Content-Range", "bytes %d-%d/%d" % (start, len(body) - 1, len(body))))
        if cut_now or "cut-always" in f:
            self.close_connection = True
            self.send_response(status)
            for k, v in headers:
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(part)))
            self.end_headers()
            self.wfile.write(part[:len(part) // 2])
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        self.reply(status, part, headers)

    def manifest(self, ref):
        f = S.faults
        status, headers, body = self.upstream()
        if "no-digest" in f:
            headers = [(k, v) for k, v in headers if k.lower() != "docker-content-digest"]
        if status == 200 and self.command == "GET" and ref.startswith("sha256:"):
            if "big-manifest" in f:
                body = b"{" + b" " * (5 << 20) + b"}"
            if "wrong-manifest" in f:
                body = body + b" "
        length = None
        if self.command == "HEAD":
            length = dict((k.lower(), v) for k, v in headers).get("content-length", 0)
        self.reply(status, body, headers, length)

    # --- dispatch --------------------------------------------------------
    def handle_any(self):
        self.note()
        path = urllib.parse.urlparse(self.path).path
        if path == "/token":
            return self.token()
        if path.startswith("/_blob/"):
            name, digest = path[len("/_blob/"):].rsplit("/", 1)
            status, headers, body = self.upstream("/v2/%s/blobs/%s" % (name, digest))
            return self.serve_blob(body, False) if status == 200 else self.reply(status, body, headers)
        b, m = BLOB.match(path), MANIFEST.match(path)
        name = (b or m).group(1) if (b or m) else None
        if S.args.bearer and not self.bearer_ok(name):
            return self.challenge(name)
        if b and self.command == "GET":
            return self.blob(*b.groups())
        if m:
            return self.manifest(m.group(2))
        status, headers, body = self.upstream()
        self.reply(status, body, headers)

    do_GET = do_HEAD = do_POST = handle_any


def main():
    global S
    p = argparse.ArgumentParser()
    p.add_argument("--upstream", required=True)
    p.add_argument("--port-file", required=True)
    p.add_argument("--log", required=True)
    p.add_argument("--bearer")
    p.add_argument("--token-field", default="token")
    p.add_argument("--identity-token")
    p.add_argument("--fault", action="append")
    p.add_argument("--bind", default="127.0.0.1")
    args = p.parse_args()
    u = urllib.parse.urlparse(args.upstream)
    args.upstream_host, args.upstream_port = u.hostname, u.port
    S = State(args)
    srv = http.server.ThreadingHTTPServer((args.bind, 0), Handler)
    srv.daemon_threads = True
    S.port = srv.server_address[1]
    # Written once the socket listens, renamed so a reader never sees half.
    with open(args.port_file + ".tmp", "w") as f:
        f.write("%d\n" % S.port)
    os.rename(args.port_file + ".tmp", args.port_file)
    srv.serve_forever()


if __name__ == "__main__":
    main()
