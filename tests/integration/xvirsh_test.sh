#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# xvirsh_test.sh: xvirsh on the test driver: golden outputs and error cases, as TAP.
#
# Environment: XVIRSH (the binary), XV_TEST_DATADIR (tests/data), XV_LIBVIRT
# ("xvirt" or "system": which library xvirsh is linked with; the goldens of
# the system libvirt live in tests/data/xvirsh/system/), XV_TEST_REGENERATE=1
# rewrites the goldens from the current output.
#
# Each xvirsh run is a new process with a fresh simulated node, so state
# changes are tested as one command string: "suspend x; domstate x".
set -u

: "${XVIRSH:?XVIRSH must name the xvirsh binary}"
: "${XV_TEST_DATADIR:?XV_TEST_DATADIR must name tests/data}"

DATA=$XV_TEST_DATADIR/xvirsh
BACKEND=${XV_LIBVIRT:-xvirt}
DEFAULT=test:///default
NODE=test://$DATA/node.xml
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# Start from a known environment: no default URI, no locale surprises.
unset XVIRSH_DEFAULT_CONNECT_URI LIBVIRT_DEFAULT_URI
export LC_ALL=C

# shellcheck source=../common/tap.sh
. "$(dirname "${BASH_SOURCE[0]}")/../common/tap.sh"

# Values that change from run to run or machine to machine.
mask() {
    sed -E -e 's/^(CPU time: +)[0-9]+\.[0-9]s$/\1@CPUTIME@/' \
           -e "s|$TMP|@TMPDIR@|g" -e "s|$DATA|@DATADIR@|g"
}

# run ARGS...: runs xvirsh; sets RC, leaves $TMP/out and $TMP/err (masked).
run() {
    "$XVIRSH" "$@" >"$TMP/out.raw" 2>"$TMP/err.raw" </dev/null
    RC=$?
    mask <"$TMP/out.raw" >"$TMP/out"
    mask <"$TMP/err.raw" >"$TMP/err"
}

# golden NAME [--common] -- ARGS...
# Runs xvirsh, expects success and no stderr, compares stdout with
# NAME.out. --common: the output does not depend on the library.
golden() {
    local name=$1 dir=$DATA file
    shift
    if [ "$1" = --common ]; then
        shift
    elif [ "$BACKEND" = system ]; then
        dir=$DATA/system
    fi
    [ "$1" = -- ] && shift
    file=$dir/$name.out

    run "$@"
    if [ -n "${XV_TEST_REGENERATE:-}" ] && [ "$RC" -eq 0 ]; then
        mkdir -p "$dir"
        cp "$TMP/out" "$file"
    fi
    if [ "$RC" -ne 0 ]; then
        not_ok "$name: exit status $RC" "$TMP/err"
    elif [ -s "$TMP/err" ]; then
        not_ok "$name: unexpected stderr" "$TMP/err"
    elif [ ! -f "$file" ]; then
        not_ok "$name: no golden $file (XV_TEST_REGENERATE=1 writes it)"
    elif ! diff -u "$file" "$TMP/out" >"$TMP/diff"; then
        not_ok "$name: output differs from $file" "$TMP/diff"
    else
        ok "$name"
    fi
}

# expect NAME RC STDOUT ERR-REGEX... -- ARGS...
# Runs xvirsh; the exit status must be RC, stdout exactly STDOUT, and
# stderr have one line per ERR-REGEX (extended regex, whole line).
expect() {
    local name=$1 rc=$2 stdout=$3 i=0 line
    local -a regexes=()
    shift 3
    while [ "$1" != -- ]; do
        regexes+=("$1")
        shift
    done
    shift

    run "$@"
    printf '%s' "$stdout" >"$TMP/want"
    {
        echo "exit status $RC, stdout:"
        cat "$TMP/out"
        echo "stderr:"
        cat "$TMP/err"
    } >"$TMP/diag"
    if [ "$RC" -ne "$rc" ]; then
        not_ok "$name: exit status $RC, want $rc" "$TMP/diag"
        return
    fi
    if ! cmp -s "$TMP/want" "$TMP/out"; then
        not_ok "$name: unexpected stdout" "$TMP/diag"
        return
    fi
    if [ "$(wc -l <"$TMP/err")" -ne "${#regexes[@]}" ]; then
        not_ok "$name: want ${#regexes[@]} stderr lines" "$TMP/diag"
        return
    fi
    while IFS= read -r line; do
        if ! [[ $line =~ ^${regexes[$i]}$ ]]; then
            echo "line $((i + 1)) does not match: ${regexes[$i]}" >>"$TMP/diag"
            not_ok "$name: unexpected stderr" "$TMP/diag"
            return
        fi
        i=$((i + 1))
    done <"$TMP/err"
    ok "$name"
}

