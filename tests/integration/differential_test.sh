#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# differential_test.sh: libxvirt and xvirsh against Debian's libvirt and
# virsh, on the same simulated nodes (libvirt's test driver reads the same
# node XML as ours). Outputs must be identical once the known, documented
# differences are masked; each mask is explained where it is applied and in
# README ("Differences from libvirt"). TAP output.
#
# env: XVIRSH (our xvirsh), XV_TEST_DATADIR (tests/data), SEEDPROG_XVIRT and
# SEEDPROG_LIBVIRT (seedprog.c built against each library; the latter is
# unset when the system libvirt is not installed), STATSPROG_XVIRT and
# STATSPROG_LIBVIRT (statsprog.c, likewise). Skipped without virsh.
set -u

DATADIR=${XV_TEST_DATADIR:-$(cd "$(dirname "$0")/../data" && pwd)}
NODE=$DATADIR/differential/node.xml
XVIRSH=${XVIRSH:-}
SEEDPROG_XVIRT=${SEEDPROG_XVIRT:-}
SEEDPROG_LIBVIRT=${SEEDPROG_LIBVIRT:-}
STATSPROG_XVIRT=${STATSPROG_XVIRT:-}
STATSPROG_LIBVIRT=${STATSPROG_LIBVIRT:-}
VIRSH=${VIRSH:-virsh}
export LC_ALL=C

# shellcheck source=../common/tap.sh
. "$(dirname "${BASH_SOURCE[0]}")/../common/tap.sh"

if ! command -v "$VIRSH" >/dev/null 2>&1; then
    skip_all "virsh is not installed (apt-get install libvirt-clients libvirt-daemon)"
fi
if [ -z "$XVIRSH" ] || [ ! -x "$XVIRSH" ]; then
    bail_out "XVIRSH is not set to the xvirsh binary"
fi
# virsh needs libvirt's test driver (libvirt-daemon-driver-* / libvirt-daemon).
if ! "$VIRSH" -c test:///default nodeinfo >/dev/null 2>&1; then
    skip_all "virsh cannot open test:///default (libvirt test driver missing)"
fi

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# ---- masks ---------------------------------------------------------------
# Each mask replaces a value by a placeholder on BOTH sides, so the layout
# (labels, spacing, line count) is still compared.

# CPU time: libvirt's test driver derives it from the wall clock; ours
# reports a simulated clock that starts when the node is loaded.
# OS Type: libvirt's test driver answers "linux" for every domain; ours
# answers the domain's <os><type> (here "hvm"), as Xen does. Checked apart.
mask_dominfo() {
    sed -E -e 's/^(CPU time: +).*/\1<cputime>/' \
           -e 's/^(OS Type: +).*/\1<ostype>/'
}
# virsh-only dominfo lines: they come from calls that postdate the seed API
# (virDomainIsPersistent, virDomainGetAutostart, virDomainHasManagedSaveImage,
# virDomainGetSecurityLabel, virNodeGetSecurityModel), which xvirsh cannot make.
strip_virsh_dominfo() {
    grep -vE '^(Persistent|Autostart|Managed save|Security model|Security DOI|Security label):'
}
# vcpuinfo: "CPU:" is the physical CPU a vCPU last ran on (libvirt's test
# driver: the highest CPU of its affinity; ours: spread like Xen's scheduler
# would, checked to be within the affinity by seedprog), and CPU time as above.
# "CPU Affinity:" has one character per host CPU: virsh takes the count from
# virNodeGetCPUMap(), which libvirt's test driver hard-codes to 8 CPUs,
# while the seed API only knows VIR_NODEINFO_MAXCPUS (16 on these nodes), so
# only the first $aff_len characters (virsh's width) are compared.
mask_vcpuinfo() {
    local aff_len=$1
    sed -E -e 's/^(CPU: +)[0-9]+$/\1<cpu>/' \
           -e 's/^(CPU time: +)[0-9.]+s$/\1<cputime>/' \
           -e "s/^(CPU Affinity: +)(.{1,$aff_len}).*/\\1\\2/"
}
# vCPUs offline (<vcpu current='N'> below the maximum): libxvirt reports
# every vCPU up to the maximum, offline ones with CPU -1, as Xen does;
# libvirt's test driver leaves them out. Their records are dropped.
drop_offline_vcpus() {
    awk 'BEGIN { RS = ""; ORS = "\n\n" } !/\nState: +offline(\n|$)/'
}
# drop_cputime FILE...: removes the CPU time lines (see mask_dominfo).
drop_cputime() {
    local f
    for f in "$@"; do
        sed -i -E '/^CPU time:? /d' "$f"
    done
}
# seedprog: values tagged [mask:TAG] are replaced, lines tagged [drop:TAG]
# are removed (see seedprog.c and the tags listed in README).
mask_seedprog() {
    sed -E -e '/\[drop:[a-z-]+\]$/d' \
           -e 's/^([^=]*[:=] ?).*\[mask:([a-z-]+)\]$/\1<\2>/'
}

