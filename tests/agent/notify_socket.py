#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""notify_socket.py SOCKET LOG: a stand-in for systemd's NOTIFY_SOCKET.

Binds an AF_UNIX datagram socket at SOCKET (a name in the abstract
namespace when it starts with '@', as systemd writes NOTIFY_SOCKET) and appends each datagram it
receives to LOG as one line, its assignments joined by " | " (sd_notify(3)
puts one per line), after "T=<CLOCK_MONOTONIC in us> ": the time it came,
to compare with MONOTONIC_USEC=. Runs until killed (sdnotify_test.sh).
"""
import os
import socket
import sys
import time


def main():
    path, log = sys.argv[1], sys.argv[2]
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind("\0" + path[1:] if path.startswith("@") else path)
    with open(log, "a", buffering=1) as out:
        while True:
            data = sock.recv(65536)
            now_us = time.clock_gettime_ns(time.CLOCK_MONOTONIC) // 1000
            text = data.decode("utf-8", "replace").strip("\n")
            out.write("T=%d %s\n" % (now_us, text.replace("\n", " | ")))
            out.flush()
            os.fsync(out.fileno())


if __name__ == "__main__":
    main()