NL=$'\n'

# ---- Goldens: test:///default -------------------------------------------
golden default-list -- -c "$DEFAULT" list
golden default-list-all -- -c "$DEFAULT" list --all
golden default-dominfo -- -c "$DEFAULT" dominfo test
golden default-domstate -- -c "$DEFAULT" domstate test
golden default-domid -- -c "$DEFAULT" domid test
golden default-domname -- -c "$DEFAULT" domname 1
golden default-domuuid -- -c "$DEFAULT" domuuid test
golden default-vcpuinfo -- -c "$DEFAULT" vcpuinfo test
golden default-nodeinfo -- -c "$DEFAULT" nodeinfo
golden default-version -- -c "$DEFAULT" version
golden default-dumpxml -- -c "$DEFAULT" dumpxml test

# ---- Goldens: a node file with running, paused and inactive domains ------
golden node-list -- -c "$NODE" list
golden node-list-all -- -c "$NODE" list --all
golden node-list-inactive -- -c "$NODE" list --inactive
golden node-dominfo-running -- -c "$NODE" dominfo web01
golden node-dominfo-paused -- -c "$NODE" dominfo batch
golden node-dominfo-inactive -- -c "$NODE" dominfo backup
golden node-vcpuinfo -- -c "$NODE" vcpuinfo database-primary
golden node-nodeinfo -- -c "$NODE" nodeinfo
golden node-lookup -- -c "$NODE" \
    "domstate 2; domstate 8f1c2a3e-5b6d-4e7f-8091-a2b3c4d5e604; domid database-primary;
     domid backup; domname 3; domname 8f1c2a3e-5b6d-4e7f-8091-a2b3c4d5e601;
     domuuid cache; domuuid 1; dominfo 8f1c2a3e5b6d4e7f8091a2b3c4d5e602"
golden node-argv -- -c "$NODE" dominfo --domain cache
golden node-readonly-queries -- -r -c "$NODE" "list --all; dominfo web01; vcpupin web01"

# ---- Goldens: state changes within one process ---------------------------
golden node-lifecycle -- -c "$NODE" \
    "suspend web01; domstate web01; resume web01; domstate web01;
     shutdown cache; domstate cache; start cache; domstate cache;
     reboot web01; domstate web01; destroy database-primary; list --all;
     start database-primary; list --all"
golden node-define -- -c "$NODE" \
    "create $DATA/scratch.xml; define $DATA/newdom.xml; list --all;
     start newdom; dominfo newdom; destroy scratch; list --all;
     undefine newdom; list --all; destroy newdom; list --all"
golden node-save-restore -- -c "$NODE" \
    "save web01 $TMP/web01.save; list --all; restore $TMP/web01.save; list --all;
     domstate web01"
golden node-vcpus -- -c "$NODE" \
    "setvcpus database-primary 2; vcpuinfo database-primary;
     vcpupin database-primary 1 0-3,^2,5; vcpuinfo database-primary;
     vcpupin database-primary --vcpu 0 --cpulist 7; vcpupin database-primary;
     vcpupin database-primary 1 r; vcpupin database-primary 1"
golden node-memory -- -c "$NODE" \
    "setmem web01 256M; dominfo web01; setmem web01 1G; dominfo web01;
     setmem web01 500000KB; dominfo web01; setmem web01 1025b; dominfo web01;
     setmaxmem backup 2G; dominfo backup"