# compare DESCRIPTION EXPECTED ACTUAL: files must be identical.
compare() {
    if diff -u "$2" "$3" >"$TMP/diff" 2>&1; then
        ok "$1"
    else
        not_ok "$1"
        diag_file "$TMP/diff"
    fi
}

# run_both TAG ARGS...: runs virsh and xvirsh, stdout (+ exit status) to
# $TMP/TAG.virsh / $TMP/TAG.xvirsh, stderr to .err files.
run_both() {
    local tag=$1
    shift
    "$VIRSH" "$@" >"$TMP/$tag.virsh" 2>"$TMP/$tag.virsh.err"
    echo "exit status: $?" >>"$TMP/$tag.virsh"
    "$XVIRSH" "$@" >"$TMP/$tag.xvirsh" 2>"$TMP/$tag.xvirsh.err"
    echo "exit status: $?" >>"$TMP/$tag.xvirsh"
}

# ---- virsh vs xvirsh -----------------------------------------------------
diff_commands() {
    local label=$1 uri=$2
    local cmd tag dom id state aff_len

    for cmd in nodeinfo list "list --all"; do
        tag=$label-${cmd// /}
        # shellcheck disable=SC2086
        run_both "$tag" -c "$uri" $cmd
        compare "$label: $cmd" "$TMP/$tag.virsh" "$TMP/$tag.xvirsh"
    done

    # Domains, IDs and states, from virsh's own "list --all".
    "$VIRSH" -c "$uri" list --all |
        awk 'NR > 2 && NF >= 3 { st = $3; for (i = 4; i <= NF; i++) st = st "_" $i;
                                 print $2, $1, st }' >"$TMP/$label.domains"
    while read -r dom id state; do
        tag=$label-dominfo-$dom
        run_both "$tag" -c "$uri" dominfo "$dom"
        strip_virsh_dominfo <"$TMP/$tag.virsh" | mask_dominfo >"$TMP/$tag.virsh.m"
        mask_dominfo <"$TMP/$tag.xvirsh" >"$TMP/$tag.xvirsh.m"
        # CPU time of a domain that is not running: libvirt's test driver
        # reports the wall clock even for a shut-off or paused domain, so
        # virsh prints the line; libxvirt reports the CPU time the domain
        # used, 0 when it has not run since the node was loaded, and then
        # virsh's rule (and xvirsh's) leaves the line out.
        if [ "$state" != running ]; then
            drop_cputime "$TMP/$tag.virsh.m" "$TMP/$tag.xvirsh.m"
        fi
        compare "$label: dominfo $dom" "$TMP/$tag.virsh.m" "$TMP/$tag.xvirsh.m"

        tag=$label-vcpuinfo-$dom
        run_both "$tag" -c "$uri" vcpuinfo "$dom"
        if [ "$id" = "-" ]; then
            # Inactive domain: virsh falls back to virDomainGetVcpuPinInfo()
            # (libvirt >= 0.9.3) and prints "N/A" rows; the seed's only
            # source, virDomainGetVcpus(), refuses an inactive domain, so
            # xvirsh must report that error (exit status != 0, a message on
            # stderr) and print no rows.
            if ! grep -q '^VCPU:' "$TMP/$tag.xvirsh" &&
                    grep -q 'exit status: [1-9]' "$TMP/$tag.xvirsh" &&
                    [ -s "$TMP/$tag.xvirsh.err" ]; then
                ok "$label: vcpuinfo $dom (inactive) fails with an error"
            else
                not_ok "$label: vcpuinfo $dom (inactive) fails with an error"
                diag_file "$TMP/$tag.xvirsh" "$TMP/$tag.xvirsh.err"
            fi
            continue
        fi
        aff_len=$(sed -nE 's/^CPU Affinity: +//p' "$TMP/$tag.virsh" | head -n1 | tr -d '\n' |
                  wc -c)
        [ "$aff_len" -gt 0 ] || aff_len=1
        mask_vcpuinfo "$aff_len" <"$TMP/$tag.virsh" | drop_offline_vcpus >"$TMP/$tag.virsh.m"
        mask_vcpuinfo "$aff_len" <"$TMP/$tag.xvirsh" | drop_offline_vcpus >"$TMP/$tag.xvirsh.m"
        if [ "$state" != running ]; then
            drop_cputime "$TMP/$tag.virsh.m" "$TMP/$tag.xvirsh.m"
        fi
        if [ "$state" = paused ]; then
            sed -i -E 's/^(State: +).*/\1<paused-vcpu-state>/' \
                "$TMP/$tag.virsh.m" "$TMP/$tag.xvirsh.m"
        fi
        compare "$label: vcpuinfo $dom" "$TMP/$tag.virsh.m" "$TMP/$tag.xvirsh.m"
    done <"$TMP/$label.domains"

    # Errors: a missing domain fails in both, with nothing on stdout.
    tag=$label-dominfo-missing
    run_both "$tag" -c "$uri" dominfo no-such-domain
    compare "$label: dominfo of a missing domain" "$TMP/$tag.virsh" "$TMP/$tag.xvirsh"
}

