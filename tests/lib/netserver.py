#!/usr/bin/env python3
"""tests/lib/netserver.py: a scriptable HTTPS (or HTTP) server for keydrop's network tests.

Loopback only. Prints "listening PORT" on stdout once the socket listens (tests read that line
from a FIFO instead of sleeping). Routes come from a JSON file:
  {"/path": [RESPONSE, RESPONSE, ...]}   consumed one per request; the last one repeats
RESPONSE: {"status": 200, "headers": [["Name", "value"]], "body": "text", "mode": "normal"}
modes:
  normal           Content-Length, body, close_notify, close
  truncate         Content-Length larger than the body by "extra" (default 100), close_notify
  no_close_notify  no Content-Length (read until close), body, then TCP close WITHOUT close_notify
  eof_body         no Content-Length, body, close_notify (a valid read-until-close body)
  big              "size" bytes of 'A' with Content-Length
  endless_chunked  chunks until the client goes away
  slow             the response one byte per second (slowloris) until the client goes away
  bad_chunk        Transfer-Encoding: chunked with an invalid chunk size line
  big_header       a 9000-byte header line
"delay": S waits S seconds before answering (a slow server).
"conditional": true answers 304 (no body) when the request's If-None-Match equals the ETag header.
"when": "Name: value" (a credential check): a route whose responses carry "when" answers with the
first one whose header line the request holds, else 401; the consume-one-per-request order is
not used for such a route.
"body_file": PATH reads the body from PATH at each request (a missing file answers 404), with an
ETag made from its bytes and 304 for a matching If-None-Match: a key server whose keys a test edits.
"body_dir": DIR does the same with DIR/<the path's last component> (e.g. one file per user).
"{PORT}" in header values and bodies is replaced by the server's port.
Every request head is appended to --log (one line: "PATH\tHeader: v\tHeader: v...").
"""
import argparse
import hashlib
import json
import os
import socket
import ssl
import sys
import threading
import time

ap = argparse.ArgumentParser()
ap.add_argument("--cert")
ap.add_argument("--key")
ap.add_argument("--host", default="127.0.0.1")
ap.add_argument("--port", type=int, default=0, help="0: the kernel picks (a restarted server keeps its URL)")
ap.add_argument("--plain", action="store_true")
ap.add_argument("--tls13-only", action="store_true")
ap.add_argument("--ciphers", help="OpenSSL TLS 1.2 cipher list (e.g. to force ChaCha20)")
ap.add_argument("--routes", required=True)
ap.add_argument("--log", default=os.devnull)
args = ap.parse_args()

with open(args.routes) as f:
    routes = json.load(f)
counters = {}
lock = threading.Lock()

ctx = None
if not args.plain:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(args.cert, args.key)
    if args.tls13_only:
        ctx.minimum_version = ssl.TLSVersion.TLSv1_3
    if args.ciphers:
        ctx.maximum_version = ssl.TLSVersion.TLSv1_2
        ctx.set_ciphers(args.ciphers)

fam = socket.AF_INET6 if ":" in args.host else socket.AF_INET
ls = socket.socket(fam, socket.SOCK_STREAM)
ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
ls.bind((args.host, args.port))
ls.listen(64)
port = ls.getsockname()[1]


def sub(s):
    return s.replace("{PORT}", str(port))


def pick(path, lines):
    with lock:
        seq = routes.get(path) or routes.get("*")
        if not seq:
            return {"status": 404, "body": "not found\n"}
        if any("when" in r for r in seq):
            for r in seq:
                if r.get("when") in lines:
                    return r
            return {"status": 401, "body": "bad credentials\n"}
        i = counters.get(path, 0)
        counters[path] = i + 1
        return seq[min(i, len(seq) - 1)]


