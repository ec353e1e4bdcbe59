#!/usr/bin/env python3
"""tests/lib/tcp_relay.py HOST PORT: one TCP connection to HOST:PORT, relayed to stdin/stdout.

For qemu's user network: `guestfwd=tcp:IP:PORT-cmd:python3 tcp_relay.py 127.0.0.1 SERVERPORT`
runs it once per guest connection with stdin and stdout on that connection. (The other form,
`...-tcp:HOST:PORT`, is a chardev: qemu connects once when it starts and forwards one guest
connection only, so a second request of the guest hangs.) stderr is the guest's connection too:
nothing is ever printed. Guest EOF: a half-close towards the server, whose answer still flows;
server EOF: the process ends, which closes the guest's side.
"""
import os
import select
import socket
import sys


def main():
    try:
        srv = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=10)
    except (OSError, IndexError, ValueError):
        return 1
    srv.settimeout(None)
    guest_open = True
    while True:
        want = [srv] + ([0] if guest_open else [])
        ready, _, _ = select.select(want, [], [])
        if 0 in ready:
            data = os.read(0, 65536)
            if data:
                srv.sendall(data)
            else:
                guest_open = False
                srv.shutdown(socket.SHUT_WR)
        if srv in ready:
            data = srv.recv(65536)
            if not data:
                return 0
            view = memoryview(data)
            while view:
                view = view[os.write(1, view):]


if __name__ == "__main__":
    try:
        sys.exit(main())
    except OSError:
        sys.exit(1)
