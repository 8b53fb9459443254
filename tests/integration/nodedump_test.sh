#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# nodedump_test.sh: "xvirsh nodedump" on the test driver (TAP). A host
# (tests/data/xvirsh/nodedump-node.xml: loads, memory demands, a pinned
# vcpu, a paused, a crashed and a shut-off domain, host memory, I/O) is
# captured, and its copy opened with test:/// must show what the host
# shows: list, dominfo, vcpuinfo, freecell, dommemstat, the CPU times
# left out (the copy's clock starts again from 0). The measured loads,
# demands and I/O rates must be the host's; a capture of the copy must
# give the same node again; errors leave nothing written.
#
# Time: the host's clock runs at real time (rate 1), so that CPU time
# moves between the samples; nodedump times every reading on the host's
# own clock (its pCPU times), so a loaded machine changes how long the
# samples take, not what they measure.
#
# Environment: XVIRSH (the binary), XV_TEST_DATADIR (tests/data),
# XV_LIBVIRT ("system": xvirsh is linked with libvirt, whose test driver
# has none of this; skipped).
set -u

: "${XVIRSH:?XVIRSH must name the xvirsh binary}"
: "${XV_TEST_DATADIR:?XV_TEST_DATADIR must name tests/data}"

HOSTFILE=$XV_TEST_DATADIR/xvirsh/nodedump-node.xml
HOST=test://$HOSTFILE
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
DUMP=$TMP/dump.xml
COPY=test://$DUMP

unset XVIRSH_DEFAULT_CONNECT_URI LIBVIRT_DEFAULT_URI
export LC_ALL=C

# shellcheck source=../common/tap.sh
. "$(dirname "${BASH_SOURCE[0]}")/../common/tap.sh"

[ "${XV_LIBVIRT:-xvirt}" = system ] &&
    skip_all "xvirsh is linked with the system libvirt, whose test driver has no xvirt settings"

# xv ARGS...: runs xvirsh quietly; RC, $TMP/out and $TMP/err.
xv() {
    "$XVIRSH" -q "$@" >"$TMP/out" 2>"$TMP/err" </dev/null
    RC=$?
}

# ---- The capture ------------------------------------------------------------

xv -c "$HOST" nodedump --samples 3 --interval 200ms --file "$DUMP"
if [ "$RC" -ne 0 ] || [ -s "$TMP/err" ] || [ ! -s "$DUMP" ]; then
    bail_out "nodedump failed (status $RC): $(head -n 5 "$TMP/err")"
fi
ok "nodedump writes the node file, nothing on stderr"
is "with --file, stdout is empty" "$(cat "$TMP/out")" ""
is "nothing else is left in the directory" "$(ls -A "$TMP" | grep -v -e '^out$' -e '^err$')" \
    "dump.xml"

# ---- The copy shows what the host shows -------------------------------------

# view URI COMMAND: the output of COMMAND (stdout, stderr, status) on URI,
# without the CPU time lines: the copy's CPU times restart from 0, and
# xvirsh leaves the line out while it is 0.
view() {
    xv -c "$1" "$2"
    sed '/^CPU time:/d' "$TMP/out"
    sed -E 's/^/stderr: /' "$TMP/err"
    echo "status $RC"
}

# same_view COMMAND: COMMAND shows the same on the host and on the copy.
same_view() {
    view "$HOST" "$1" >"$TMP/host.view"
    view "$COPY" "$1" >"$TMP/copy.view"
    if diff -u "$TMP/host.view" "$TMP/copy.view" >"$TMP/view.diff"; then
        ok "copy: $1"
    else
        not_ok "copy: $1" "$TMP/view.diff"
    fi
}

DOMAINS=$("$XVIRSH" -q -c "$HOST" list --all | awk 'NF { print $2 }')
is "the host has its six domains" "$(echo $DOMAINS)" "web db frozen crashy app spare"
same_view "list --all"
same_view "freecell"
for dom in $DOMAINS; do
    same_view "dominfo $dom"
    same_view "vcpuinfo $dom"
    same_view "dommemstat $dom"
done

# ---- What the samples measured ------------------------------------------------