diff_commands node "test://$NODE"
diff_commands default "test:///default"

# The masked OS type is the one of the domain XML.
for pair in dom-0005:hvm dom-0006:linux; do
    "$XVIRSH" -c "test://$NODE" dominfo "${pair%%:*}" >"$TMP/ostype" 2>&1
    if grep -qE "^OS Type: +${pair#*:}\$" "$TMP/ostype"; then
        ok "xvirsh reports the OS type of the domain XML (${pair%%:*}: ${pair#*:})"
    else
        not_ok "xvirsh reports the OS type of the domain XML (${pair%%:*}: ${pair#*:})"
        diag_file "$TMP/ostype"
    fi
done

# ---- beyond the seed: freecell and dommemstat on test:///default ----------
# The values are the drivers' own: libvirt's test driver answers fixed numbers
# (free memory: 3072 KiB on a 3 GiB node; 13 statistics, in its
# own order), libxvirt's follow the simulated node (node memory - active
# domains; the statistics it has, in tag order). Compared: the format, the
# one value both model alike ("actual", the current memory), the names, and
# the failure on a domain that is not running. (On a node file without NUMA
# cells, libvirt's test driver fails both calls: only test:///default.)
run_both freecell -c test:///default freecell
sed -E 's/^(Total: )[0-9]+( KiB)$/\1<kib>\2/' "$TMP/freecell.virsh" >"$TMP/freecell.virsh.m"
sed -E 's/^(Total: )[0-9]+( KiB)$/\1<kib>\2/' "$TMP/freecell.xvirsh" >"$TMP/freecell.xvirsh.m"
compare "default: freecell (value masked)" "$TMP/freecell.virsh.m" "$TMP/freecell.xvirsh.m"

run_both dommemstat -c test:///default dommemstat test
names_virsh=$(awk 'NF == 2 { print $1 }' "$TMP/dommemstat.virsh" | sort)
bad=$(grep -vE '^([a-z_]+ [0-9]+|exit status: 0|)$' "$TMP/dommemstat.xvirsh" || true)
extra=$(awk 'NF == 2 { print $1 }' "$TMP/dommemstat.xvirsh" | sort |
        comm -23 - <(printf '%s\n' "$names_virsh"))
if [ -z "$bad" ] && [ -z "$extra" ] && [ ! -s "$TMP/dommemstat.xvirsh.err" ] &&
        grep -q '^actual ' "$TMP/dommemstat.xvirsh" &&
        [ "$(grep '^actual ' "$TMP/dommemstat.virsh")" = \
          "$(grep '^actual ' "$TMP/dommemstat.xvirsh")" ]; then
    ok "default: dommemstat prints virsh's names, virsh's format and the same actual"
else
    not_ok "default: dommemstat prints virsh's names, virsh's format and the same actual"
    diag_file "$TMP/dommemstat.virsh" "$TMP/dommemstat.xvirsh" "$TMP/dommemstat.xvirsh.err"
fi

run_both dommemstat-off -c test:///default "destroy test; dommemstat test"
compare "default: dommemstat of a domain that is not running fails" \
    "$TMP/dommemstat-off.virsh" "$TMP/dommemstat-off.xvirsh"
head -n1 "$TMP/dommemstat-off.virsh.err" >"$TMP/dommemstat-off.virsh.err1"
head -n1 "$TMP/dommemstat-off.xvirsh.err" >"$TMP/dommemstat-off.xvirsh.err1"
compare "default: dommemstat of a domain that is not running: same first error line" \
    "$TMP/dommemstat-off.virsh.err1" "$TMP/dommemstat-off.xvirsh.err1"

