#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# xvirsh_valgrind_test.sh: xvirsh runs under valgrind: no leaks, no memory errors (TAP).
#
# Environment: XVIRSH (the binary), XV_TEST_DATADIR (tests/data).
# Every run must exit with xvirsh's own status (0 or 1): valgrind exits 99
# on any memory error or any definite, indirect or possible leak.
set -u

: "${XVIRSH:?XVIRSH must name the xvirsh binary}"
: "${XV_TEST_DATADIR:?XV_TEST_DATADIR must name tests/data}"

DATA=$XV_TEST_DATADIR/xvirsh
DEFAULT=test:///default
NODE=test://$DATA/node.xml
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
unset XVIRSH_DEFAULT_CONNECT_URI LIBVIRT_DEFAULT_URI

# shellcheck source=../common/tap.sh
. "$(dirname "${BASH_SOURCE[0]}")/../common/tap.sh"

# vg NAME WANT-STATUS ARGS...
vg() {
    local name=$1 want=$2 rc
    shift 2
    if [ -z "$VALGRIND" ]; then
        skip "$name" "valgrind not found"
        return
    fi
    "$VALGRIND" -q --leak-check=full --show-leak-kinds=definite,indirect,possible \
        --errors-for-leak-kinds=definite,indirect,possible --error-exitcode=99 \
        --log-file="$TMP/vg.log" "$XVIRSH" "$@" >"$TMP/out" 2>"$TMP/err" </dev/null
    rc=$?
    if [ "$rc" -eq "$want" ] && [ ! -s "$TMP/vg.log" ]; then
        ok "$name"
        return
    fi
    not_ok "$name: exit status $rc, want $want" "$(cat "$TMP/vg.log" "$TMP/err" | head -n 60)"
}

VALGRIND=$(command -v valgrind || true)

vg queries-default 0 -c "$DEFAULT" \
    "list; list --all; dominfo test; domstate test; domid test; domname 1;
     domuuid test; vcpuinfo test; vcpupin test; nodeinfo; version; dumpxml test"
vg queries-node 0 -c "$NODE" \
    "list --all; list --inactive; dominfo backup; dominfo batch; vcpuinfo database-primary;
     domid backup; domstate 8f1c2a3e-5b6d-4e7f-8091-a2b3c4d5e604"
vg lifecycle 0 -c "$NODE" \
    "suspend web01; resume web01; shutdown cache; start cache; reboot web01;
     destroy database-primary; start database-primary; list --all"
vg define-create 0 -c "$NODE" \
    "create $DATA/scratch.xml; define $DATA/newdom.xml; start newdom; destroy scratch;
     undefine newdom; destroy newdom; list --all"
vg save-restore 0 -c "$NODE" "save web01 $TMP/web01.save; restore $TMP/web01.save; list"
vg vcpus-memory 0 -c "$NODE" \
    "setvcpus database-primary 2; vcpupin database-primary 1 0-3,^2,5;
     vcpupin database-primary 0 r; vcpuinfo database-primary;
     setmem web01 256M; setmaxmem backup 2G; dominfo web01"
vg memory-stats 0 -c "$DEFAULT" "freecell; dommemstat test; setmem test 1G; dommemstat 1"
vg memory-stats-inactive 1 -c "$NODE" "freecell; dommemstat web01; dommemstat backup"
vg device-lists 0 -c "$DEFAULT" "domblklist test; domblklist test --details; domiflist test"
vg device-stats 0 -c "test://$DATA/node-io.xml" \
    "domblkstat web01 xvda; domblkstat web01 /dev/vg0/web01-data --human;
     domifstat web01 00:16:3e:00:00:01; nodecpustats; nodecpustats --cpu 1"
vg device-stats-errors 1 -c "test://$DATA/node-io.xml" \
    "domblkstat web01 xvdz; domifstat web01 eth9; domblkstat backup xvda;
     nodecpustats --cpu 4; nodecpustats --cpu x"
vg argv-mode 0 -c "$NODE" vcpupin --domain web01 --vcpu 0 --cpulist 1
vg nodedump 0 -c "test://$DATA/nodedump-node.xml" \
    "nodedump --samples 2 --interval 0ms; nodedump --samples 2 --interval 10ms --file $TMP/dump.xml"
vg nodedump-of-a-dump 0 -c "test://$TMP/dump.xml" "nodedump --samples 2 --interval 0ms"
vg nodedump-errors 1 -c "$NODE" \
    "nodedump --samples 1; nodedump --interval 5; nodedump --file $TMP/none/dump.xml;
     nodedump --samples 2 --interval 0ms --file $TMP"
vg unknown-domain 1 -c "$NODE" dominfo nosuch
vg readonly-denied 1 -r -c "$NODE" "destroy web01; setmem web01 1G; vcpupin web01 0 1"
vg bad-arguments 1 -c "$NODE" \
    "vcpupin web01 0 abc; vcpupin web01 0 99; setmem web01 12X; setvcpus web01 0;
     vcpuinfo backup; create $TMP/none.xml; restore $TMP/none; start web01"
vg parse-error 1 -c "$NODE" "list; domstate web01 extra"
vg unknown-command 1 -c "$NODE" bogus
vg connect-failure 1 -c bogus:///nowhere list
vg help 0 "help; help vcpupin; help domain"
vg complete 0 -c "$NODE" "complete -- dominfo ''; complete vcpupin --domain=w; complete -- list --"
vg complete-argv 0 -q -c bogus:///nowhere complete -- start --domain ''

# Interactive mode on a terminal, with the line editor (Tab completion, the
# history and its file): typed in on a pty (tests/integration/pty_session.py).
if [ -z "$VALGRIND" ]; then
    skip "interactive-editor" "valgrind not found"
elif ! "$XVIRSH" -V | grep -q Editline; then
    skip "interactive-editor" "xvirsh is built without libedit"
else
    mkdir -p "$TMP/home"
    env TERM=dumb HOME="$TMP/home" python3 "$(dirname "${BASH_SOURCE[0]}")/pty_session.py" \
        "$TMP/pty.log" -- 'xvirsh # =>domin\tte\t\r' 'Name:=>\x10\r' 'Name:=>quit\r' -- \
        "$VALGRIND" -q --leak-check=full --show-leak-kinds=definite,indirect,possible \
        --errors-for-leak-kinds=definite,indirect,possible --error-exitcode=99 \
        --log-file="$TMP/vg.log" "$XVIRSH" -c "$DEFAULT" >"$TMP/err" 2>&1
    rc=$?
    if [ "$rc" -eq 0 ] && [ ! -s "$TMP/vg.log" ]; then
        ok "interactive-editor"
    else
        not_ok "interactive-editor: exit status $rc" \
            "$(cat "$TMP/vg.log" "$TMP/err" "$TMP/pty.log" | head -n 60)"
    fi
fi

done_testing