# settings DOMAIN ELEMENT: the lines of the <xvirt:ELEMENT> settings of
# DOMAIN in the dump, each as its attributes "name=value ..." (quotes and
# namespace declarations gone).
settings() {
    awk -v dom="$1" -v el="xvirt:$2" '
        /<name>/ { gsub(/.*<name>|<\/name>.*/, ""); name = $0; next }
        name == dom && index($0, "<" el " ") {
            sub(/^ *<[^ ]+ /, ""); sub(/ *\/>$/, ""); gsub(/xmlns:[a-z]+=[^ ]+ */, "")
            gsub(/["'\'']/, ""); print
        }' "$DUMP"
}

# attr LINE NAME: the value of NAME in a settings line.
attr() {
    printf '%s\n' "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"
}

# load_is DOMAIN VCPU WANT: the dumped load of the vcpu is WANT +- 0.02.
load_is() {
    local line got
    line=$(settings "$1" vcpu-load | grep "^vcpu=$2 ")
    got=$(attr "$line" load)
    if [ -n "$got" ] && awk -v g="$got" -v w="$3" 'BEGIN { exit !(g - w <= 0.02 && w - g <= 0.02) }'
    then
        ok "load of $1 vcpu $2: $got (host: $3)"
    else
        not_ok "load of $1 vcpu $2: '$got', want $3 +- 0.02" "$(settings "$1" vcpu-load)"
    fi
}
load_is web 0 0.35
load_is web 1 0.8
load_is db 0 0.6
load_is db 1 0.6
load_is db 2 0.6
load_is db 3 0.05
load_is app 0 0.5
# the paused and crashed domains did not run: their own settings stay
is "frozen keeps its load setting (it did not run)" "$(settings frozen vcpu-load)" \
    "vcpu=all load=0.9"
is "crashy keeps its load setting (it did not run)" "$(settings crashy vcpu-load)" \
    "vcpu=all load=0.3"
is "spare (shut off) keeps its definition" "$(settings spare vcpu-load)" "vcpu=all load=0.25"

is "memory demand of web" "$(settings web memory-demand)" "kib=700000"
is "memory demand of db" "$(settings db memory-demand)" "kib=2500000"
is "no demand where the guest reports none" "$(settings app memory-demand)" ""
is "db's vcpus keep their affinity: the domain's cpuset, vcpu 1 its own" \
    "$(settings db vcpupin | tr '\n' ';')" \
    "vcpu=0 cpuset=0-7;vcpu=1 cpuset=2-3;vcpu=2 cpuset=0-7;vcpu=3 cpuset=0-7;"
is "no pin where the affinity is the whole node" "$(settings web vcpupin)" ""
like "the host's memory outside the domains" "$DUMP" "<xvirt:host-used at='0' kib='2097152'/>"
like "paused is runstate 3" "$DUMP" "<test:runstate>3</test:runstate>"
like "crashed is runstate 6" "$DUMP" "<test:runstate>6</test:runstate>"
like "shut off is runstate 5" "$DUMP" "<test:runstate>5</test:runstate>"
like "the IDs are kept" "$DUMP" '<domain type="xen" id="6">'

# rate_is DOMAIN DEVICE FIELD WANT: the dumped rate is WANT, +- 5% (a
# stall inside a call's clock bracket) and the one-count steps of integer
# counters over the samples' 0.4 s (2.5/s).
rate_is() {
    local line got
    line=$(settings "$1" io | grep "^device=$2 ")
    got=$(attr "$line" "$3")
    if [ -n "$got" ] && awk -v g="$got" -v w="$4" \
        'BEGIN { d = g - w; if (d < 0) d = -d; exit !(d <= w / 20 + 3) }'; then
        ok "I/O of $1 $2 $3: $got (host: $4)"
    else
        not_ok "I/O of $1 $2 $3: '$got', want $4" "$(settings "$1" io)"
    fi
}
rate_is web xvda rd-req 200
rate_is web xvda rd-bytes 8192000
rate_is web xvda wr-req 50
rate_is web xvda wr-bytes 2048000
rate_is web xvda errs 0
rate_is web vif1.0 rx-bytes 500000
rate_is web vif1.0 rx-packets 400
rate_is web vif1.0 tx-bytes 1000000
rate_is web vif1.0 tx-packets 800
rate_is web vif1.0 tx-drop 0
rate_is db xvda rd-bytes 40960000
rate_is db xvda wr-req 300

# ---- A capture of the copy is the same node -----------------------------------

# shape FILE: FILE without its comment, and with the measured numbers (loads
# and I/O rates) as N; numbers FILE: those numbers, "name value" a line.
shape() {
    sed -e '/^<!--$/,/^-->$/d' \
        -e "/<xvirt:\(vcpu-load\|io\) /s/\([a-z-]*\)='[0-9.]*'/\1='N'/g" "$1"
}
numbers() {
    grep -E "<xvirt:(vcpu-load|io) " "$1" | grep -oE "[a-z-]+='[0-9.]+'" |
        grep -v -e '^vcpu=' | sed -E "s/(.*)='(.*)'/\1 \2/"
}

xv -c "$COPY" nodedump --samples 3 --interval 200ms --file "$TMP/dump2.xml"
is "nodedump of the copy: status, stderr" "$RC $(cat "$TMP/err")" "0 "
if diff -u <(shape "$DUMP") <(shape "$TMP/dump2.xml") >"$TMP/shape.diff"; then
    ok "the copy's capture is the same node (comment and measured numbers aside)"
else
    not_ok "the copy's capture is the same node" "$TMP/shape.diff"
fi
paste <(numbers "$DUMP") <(numbers "$TMP/dump2.xml") >"$TMP/pairs"
if [ -s "$TMP/pairs" ] && awk '
        { d = $2 - $4; if (d < 0) d = -d; if ($1 == "load" ? d > 0.02 : d > $2 / 20 + 3) bad = 1 }
        END { exit bad }' "$TMP/pairs"; then
    ok "and its loads and rates are the first capture's (loads +- 0.02, rates +- 5%)"
else
    not_ok "and its loads and rates are the first capture's" "$TMP/pairs"
fi

# ---- stdout ---------------------------------------------------------------------

xv -c "$HOST" nodedump --samples 2 --interval 0ms
cp "$TMP/out" "$TMP/stdout.xml"
view "$HOST" "list --all" >"$TMP/host.view"
view "test://$TMP/stdout.xml" "list --all" >"$TMP/copy.view"
if [ "$RC" -eq 0 ] && diff -u "$TMP/host.view" "$TMP/copy.view" >"$TMP/view.diff"; then
    ok "without --file the node goes to stdout, and reads back"
else
    not_ok "without --file the node goes to stdout, and reads back" "$TMP/view.diff"
fi

# ---- Errors -----------------------------------------------------------------------

# fails NAME STDERR-REGEX ARGS...: xvirsh ARGS fails with status 1, prints
# nothing on stdout, and its first stderr line matches.
fails() {
    local name=$1 want=$2
    shift 2
    xv "$@"
    if [ "$RC" -eq 1 ] && [ ! -s "$TMP/out" ] && head -n 1 "$TMP/err" | grep -Eq -- "^$want\$"
    then
        ok "$name"
    else
        not_ok "$name" "status $RC, stdout:" "$TMP/out" "stderr:" "$TMP/err"
    fi
}

echo "the old dump" >"$TMP/old.xml"
fails "--samples 1 is refused: loads need two" \
    "error: --samples 1: at least 2 samples are needed \(loads and rates are measured between two\)" \
    -c "$HOST" nodedump --samples 1 --file "$TMP/old.xml"
fails "--samples 0 is refused" "error: --samples 0: at least 2 .*" \
    -c "$HOST" nodedump --samples 0
fails "--samples past 100000 is refused" "error: --samples 100001: at most 100000 samples" \
    -c "$HOST" nodedump --samples 100001
fails "--samples x is malformed" \
    "error: Numeric value 'x' for <samples> option is malformed or out of range" \
    -c "$HOST" nodedump --samples x
fails "--interval must be a duration" \
    "error: --interval '5' is not a duration from 0ms to 24h, such as 500ms, 2s or 1m" \
    -c "$HOST" nodedump --interval 5
fails "--interval of more than a day is refused" "error: --interval '25h' .*" \
    -c "$HOST" nodedump --interval 25h
fails "--file in a missing directory is refused before sampling" \
    "error: cannot write '$TMP/none/dump.xml': $TMP/none/ is not a directory" \
    -c "$HOST" nodedump --file "$TMP/none/dump.xml"
mkdir "$TMP/adir"
fails "--file naming a directory fails at the rename" \
    "error: cannot write '$TMP/adir': cannot rename $TMP/\.adir\.[A-Za-z0-9]+: Is a directory" \
    -c "$HOST" nodedump --samples 2 --interval 0ms --file "$TMP/adir"
is "and leaves no temporary file" "$(ls -A "$TMP" | grep -c '^\.')" "0"
# a call that fails during the samples: the error, and nothing written
sed 's|<xvirt:events>|<xvirt:events><xvirt:fault call="virConnectListDomains" mode="fail" count="1"/>|' \
    "$HOSTFILE" >"$TMP/faulty.xml"
fails "a failed call during the samples is an error" "error: Failed to list active domains" \
    -c "test://$TMP/faulty.xml" nodedump --samples 2 --interval 0ms --file "$TMP/old.xml"
is "and the file it was to replace is untouched" "$(cat "$TMP/old.xml")" "the old dump"
fails "to stdout too, with nothing half-written" "error: Failed to list active domains" \
    -c "test://$TMP/faulty.xml" nodedump --samples 2 --interval 0ms

done_testing
