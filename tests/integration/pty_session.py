#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""pty_session.py: runs a program on a pseudo-terminal and types into it.

Usage: pty_session.py TRANSCRIPT -- STEP... -- PROGRAM [ARG...]
Each STEP is EXPECT=>KEYS: wait until the output since the last step holds
EXPECT (a literal string; empty: do not wait), then type KEYS (Python
escapes: \\r, \\t, \\x01 ...). After the steps, the program runs to its end.
The whole output goes to TRANSCRIPT. Exit status: the program's, or 124 when
an EXPECT or the end never comes (the limit is only a guard against hanging:
every wait ends as soon as the text is there, whatever the machine's speed).
"""
import os
import pty
import select
import sys
import time

GUARD_SECONDS = 120


def main():
    args = sys.argv[1:]
    transcript = args.pop(0)
    assert args.pop(0) == '--'
    split = args.index('--')
    steps = [s.split('=>', 1) for s in args[:split]]
    argv = args[split + 1:]

    pid, fd = pty.fork()
    if pid == 0:
        os.execvp(argv[0], argv)
    out = bytearray()
    mark = 0
    status = 0

    def read_more(deadline):
        r, _, _ = select.select([fd], [], [], max(0.0, deadline - time.monotonic()))
        if not r:
            return False
        try:
            data = os.read(fd, 4096)
        except OSError:     # EIO: the program closed the terminal
            return None
        if not data:
            return None
        out.extend(data)
        return True

    try:
        for expect, keys in steps:
            want = expect.encode()
            deadline = time.monotonic() + GUARD_SECONDS
            while want not in out[mark:]:
                got = read_more(deadline)
                if not got:
                    sys.stderr.write('pty_session: never saw %r\n' % expect)
                    status = 124
                    raise StopIteration
            mark = out.index(want, mark) + len(want) if want else len(out)
            os.write(fd, keys.encode().decode('unicode_escape').encode('latin-1'))
        deadline = time.monotonic() + GUARD_SECONDS
        while True:
            got = read_more(deadline)
            if got is None:
                break
            if got is False:
                sys.stderr.write('pty_session: the program did not end\n')
                status = 124
                raise StopIteration
    except StopIteration:
        os.kill(pid, 9)
    _, wstatus = os.waitpid(pid, 0)
    with open(transcript, 'wb') as f:
        f.write(out)
    if status == 0:
        status = os.waitstatus_to_exitcode(wstatus)
    return status


if __name__ == '__main__':
    sys.exit(main())