# ---- Goldens: free memory and memory statistics (beyond the seed) --------
# libvirt's test driver answers fixed numbers (its system goldens show them);
# ours follow the simulated node: free memory grows as domains shrink or stop.
golden default-freecell -- -c "$DEFAULT" freecell
golden default-dommemstat -- -c "$DEFAULT" dommemstat test
if [ "$BACKEND" = xvirt ]; then
    # (libvirt's test driver fails both calls on a node file without cells.)
    golden node-memstat -- -c "$NODE" \
        "freecell; dommemstat web01; setmem web01 256M; freecell; dommemstat web01;
         destroy cache; freecell; dommemstat 4"
    # A guest that reports its memory demand (<xvirt:memory-demand>).
    MEMNODE=test://$XV_TEST_DATADIR/test_driver/node-memory.xml
    golden memory-demand -- -c "$MEMNODE" \
        "dommemstat big; setmem big 700000; dommemstat big; dommemstat small; freecell"
    expect dommemstat-read-only 0 "actual 524288${NL}${NL}" -- -r -c "$NODE" dommemstat web01
fi

# ---- Devices and their I/O counters (domblklist ... nodecpustats) --------
# node-io.xml scripts I/O rates per device on a frozen clock; each check
# steps it (xvtestclock) on a journaled copy, so every counter is known:
# rate x simulated seconds, from 0 at each boot.
IONODE=$DATA/node-io.xml
if [ "$BACKEND" = xvirt ]; then
    : "${XVTESTCLOCK:?XVTESTCLOCK must name the xvtestclock binary}"
    IOURI="test://$IONODE?journal=$TMP/io.journal"
    if "$XVTESTCLOCK" "$IOURI" advance 10s >"$TMP/clock.err" 2>&1; then
        ok "io: the clock of node-io.xml steps to 10 s"
    else
        not_ok "io: the clock of node-io.xml steps to 10 s" "$TMP/clock.err"
    fi
    golden io-lists -- -c "$IOURI" \
        "domblklist web01; domblklist web01 --details; domiflist web01; domiflist cache;
         domblklist backup --details; domiflist backup"
    golden io-stats -- -c "$IOURI" \
        "domblkstat web01 xvda; domblkstat web01 xvdb --human; domifstat web01 vif1.0;
         domblkstat cache xvda; domifstat cache vif2.0; nodecpustats; nodecpustats --cpu 3"
    # The values, computed here from the node's rates (10 s of them).
    expect io-blkstat-values 0 "xvda rd_req 2560${NL}xvda rd_bytes 10485760${NL}xvda wr_req 1280${NL}xvda wr_bytes 5242880${NL}xvda errs 0${NL}${NL}" -- \
        -c "$IOURI" domblkstat web01 xvda
    expect io-blkstat-by-source 0 "/dev/vg0/web01-data rd_req 10${NL}/dev/vg0/web01-data rd_bytes 40960${NL}/dev/vg0/web01-data wr_req 20${NL}/dev/vg0/web01-data wr_bytes 81920${NL}/dev/vg0/web01-data errs 20${NL}${NL}" -- \
        -c "$IOURI" domblkstat web01 /dev/vg0/web01-data
    expect io-blkstat-human 0 "Device: xvdb${NL} number of read operations:      10${NL} number of bytes read:           40960${NL} number of write operations:     20${NL} number of bytes written:        81920${NL} error count:                    20${NL}${NL}" -- \
        -c "$IOURI" domblkstat --human web01 xvdb
    m=00:16:3e:00:00:01
    expect io-ifstat-by-mac 0 "$m rx_bytes 1500000${NL}$m rx_packets 1000${NL}$m rx_errs 0${NL}$m rx_drop 30${NL}$m tx_bytes 300000${NL}$m tx_packets 200${NL}$m tx_errs 10${NL}$m tx_drop 0${NL}${NL}" -- \
        -c "$IOURI" domifstat web01 "$m"
    # Counters grow with time and restart from 0 on a new boot.
    "$XVTESTCLOCK" "$IOURI" advance 5s >/dev/null 2>&1
    run -c "$IOURI" "domblkstat web01 xvda; destroy web01; start web01; domblkstat web01 xvda;
                     domifstat web01 vif1.0"
    is "io: after 15 s the counters have grown, and a new boot restarts them from 0" \
        "$RC $(awk 'NF == 3 && $3 ~ /^[0-9]+$/ { printf "%s ", $3 }' "$TMP/out")" \
        "0 3840 15728640 1920 7864320 0 0 0 0 0 0 0 0 0 0 0 0 0 0 "
    # nodecpustats: each pCPU's times add up to the 15 s the node has run,
    # and the sum over the node's 4 pCPUs to 60 s.
    run -c "$IOURI" "nodecpustats; nodecpustats --cpu 2"
    sums=$(awk 'NF == 0 { if (n) printf "%.0f\n", s; s = 0; n = 0; next } { s += $2; n++ }' "$TMP/out" |
        tr '\n' ' ')
    is "io: nodecpustats adds up to 4 x 15 s, and to 15 s for one pCPU" \
        "$RC $sums" "0 60000000000 15000000000 "
    expect io-nodecpustats-past-cpus 1 "$NL" "error: Unable to get number of cpu stats" \
        "error: invalid argument: .+" -- -c "$IOURI" nodecpustats --cpu 4
    expect io-blkstat-unknown-disk 1 "$NL" "error: Failed to get block stats web01 xvdz" \
        "error: invalid argument: invalid path: xvdz" -- -c "$IOURI" domblkstat web01 xvdz
    expect io-ifstat-unknown-interface 1 "$NL" "error: Failed to get interface stats web01 eth9" \
        "error: invalid argument: 'eth9' is not a known interface" -- \
        -c "$IOURI" domifstat web01 eth9
    expect io-blkstat-inactive 1 "$NL" "error: Failed to get block stats backup xvda" \
        "error: [^:]+: domain is not running" -- -c "$IOURI" domblkstat backup xvda
    expect io-ifstat-inactive 1 "$NL" "error: Failed to get interface stats backup 00:16:3e:00:00:03" \
        "error: [^:]+: domain is not running" -- -c "$IOURI" domifstat backup 00:16:3e:00:00:03