# ---- seedprog: the same seed-API program on both libraries ---------------
seedprog_diff() {
    local label=$1 uri=$2

    if [ -z "$SEEDPROG_LIBVIRT" ] || [ ! -x "$SEEDPROG_LIBVIRT" ]; then
        skip "seedprog $label: libxvirt == libvirt" "seedprog-libvirt not built"
        return
    fi
    if [ -z "$SEEDPROG_XVIRT" ] || [ ! -x "$SEEDPROG_XVIRT" ]; then
        not_ok "seedprog $label: libxvirt == libvirt (SEEDPROG_XVIRT not built)"
        return
    fi
    mkdir -p "$TMP/scratch-libvirt-$label" "$TMP/scratch-xvirt-$label"
    "$SEEDPROG_LIBVIRT" "$uri" "$TMP/scratch-libvirt-$label" \
        >"$TMP/seed-$label.libvirt" 2>"$TMP/seed-$label.libvirt.err"
    echo "exit status: $?" >>"$TMP/seed-$label.libvirt"
    "$SEEDPROG_XVIRT" "$uri" "$TMP/scratch-xvirt-$label" \
        >"$TMP/seed-$label.xvirt" 2>"$TMP/seed-$label.xvirt.err"
    echo "exit status: $?" >>"$TMP/seed-$label.xvirt"
    mask_seedprog <"$TMP/seed-$label.libvirt" >"$TMP/seed-$label.libvirt.m"
    mask_seedprog <"$TMP/seed-$label.xvirt" >"$TMP/seed-$label.xvirt.m"
    compare "seedprog $label: libxvirt == libvirt" \
        "$TMP/seed-$label.libvirt.m" "$TMP/seed-$label.xvirt.m"
    # Never vacuous: the program must have gone all the way through.
    if grep -q '^lists final:' "$TMP/seed-$label.xvirt" &&
            [ "$(grep -c '^domain ' "$TMP/seed-$label.xvirt")" -ge 1 ]; then
        ok "seedprog $label: libxvirt run completed"
    else
        not_ok "seedprog $label: libxvirt run completed"
        diag_file "$TMP/seed-$label.xvirt" "$TMP/seed-$label.xvirt.err"
    fi
}

seedprog_diff node "test://$NODE"
seedprog_diff default "test:///default"

# ---- statsprog: the statistics calls of issue 11 on both libraries -------
# Which disks and interfaces exist, and every error code, must agree; the
# counters do not (libvirt's test driver makes them up) and are never
# printed. Every device name libvirt's own dumpxml shows (target devs,
# source paths, MACs) is tried as a disk and as an interface on every
# domain, with names no domain has, an upper-case MAC, bad sizes, a NULL
# disk, the domain states of the node and the CPU numbers and counts.

# stats_steps URI: the statsprog steps for every domain of URI.
stats_steps() {
    local uri=$1 dom name
    for dom in $("$VIRSH" -c "$uri" list --all --name); do
        {
            "$VIRSH" -c "$uri" dumpxml "$dom" |
                sed -nE -e "s/.*<target dev='([^']+)'.*/\\1/p" \
                        -e "s/.*<source (file|dev)='([^']+)'.*/\\2/p" \
                        -e "s/.*<mac address='([^']+)'.*/\\1/p"
            echo xvdq
            echo /no/such/image.img
            echo vif9.0
            echo 00:16:3e:ff:ff:ff
        } | sort -u >"$TMP/stats-names"
        # an upper-case MAC names the same interface
        sed -nE 's/^([0-9a-f]{2}(:[0-9a-f]{2}){5})$/\1/p' "$TMP/stats-names" |
            tr a-f A-F >>"$TMP/stats-names"
        while read -r name; do
            printf '%s\0' block "$dom" "$name" iface "$dom" "$name"
        done <"$TMP/stats-names"
        printf '%s\0' block "$dom" "" iface "$dom" "" block-null "$dom" \
            block-size "$dom" xvda iface-size "$dom" vif1.0
    done
    printf '%s\0' cpu 0 null cpu 0 0 cpu 0 2 cpu 0 4 cpu -1 4 cpu -1 16 cpu -2 4 \
        cpu 0 -1 cpu-flags 0 1 cpu-nullcount 0
}

