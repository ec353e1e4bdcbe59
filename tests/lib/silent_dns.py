#!/usr/bin/env python3
"""tests/lib/silent_dns.py: a DNS server that never answers (UDP and TCP port 53 on 127.0.0.1), for
resolver-deadline tests in a private network namespace. Prints "listening 53" once bound."""
import socket
import sys

u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u.bind(("127.0.0.1", 53))
t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
t.bind(("127.0.0.1", 53))
t.listen(8)
print("listening 53", flush=True)
n = 0
while True:
    u.recvfrom(4096)  # swallow every query
    n += 1
    print("query %d" % n, flush=True)