fi
expect io-nodecpustats-bad-cpu 1 "$NL" \
    "error: Numeric value 'x' for <cpu> option is malformed or out of range" -- \
    -c "$DEFAULT" nodecpustats --cpu x
expect io-domifstat-needs-interface 1 "" "error: command 'domifstat' requires <interface> option" -- \
    -c "$DEFAULT" domifstat test
expect io-domblklist-unknown-domain 1 "$NL" "error: failed to get domain 'nosuch'" "error: .+" -- \
    -c "$DEFAULT" domblklist nosuch

# ---- The same commands against virsh on libvirt's test driver ------------
# libvirt's test driver makes its numbers up: compared are the layouts
# (numbers masked), the devices each lists, and the errors: xvirsh's own
# line exactly, the library's message after its code's generic text (the
# wording of the codes differs: README, "Differences from libvirt").
VIRSH=${VIRSH:-virsh}
if [ "$BACKEND" != xvirt ]; then
    skip "virsh: layouts of the device commands" "xvirsh is linked with the system libvirt"
elif ! "$VIRSH" -c "$DEFAULT" nodeinfo >/dev/null 2>&1; then
    skip "virsh: layouts of the device commands" "virsh or libvirt's test driver is not installed"
else
    # Numbers masked; nodecpustats' are right-aligned, so their line
    # length (virsh's "%-15s %20llu" and "%-15s %5.1lf%%") is kept.
    mask_numbers() {
        awk '/^[a-z]+: +[0-9]+$/ { print $1, length($0) == 36 ? "<n>" : "<misaligned>"; next }
             /^[a-z]+: +(-?nan|-?[0-9.]+)%$/ {
                 print $1, length($0) == 22 ? "<p>%" : "<misaligned>"; next }
             { sub(/ -?[0-9]+$/, " <n>"); print }'
    }
    # vs_virsh NAME MASK URI COMMAND: stdout, exit status, and stderr (see above).
    vs_virsh() {
        local name=$1 filter=$2 uri=$3 cmd=$4
        # shellcheck disable=SC2086
        "$VIRSH" -c "$uri" $cmd >"$TMP/v.out" 2>"$TMP/v.err"
        echo "exit status: $?" >>"$TMP/v.out"
        # shellcheck disable=SC2086
        "$XVIRSH" -c "$uri" $cmd >"$TMP/x.out" 2>"$TMP/x.err"
        echo "exit status: $?" >>"$TMP/x.out"
        for f in v x; do
            $filter <"$TMP/$f.out" >"$TMP/$f.cmp"
            sed -E 's/^(error: )[^:]+: (.*)/\1\2/' "$TMP/$f.err" >>"$TMP/$f.cmp"
        done
        if diff -u "$TMP/v.cmp" "$TMP/x.cmp" >"$TMP/diff"; then
            ok "virsh: $name"
        else
            not_ok "virsh: $name" "$TMP/diff"
        fi
    }
    for c in "domblklist test" "domblklist test --details" "domiflist test"; do
        vs_virsh "default: $c" cat "$DEFAULT" "$c"
    done
    # -q: what quiet leaves out (messages, table headers and their width,
    # the empty line after each command).
    for c in "-q list --all" "-q list --inactive" "-q suspend test" "-q shutdown test" \
             "-q destroy test" "-q domstate test" "-q domblklist test --details" \
             "-q domiflist test"; do
        vs_virsh "default: $c" cat "$DEFAULT" "$c"
    done
    for c in "domblkstat test vda" "domblkstat test vda --human" \
             "domblkstat test /guest/diskimage1" "domifstat test testnet0" \
             "domifstat test aa:bb:cc:dd:ee:ff" "nodecpustats" "nodecpustats --cpu 0" \
             "nodecpustats --percent" "nodecpustats --cpu x"; do
        vs_virsh "default: $c (numbers masked)" mask_numbers "$DEFAULT" "$c"
    done
    IOPLAIN="test://$IONODE"
    for c in "domblklist web01 --details" "domblklist backup --details" "domiflist cache" \
             "domblkstat web01 xvda" "domblkstat web01 xvdb --human" "domifstat web01 vif1.0" \
             "domblkstat web01 xvdz" "domifstat web01 eth9" "domblkstat backup xvda" \
             "domifstat backup 00:16:3e:00:00:03"; do
        vs_virsh "node-io: $c" mask_numbers "$IOPLAIN" "$c"
    done