def head_bytes(status, headers):
    lines = ["HTTP/1.1 %d X" % status] + ["%s: %s" % (k, sub(v)) for k, v in headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def finish(conn, notify=True):
    try:
        if notify and ctx is not None:
            conn = conn.unwrap()
    except Exception:
        pass
    try:
        conn.close()
    except Exception:
        pass


def handle(raw):
    conn = raw
    try:
        raw.settimeout(30)
        if ctx is not None:
            conn = ctx.wrap_socket(raw, server_side=True)
        buf = b""
        while b"\r\n\r\n" not in buf:
            d = conn.recv(4096)
            if not d:
                return
            buf += d
            if len(buf) > 65536:
                return
        head = buf.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
        path = head[0].split(" ")[1] if len(head[0].split(" ")) > 1 else "/"
        with lock:
            with open(args.log, "a") as lf:
                lf.write(path + "\t" + "\t".join(head[1:]) + "\n")
        r = pick(path, head[1:])
        mode = r.get("mode", "normal")
        status = r.get("status", 200)
        body = sub(r.get("body", "")).encode()
        hdrs = [tuple(h) for h in r.get("headers", [])]
        bfile = r.get("body_file")
        if r.get("body_dir"):
            leaf = os.path.basename(path.split("?")[0])
            bfile = os.path.join(r["body_dir"], leaf) if leaf and not leaf.startswith(".") else "/nonexistent"
        if bfile:
            try:
                with open(bfile, "rb") as bf:
                    body = bf.read()
                hdrs.append(("ETag", '"%s"' % hashlib.sha256(body).hexdigest()[:16]))
                r = dict(r, conditional=True)
            except FileNotFoundError:
                status, body, hdrs = 404, b"not found\n", []
        etag = dict((k.lower(), v) for k, v in hdrs).get("etag")
        if r.get("delay"):
            time.sleep(r["delay"])  # a slow server: answers after "delay" seconds
        if r.get("conditional") and etag and ("If-None-Match: " + etag) in head[1:]:
            status, body = 304, b""  # a real server's revalidation
        if mode == "normal":
            conn.sendall(head_bytes(status, hdrs + [("Content-Length", str(len(body)))]) + body)
            finish(conn)
        elif mode == "truncate":
            extra = r.get("extra", 100)
            conn.sendall(head_bytes(status, hdrs + [("Content-Length", str(len(body) + extra))]) + body)
            finish(conn)
        elif mode == "no_close_notify":
            conn.sendall(head_bytes(status, hdrs) + body)
            # close the TCP connection under TLS: no close_notify alert
            try:
                raw.shutdown(socket.SHUT_RDWR)
            except Exception:
                pass
            raw.close()
        elif mode == "eof_body":
            conn.sendall(head_bytes(status, hdrs) + body)
            finish(conn)
        elif mode == "big":
            n = r.get("size", 2 << 20)
            conn.sendall(head_bytes(status, hdrs + [("Content-Length", str(n))]))
            chunk = b"A" * 65536
            sent = 0
            while sent < n:
                k = min(len(chunk), n - sent)
                conn.sendall(chunk[:k])
                sent += k
            finish(conn)
        elif mode == "endless_chunked":
            conn.sendall(head_bytes(status, hdrs + [("Transfer-Encoding", "chunked")]))
            piece = b"4000\r\n" + b"B" * 0x4000 + b"\r\n"
            while True:
                conn.sendall(piece)
        elif mode == "slow":
            data = head_bytes(status, hdrs + [("Content-Length", str(len(body)))]) + body
            for i in range(len(data)):
                conn.sendall(data[i:i + 1])
                time.sleep(1)
            finish(conn)
        elif mode == "bad_chunk":
            conn.sendall(head_bytes(status, hdrs + [("Transfer-Encoding", "chunked")]) + b"zz\r\nhello\r\n0\r\n\r\n")
            finish(conn)
        elif mode == "big_header":
            conn.sendall(head_bytes(status, hdrs + [("X-Big", "x" * 9000), ("Content-Length", str(len(body)))]) + body)
            finish(conn)
    except Exception:
        pass
    finally:
        try:
            raw.close()
        except Exception:
            pass


print("listening %d" % port, flush=True)
while True:
    c, _ = ls.accept()
    threading.Thread(target=handle, args=(c,), daemon=True).start()
