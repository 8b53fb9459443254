#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""http_abuse.py: hostile HTTP clients for the agent's tests and the soak.

  http_abuse.py slow PORT N SECONDS [--source ADDR] [--ready FILE]
      N connections that each send a request head one byte a second, for
      SECONDS; a connection the server closes is opened again. Prints
      "connects=C closed=K maxlife=S": how many connections were made, how
      many the server closed, and the longest time one of them stayed open
      while trickling (seconds).
  http_abuse.py idle PORT N SECONDS [--source ADDR] [--ready FILE]
      N connections that send nothing, held for SECONDS. Prints
      "open=O closed=K refused=R": still open at the end, closed by the
      server, failed to connect.
  http_abuse.py raw PORT DATA
      Sends DATA (Python escapes: \\r\\n) and prints the reply as a Python
      bytes repr, once the server closes (5 s at most). --bytewise: a byte
      every 2 ms, each in its own segment.
  http_abuse.py closed-after PORT [DATA]
      Connects, sends DATA, prints "SECONDS BYTES": the time from before the
      connection until the server closed it, and the bytes it sent ("timeout
      BYTES" if it kept it open 10 s).

--ready FILE is written once every connection has been attempted. All
loops are bounded by SECONDS; traffic goes to 127.0.0.1 only.
"""
import argparse
import select
import socket
import sys
import time

HEAD = b"GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: trickle\r\n" + \
    b"X-Pad: " + b"a" * 200 + b"\r\n\r\n"


def connect(port, source):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    if source:
        s.bind((source, 0))
    s.settimeout(2)
    s.connect(("127.0.0.1", port))
    s.setblocking(False)
    return s


def closed_by_server(s):
    """True if the server closed (or reset) s; drops any reply bytes."""
    try:
        data = s.recv(65536)
        return not data
    except BlockingIOError:
        return False
    except OSError:
        return True


def slow(a):
    end = time.monotonic() + a.seconds
    conns = {}          # socket -> (opened at, bytes sent)
    connects = closed = 0
    maxlife = 0.0

    def opennew():
        nonlocal connects
        try:
            s = connect(a.port, a.source)
        except OSError:
            return
        connects += 1
        conns[s] = (time.monotonic(), 0)

    for _ in range(a.n):
        opennew()
    if a.ready:
        open(a.ready, "w").close()
    while time.monotonic() < end:
        tick = time.monotonic()
        for s in list(conns):
            opened, sent = conns[s]
            gone = closed_by_server(s)
            if not gone:
                try:
                    s.send(HEAD[sent % len(HEAD):sent % len(HEAD) + 1])
                    conns[s] = (opened, sent + 1)
                except BlockingIOError:
                    pass
                except OSError:
                    gone = True
            if gone:
                closed += 1
                maxlife = max(maxlife, time.monotonic() - opened)
                s.close()
                del conns[s]
                opennew()
        for s, (opened, _) in conns.items():
            maxlife = max(maxlife, time.monotonic() - opened)
        time.sleep(max(0.0, 1.0 - (time.monotonic() - tick)))
    for s in conns:
        s.close()
    print("connects=%d closed=%d maxlife=%.1f" % (connects, closed, maxlife))


def idle(a):
    end = time.monotonic() + a.seconds
    conns = []
    refused = 0
    for _ in range(a.n):
        try:
            conns.append(connect(a.port, a.source))
        except OSError:
            refused += 1
    if a.ready:
        open(a.ready, "w").close()
    closed = set()
    while time.monotonic() < end:
        live = [s for s in conns if s not in closed]
        if not live:
            time.sleep(min(0.2, max(0.0, end - time.monotonic())))
            continue
        r, _, _ = select.select(live, [], [], min(0.2, max(0.0, end - time.monotonic())))
        for s in r:
            if closed_by_server(s):
                closed.add(s)
    print("open=%d closed=%d refused=%d" % (len(conns) - len(closed), len(closed), refused))
    for s in conns:
        s.close()


def exchange(port, text, timeout, bytewise=False):
    """Sends text (Python escapes) on a new connection, all at once or a
    byte every 2 ms; returns (reply bytes, how it ended: "closed",
    "timeout" or "reset")."""
    s = socket.create_connection(("127.0.0.1", port))
    s.settimeout(timeout)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    data = text.encode().decode("unicode_escape").encode("latin-1")
    if bytewise:
        for i in range(len(data)):
            s.sendall(data[i:i + 1])
            time.sleep(0.002)
    elif data:
        s.sendall(data)
    data = b""
    try:
        while True:
            b = s.recv(65536)
            if not b:
                return data, "closed"
            data += b
    except socket.timeout:
        return data, "timeout"
    except OSError:
        return data, "reset"
    finally:
        s.close()


def raw(a):
    data, end = exchange(a.port, a.data, 5, a.bytewise)
    if end != "closed":
        data += b"<" + end.encode() + b">"
    sys.stdout.write(repr(data))


def closed_after(a):
    t = time.monotonic()
    data, end = exchange(a.port, a.data, 10)
    if end == "timeout":
        print("timeout", len(data))
    else:
        print("%.3f %d" % (time.monotonic() - t, len(data)))


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    for name in ("slow", "idle"):
        q = sub.add_parser(name)
        q.add_argument("port", type=int)
        q.add_argument("n", type=int)
        q.add_argument("seconds", type=float)
        q.add_argument("--source")
        q.add_argument("--ready")
    q = sub.add_parser("raw")
    q.add_argument("port", type=int)
    q.add_argument("data")
    q.add_argument("--bytewise", action="store_true")
    q = sub.add_parser("closed-after")
    q.add_argument("port", type=int)
    q.add_argument("data", nargs="?", default="")
    a = p.parse_args()
    {"slow": slow, "idle": idle, "raw": raw, "closed-after": closed_after}[a.cmd](a)


if __name__ == "__main__":
    main()