fi

# ---- Goldens that do not depend on the library ---------------------------
golden help --common -- help
golden help-vcpupin --common -- help vcpupin
golden help-domain --common -- help domain
golden usage --common -- --help

# ---- Error cases ----------------------------------------------------------
expect unknown-domain 1 "$NL" "error: failed to get domain 'nosuch'" "error: .+" -- \
    -c "$NODE" domstate nosuch
expect unknown-domain-id 1 "$NL" "error: failed to get domain '99'" "error: .+" -- \
    -c "$NODE" dominfo 99
expect unknown-domain-uuid 1 "$NL" \
    "error: failed to get domain '8f1c2a3e-5b6d-4e7f-8091-a2b3c4d5e6ff'" "error: .+" -- \
    -c "$NODE" dominfo 8f1c2a3e-5b6d-4e7f-8091-a2b3c4d5e6ff
expect domname-needs-id-or-uuid 1 "$NL" "error: failed to get domain 'web01'" -- \
    -c "$NODE" domname web01
expect readonly-destroy 1 "$NL" "error: Failed to destroy domain 'web01'" \
    "error: operation forbidden: .+" -- -r -c "$NODE" destroy web01
expect readonly-suspend 1 "$NL" "error: Failed to suspend domain 'web01'" \
    "error: operation forbidden: .+" -- -r -c "$NODE" suspend web01
expect readonly-setmem 1 "$NL" "error: operation forbidden: .+" -- \
    -r -c "$NODE" setmem web01 256M
