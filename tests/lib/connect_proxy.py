#!/usr/bin/env python3
"""tests/lib/connect_proxy.py: a minimal HTTP CONNECT proxy on 127.0.0.1 for keydrop's tests.
Prints "listening PORT" once listening. Appends "CONNECT host:port" to --log for every tunnel, so a
test can tell whether keydrop went through the proxy. --refuse answers 403 to every CONNECT."""
import argparse
import select
import socket
import threading

ap = argparse.ArgumentParser()
ap.add_argument("--log", required=True)
ap.add_argument("--refuse", action="store_true")
args = ap.parse_args()
lock = threading.Lock()


def relay(a, b):
    socks = [a, b]
    try:
        while True:
            r, _, _ = select.select(socks, [], [], 60)
            if not r:
                return
            for s in r:
                d = s.recv(65536)
                if not d:
                    return
                (b if s is a else a).sendall(d)
    except Exception:
        pass


def handle(c):
    up = None
    try:
        buf = b""
        while b"\r\n\r\n" not in buf:
            d = c.recv(4096)
            if not d:
                return
            buf += d
        line = buf.split(b"\r\n", 1)[0].decode("latin-1")
        parts = line.split(" ")
        with lock:
            with open(args.log, "a") as f:
                f.write(" ".join(parts[:2]) + "\n")
        if parts[0] != "CONNECT" or args.refuse:
            c.sendall(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n")
            return
        hp = parts[1]
        host, port = hp.rsplit(":", 1)
        host = host.strip("[]")
        up = socket.create_connection((host, int(port)), timeout=10)
        c.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
        relay(c, up)
    except Exception:
        try:
            c.sendall(b"HTTP/1.1 502 Bad Gateway\r\n\r\n")
        except Exception:
            pass
    finally:
        c.close()
        if up:
            up.close()


ls = socket.socket()
ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
ls.bind(("127.0.0.1", 0))
ls.listen(16)
print("listening %d" % ls.getsockname()[1], flush=True)
while True:
    c, _ = ls.accept()
    threading.Thread(target=handle, args=(c,), daemon=True).start()
