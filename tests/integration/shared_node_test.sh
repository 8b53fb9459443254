#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# shared_node_test.sh: separate xvirsh processes on one simulated node through
# the test driver's journal (test:///NODE?journal=PATH): a write call made by
# one process is seen by the next, as TAP.
#
# Environment: XVIRSH (the binary), XV_TEST_DATADIR (tests/data), XV_LIBVIRT
# ("xvirt" or "system"; the journal is xvirt's, so "system" skips).
set -u

: "${XVIRSH:?XVIRSH must name the xvirsh binary}"
: "${XV_TEST_DATADIR:?XV_TEST_DATADIR must name tests/data}"

# shellcheck source=../common/tap.sh
. "$(dirname "${BASH_SOURCE[0]}")/../common/tap.sh"

if [ "${XV_LIBVIRT:-xvirt}" = system ]; then
    skip_all "the shared test node is xvirt's test driver only"
fi

NODE=test://$XV_TEST_DATADIR/xvirsh/node.xml
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
URI="$NODE?journal=$TMP/journal"

unset XVIRSH_DEFAULT_CONNECT_URI LIBVIRT_DEFAULT_URI
export LC_ALL=C

# xv ARGS...: one xvirsh process; stdout in $TMP/out, stderr in $TMP/err.
xv() {
    "$XVIRSH" "$@" >"$TMP/out" 2>"$TMP/err" </dev/null
    RC=$?
}

# expect NAME REGEX ARGS...: a new xvirsh process succeeds and prints a
# line matching REGEX.
expect() {
    local name=$1 regex=$2
    shift 2
    xv "$@"
    if [ "$RC" -ne 0 ]; then
        not_ok "$name: exit status $RC" "$TMP/err"
    elif ! grep -Eq -- "$regex" "$TMP/out"; then
        not_ok "$name: no line matches '$regex'" "$TMP/out"
    else
        ok "$name"
    fi
}

# vcpu_field VCPU FIELD: the FIELD of VCPU in the vcpuinfo output in $TMP/out.
vcpu_field() {
    awk -v v="$1" -v f="$2:" \
        '$1 == "VCPU:" { cur = $2 } cur == v && index($0, f) == 1 { print $NF }' "$TMP/out"
}

# ---- destroy, start ----------------------------------------------------------

expect "destroy in one process" "destroyed" -c "$URI" destroy web01
expect "list --all in another shows it shut off" '^ -  +web01 +shut off$' -c "$URI" list --all
expect "dominfo in another shows it shut off" '^State: +shut off$' -c "$URI" dominfo web01
expect "start in a third process" "started" -c "$URI" start web01
expect "dominfo in another shows it running" '^State: +running$' -c "$URI" dominfo web01
expect "with a new ID" '^Id: +5$' -c "$URI" dominfo web01

# ---- vcpupin, setmem ------------------------------------------------------------

expect "vcpupin in one process" "" -c "$URI" vcpupin web01 1 5
xv -c "$URI" vcpuinfo web01
aff=$(vcpu_field 1 "CPU Affinity")
if [ "$RC" -eq 0 ] && [ "$aff" = "-----y--" ]; then
    ok "vcpuinfo in another shows the affinity"
else
    not_ok "vcpuinfo in another shows the affinity: '$aff'" "$TMP/out"
fi
expect "setmem in one process" "" -c "$URI" setmem web01 262144
expect "dominfo in another shows the memory" '^Used memory: +262144 KiB$' -c "$URI" dominfo web01

# ---- only the journal's processes share -------------------------------------------

expect "a process without the journal has the node file's state" '^Id: +1$' \
    -c "$NODE" dominfo web01
if [ "$(sed -n 1p "$TMP/journal")" = "XvirtTestJournal 1" ] &&
   [ "$(grep -Ec '^[0-9]+ virDomain' "$TMP/journal")" -eq 4 ]; then
    ok "the journal has a header and the four write calls"
else
    not_ok "the journal has a header and the four write calls" "$TMP/journal"
fi

xv -c "$NODE?journal=journal" list
if [ "$RC" -ne 0 ] && grep -q "must be absolute" "$TMP/err"; then
    ok "a relative journal path is refused"
else
    not_ok "a relative journal path is refused (exit $RC)" "$TMP/err"
fi

done_testing