expect readonly-vcpupin 1 "$NL" "error: operation forbidden: .+" -- \
    --readonly --connect "$NODE" vcpupin web01 0 1
expect cpulist-garbage 1 "$NL" "error: Invalid cpulist 'abc'" -- \
    -c "$NODE" vcpupin web01 0 abc
expect cpulist-empty-result 1 "$NL" "error: Invalid cpulist '0,\^0'" -- \
    -c "$NODE" vcpupin web01 0 '0,^0'
expect cpulist-open-range 1 "$NL" "error: Invalid cpulist '1-'" -- \
    -c "$NODE" vcpupin web01 0 1-
expect cpulist-reversed-range 1 "$NL" "error: Invalid cpulist '3-1'" -- \
    -c "$NODE" vcpupin web01 0 3-1
expect cpulist-trailing-comma 1 "$NL" "error: Invalid cpulist '1,'" -- \
    -c "$NODE" vcpupin web01 0 1,
expect cpulist-beyond-host 1 "$NL" "error: CPU 8 in cpulist '0,8' exceed the maxcpu 8" -- \
    -c "$NODE" vcpupin web01 0 0,8
expect vcpu-not-a-number 1 "$NL" \
    "error: Numeric value 'x' for <vcpu> option is malformed or out of range" -- \
    -c "$NODE" vcpupin web01 x 1
expect vcpu-negative 1 "$NL" \
    "error: Numeric value '-1' for <vcpu> option is malformed or out of range" -- \
    -c "$NODE" vcpupin web01 -- -1 1
expect vcpu-beyond-domain 1 "$NL" "error: .+" -- -c "$NODE" vcpupin web01 7 1
expect memory-bad-suffix 1 "$NL" \
    "error: Scaled numeric value '12X' for <size> option is malformed or out of range" -- \
    -c "$NODE" setmem web01 12X
expect memory-fraction 1 "$NL" \
    "error: Scaled numeric value '1.5G' for <size> option is malformed or out of range" -- \
    -c "$NODE" setmem web01 1.5G
expect memory-negative 1 "$NL" \
    "error: Scaled numeric value '-5' for <size> option is malformed or out of range" -- \
    -c "$NODE" setmem web01 -- -5
BIG=99999999999999999999
expect memory-overflow 1 "$NL" \
    "error: Scaled numeric value '$BIG' for <size> option is malformed or out of range" -- \
    -c "$NODE" setmaxmem web01 "$BIG"
expect memory-overflow-scaled 1 "$NL" \
    "error: Scaled numeric value '20000000E' for <size> option is malformed or out of range" -- \
    -c "$NODE" setmem web01 20000000E
expect memory-above-max 1 "$NL" "error: .+" -- -c "$NODE" setmem web01 2G
expect setvcpus-zero 1 "$NL" "error: Can't set 0 processors for a VM" -- \
    -c "$NODE" setvcpus web01 0
expect setvcpus-garbage 1 "$NL" \
    "error: Numeric value 'two' for <count> option is malformed or out of range" -- \
    -c "$NODE" setvcpus web01 two
expect start-active 1 "$NL" "error: Domain is already active" -- -c "$NODE" start web01
expect dommemstat-inactive 1 "$NL" "error: Failed to get memory statistics for domain backup" \
    "error: .+" -- -c "$NODE" dommemstat backup
expect dommemstat-unknown-domain 1 "$NL" "error: failed to get domain 'nosuch'" "error: .+" -- \
    -c "$NODE" dommemstat nosuch
expect freecell-takes-no-argument 1 "" "error: unexpected data '0'" -- -c "$NODE" freecell 0
expect destroy-inactive 1 "$NL" "error: Failed to destroy domain 'backup'" "error: .+" -- \
    -c "$NODE" destroy backup
expect vcpuinfo-inactive 1 "$NL" "error: Domain shut off, virtual CPUs not present." -- \
    -c "$NODE" vcpuinfo backup
expect create-missing-file 1 "$NL" \
    "error: Failed to open file '@TMPDIR@/none.xml': No such file or directory" -- \
    -c "$NODE" create "$TMP/none.xml"