# run_statsprog TAG URI [STEPS FILE]: both programs, outputs to
# $TMP/TAG.libvirt and $TMP/TAG.xvirt (+ exit status).
run_statsprog() {
    local tag=$1 uri=$2 steps=$3 lib
    for lib in libvirt xvirt; do
        local prog=$STATSPROG_XVIRT
        [ "$lib" = libvirt ] && prog=$STATSPROG_LIBVIRT
        xargs -0 "$prog" "$uri" <"$steps" >"$TMP/$tag.$lib" 2>"$TMP/$tag.$lib.err"
        echo "exit status: $?" >>"$TMP/$tag.$lib"
    done
}

stats_diff() {
    local label=$1 uri=$2 ncpus
    if [ -z "$STATSPROG_LIBVIRT" ] || [ ! -x "$STATSPROG_LIBVIRT" ]; then
        skip "statsprog $label: libxvirt == libvirt" "statsprog-libvirt not built"
        return
    fi
    if [ -z "$STATSPROG_XVIRT" ] || [ ! -x "$STATSPROG_XVIRT" ]; then
        not_ok "statsprog $label: libxvirt == libvirt (STATSPROG_XVIRT not built)"
        return
    fi
    stats_steps "$uri" >"$TMP/stats-$label.steps"
    run_statsprog "stats-$label" "$uri" "$TMP/stats-$label.steps"
    compare "statsprog $label: same devices and errors" \
        "$TMP/stats-$label.libvirt" "$TMP/stats-$label.xvirt"
    # Never vacuous: devices found and devices refused, on both sides.
    if [ "$(grep -c '^block .*: ok$' "$TMP/stats-$label.xvirt")" -ge 1 ] &&
            [ "$(grep -c '^block .*: error code=8$' "$TMP/stats-$label.xvirt")" -ge 1 ] &&
            [ "$(grep -c '^iface .*: ok$' "$TMP/stats-$label.xvirt")" -ge 1 ] &&
            grep -q '^block [^ ]* : error code=84$' "$TMP/stats-$label.xvirt"; then
        ok "statsprog $label: devices found and refused; the sum over all disks unsupported (84)"
    else
        not_ok "statsprog $label: devices found and refused; the sum over all disks unsupported (84)"
        diag_file "$TMP/stats-$label.xvirt" "$TMP/stats-$label.libvirt"
    fi

    # A CPU past the node's: libvirt's test driver answers any cpuNum with
    # its fixed numbers; libxvirt refuses it with VIR_ERR_INVALID_ARG, as
    # libvirt's Linux driver does for a CPU the host does not have. The last
    # CPU works in both.
    ncpus=$("$VIRSH" -c "$uri" nodeinfo | sed -nE 's/^CPU\(s\): +//p')
    printf '%s\0' cpu $((ncpus - 1)) 4 cpu "$ncpus" 4 >"$TMP/stats-$label-cpus.steps"
    run_statsprog "stats-$label-cpus" "$uri" "$TMP/stats-$label-cpus.steps"
    if grep -q "^cpu $((ncpus - 1)) 4: ok nparams=4 " "$TMP/stats-$label-cpus.xvirt" &&
            grep -q "^cpu $((ncpus - 1)) 4: ok nparams=4 " "$TMP/stats-$label-cpus.libvirt" &&
            grep -q "^cpu $ncpus 4: error code=8\$" "$TMP/stats-$label-cpus.xvirt" &&
            grep -q "^cpu $ncpus 4: ok " "$TMP/stats-$label-cpus.libvirt"; then
        ok "statsprog $label: cpuNum $ncpus (past the CPUs) is INVALID_ARG in libxvirt only"
    else
        not_ok "statsprog $label: cpuNum $ncpus (past the CPUs) is INVALID_ARG in libxvirt only"
        diag_file "$TMP/stats-$label-cpus.xvirt" "$TMP/stats-$label-cpus.libvirt"
    fi
}

stats_diff node "test://$NODE"
stats_diff default "test:///default"

# A running domain paused, then destroyed: paused still counts as active,
# shut off is VIR_ERR_OPERATION_INVALID before the device is looked at.
if [ -n "$STATSPROG_LIBVIRT" ] && [ -x "$STATSPROG_LIBVIRT" ]; then
    printf '%s\0' suspend test block test vda iface test testnet0 resume test \
        destroy test block test vda block test xvdq iface test testnet0 iface test vif9.0 \
        block test "" create test block test vda >"$TMP/stats-life.steps"
    run_statsprog stats-life test:///default "$TMP/stats-life.steps"
    compare "statsprog default: paused, shut off and started again" \
        "$TMP/stats-life.libvirt" "$TMP/stats-life.xvirt"
else
    skip "statsprog default: paused, shut off and started again" "statsprog-libvirt not built"
fi

done_testing