expect restore-missing-file 1 "$NL" "error: Failed to restore domain from @TMPDIR@/none" \
    "error: .+" -- -c "$NODE" restore "$TMP/none"
expect unknown-command 1 "" "error: unknown command: 'bogus'" -- -c "$NODE" bogus
expect missing-argument 1 "" "error: command 'domstate' requires <domain> option" -- \
    -c "$NODE" domstate
expect extra-argument 1 "" "error: unexpected data 'extra'" -- -c "$NODE" domstate web01 extra
expect unknown-option 1 "" "error: command 'list' doesn't support option --bogus" -- \
    -c "$NODE" list --bogus
expect option-without-value 1 "" "error: expected syntax: --cpulist <string>" -- \
    -c "$NODE" vcpupin web01 0 --cpulist
expect option-twice 1 "" "error: option --domain already seen" -- \
    -c "$NODE" domstate --domain web01 --domain cache
expect parse-error-runs-nothing 1 "" "error: unknown command: 'bogus'" -- \
    -c "$NODE" "suspend web01; bogus"
expect status-of-last-command 0 "${NL}running${NL}${NL}" "error: failed to get domain 'nosuch'" \
    "error: .+" -- -c "$NODE" "domstate nosuch; domstate web01"
expect failure-does-not-stop 1 "running${NL}${NL}${NL}" "error: failed to get domain 'nosuch'" \
    "error: .+" -- -c "$NODE" "domstate web01; domstate nosuch"
expect quoting 1 "running${NL}${NL}${NL}" "error: failed to get domain 'web 01'" "error: .+" -- \
    -c "$NODE" "domstate 'web01'; domstate \"web 01\""
expect missing-quote 1 "" "error: missing '" -- -c "$NODE" "domstate 'web01"
expect dangling-backslash 1 "" "error: dangling \\\\" -- -c "$NODE" "domstate web01\\"
expect quit-stops 0 "running${NL}${NL}" -- -c "$NODE" "domstate web01; quit; domstate batch"
expect help-unknown 1 "$NL" "error: command or command group 'bogus' doesn't exist" -- help bogus
expect connect-failure 1 "" "error: failed to connect to the hypervisor" "error: .+" -- \
    -c bogus:///nowhere list
expect version-option 0 "$(sed -n "s/^ *version: '\([^']*\)'.*/\1/p" \
    "$XV_TEST_DATADIR/../../meson.build")${NL}" -- -v
expect bad-program-option 1 "" "error: unsupported option '-x'. See --help." -- -x list

# Commands read from stdin when none is given.
printf 'domstate web01\n# a comment\nsuspend web01; domstate web01\nquit\nresume web01\n' |
    "$XVIRSH" -c "$NODE" >"$TMP/out" 2>"$TMP/err"
RC=$?
printf "running\n\nDomain 'web01' suspended\n\npaused\n\n" >"$TMP/want"
if [ "$RC" -eq 0 ] && cmp -s "$TMP/want" "$TMP/out" && [ ! -s "$TMP/err" ]; then
    ok "interactive-from-stdin"
else
    cat "$TMP/out" "$TMP/err" >"$TMP/diag"
    not_ok "interactive-from-stdin" "$TMP/diag"
fi

# The default URI comes from the environment.
if [ "$(XVIRSH_DEFAULT_CONNECT_URI=$NODE "$XVIRSH" domstate batch)" = paused ]; then
    ok "default-uri-xvirsh-variable"
else
    not_ok "default-uri-xvirsh-variable"
fi
if [ "$(LIBVIRT_DEFAULT_URI=$NODE "$XVIRSH" domstate batch)" = paused ]; then
    ok "default-uri-libvirt-variable"
else
    not_ok "default-uri-libvirt-variable"
fi
if [ "$(XVIRSH_DEFAULT_CONNECT_URI=$NODE LIBVIRT_DEFAULT_URI=$DEFAULT "$XVIRSH" domstate batch)" \
     = paused ]; then
    ok "default-uri-xvirsh-variable-first"
else
    not_ok "default-uri-xvirsh-variable-first"
fi

done_testing
