#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# io-in-dom0.sh: the Xen lab's I/O boot (tests/xen/run-lab-suite): disk and
# network counters and pCPU idle time on real Xen 4.17, through the public API
# (io-probe, the Xen driver of libxvirt), xvirsh and the agent, each against
# what the backends themselves show in dom0 at the same moment: blkback's
# /sys/bus/xen-backend/devices/vbd-D-51712/statistics, netback's
# /sys/class/net/vifD.0/statistics (rx/tx swapped to the guest's view) and
# xenpm's idle time. POSIX sh (dom0 has only busybox). TAP, as in-dom0.sh.
#
# The lab gives: domu1 and domu2 with a PV disk xvda (blkback on a loop device
# over /xenlab/disks/domuN.img) and a vif, each writing and reading 260 KiB and
# pinging dom0 every 2 s (--domu 2 --domu-disk 16 --domu-net --domu-io 2).
#
# A counter moves every 2 s, so "the same moment" is a bracket: the backend's
# files, the call, the files again; a bracket whose two readings differ is
# taken again (up to 10 times), so the call must equal the files exactly.
set -u
cd "$(dirname "$0")" || exit 1
TAP_FILE=/tmp/xvirt-io.tap
W=/tmp/xvirt-io
. ./lab_common.sh

PROBE=$HERE/bin/io-probe
URI=xen:///
DOMUS=${XENLAB_DOMUS:-domu1 domu2}
NCPU=$(xl info 2>/dev/null | awk '$1 == "nr_cpus" {print $3}')
AGENT_URL=http://127.0.0.1:10077

domid() { xlf "$1" 2; }
sysfs_vbd() { echo "/sys/bus/xen-backend/devices/vbd-$1-51712/statistics"; }
# blkback's counters of DOMID as "rd_req rd_bytes wr_req wr_bytes errs"
sys_blk() {
    sb_=$(sysfs_vbd "$1")
    [ -d "$sb_" ] || { echo "no $sb_"; return 1; }
    echo "$(cat "$sb_/rd_req") $(($(cat "$sb_/rd_sect") * 512)) $(cat "$sb_/wr_req")" \
         "$(($(cat "$sb_/wr_sect") * 512)) $(cat "$sb_/oo_req")"
}
# netback's counters of vifDOMID.0 in the guest's view: "rx_bytes rx_packets
# rx_errs rx_drop tx_bytes tx_packets tx_errs tx_drop", rx = what the vif sent
sys_if() {
    si_=/sys/class/net/vif$1.0/statistics
    [ -d "$si_" ] || { echo "no $si_"; return 1; }
    echo "$(cat "$si_/tx_bytes") $(cat "$si_/tx_packets") $(cat "$si_/tx_errors")" \
         "$(cat "$si_/tx_dropped") $(cat "$si_/rx_bytes") $(cat "$si_/rx_packets")" \
         "$(cat "$si_/rx_errors") $(cat "$si_/rx_dropped")"
}
# bracket SYSFN DOMID -- COMMAND...: BR_SYS (SYSFN DOMID before and after agree),
# BR_GOT (COMMAND's output, its errors in BR_ERR), BR_RC
bracket() {
    br_fn=$1 br_id=$2; shift 3
    br_i=0
    while [ $br_i -lt 10 ]; do
        br_a=$($br_fn "$br_id")
        BR_GOT=$("$@" 2>"$W/br.err"); BR_RC=$?
        br_b=$($br_fn "$br_id")
        [ "$br_a" = "$br_b" ] && break
        br_i=$((br_i + 1))
    done
    BR_SYS=$br_a
    BR_ERR=$(cat "$W/br.err")
}
# same NAME: BR_GOT equals BR_SYS (after a successful call)
same() {
    if [ "$BR_RC" != 0 ]; then
        not_ok "$1" "the call failed ($BR_RC): $BR_ERR"
    else
        is "$1" "$BR_GOT" "$BR_SYS"
    fi
}
field() { echo "$1" | awk -v f="$2" '{print $f}'; }
# num1 "V V ...": each metric value as a plain integer (1.3e+08 -> 130000000)
num1() { for n1_ in $1; do printf '%s\n' "$(num "$n1_")"; done | tr '\n' ' ' | sed 's/ $//'; }
# within NAME GOT LOW HIGH: each field of GOT lies between LOW's and HIGH's
within() {
    if [ -n "$2" ] && echo "$2|$3|$4" | awk -F'|' '{
            n = split($1, g, " "); split($2, a, " "); split($3, b, " ")
            if (n == 0 || n != split($2, a, " ")) exit 1
            for (i = 1; i <= n; i++) if (g[i] + 0 < a[i] + 0 || g[i] + 0 > b[i] + 0) exit 1 }'; then
        ok "$1"
    else
        not_ok "$1" "got:    '$2'" "before: '$3'" "after:  '$4'"
    fi
}
# grows NAME BEFORE AFTER FIELD...: each FIELD (1-based) of AFTER is above BEFORE's
grows() {
    gr_name=$1 gr_a=$2 gr_b=$3; shift 3
    gr_bad=""
    for gr_f in "$@"; do
        [ "$(field "$gr_b" "$gr_f")" -gt "$(field "$gr_a" "$gr_f")" ] 2>/dev/null ||
            gr_bad="$gr_bad field $gr_f"
    done
    if [ -z "$gr_bad" ]; then ok "$gr_name"; else
        not_ok "$gr_name" "did not grow:$gr_bad" "before: $gr_a" "after:  $gr_b"
    fi
}
# xvirsh_has CMD: xvirsh knows the command (the xvirsh commands land separately)
xvirsh_has() { ! xvirsh -c "$URI" "$1" 2>&1 | grep -q 'unknown command'; }
# the virsh layout "DEV FIELD VALUE" of domblkstat/domifstat -> the probe's order
virsh_blk() {
    xvirsh -r -c "$URI" domblkstat "$1" "$2" | awk '
        {v[$2] = $3} END {print v["rd_req"], v["rd_bytes"], v["wr_req"], v["wr_bytes"], v["errs"]}'
}
virsh_if() {
    xvirsh -r -c "$URI" domifstat "$1" "$2" | awk '
        {v[$2] = $3} END {print v["rx_bytes"], v["rx_packets"], v["rx_errs"], v["rx_drop"],
                               v["tx_bytes"], v["tx_packets"], v["tx_errs"], v["tx_drop"]}'
}
# xenpm's idle time of CPU (ms), or of all CPUs summed (no argument)
xenpm_idle_ms() {
    xenpm get-cpuidle-states ${1:+"$1"} 2>/dev/null |
        awk -F: '/idle time\(ms\)/ {s += $2} END {printf "%d", s}'
}

section "devices"
diag "xl list:" "$(xl list)"
for d in $DOMUS; do
    id=$(domid "$d")
    diag "$d (id $id): xl block-list: $(xl block-list "$d" | tail -n +2 | tr -s ' ')"
    diag "$d: xl network-list: $(xl network-list "$d" | tail -n +2 | tr -s ' ')"
    diag "$d: backend vif keys: $(xenstore-ls "/local/domain/0/backend/vif/$id/0" 2>&1 |
        grep -E '^(mac|bridge|script|vifname|state) ' | tr -s ' ' | tr '\n' ';')"
done

# ================================================================== API vs backends
section "virDomainBlockStats / virDomainInterfaceStats vs sysfs"
for d in $DOMUS; do
    id=$(domid "$d")
    bracket sys_blk "$id" -- "$PROBE" blk "$d" xvda
    same "$d: virDomainBlockStats(xvda) = blkback's vbd-$id-51712 counters"
    bracket sys_blk "$id" -- "$PROBE" blk "$d" "/xenlab/disks/$d.img"
    same "$d: virDomainBlockStats by source path = the same counters"
    bracket sys_if "$id" -- "$PROBE" if "$d" "vif$id.0"
    same "$d: virDomainInterfaceStats(vif$id.0) = netback's counters, rx/tx swapped"
    mac=$(xenstore-read "/local/domain/0/backend/vif/$id/0/mac" 2>/dev/null)
    bracket sys_if "$id" -- "$PROBE" if "$d" "$mac"
    same "$d: virDomainInterfaceStats by MAC ($mac) = the same counters"
    "$PROBE" blk "$d" xvdz >/dev/null 2>"$W/err"
    like "$d: an unknown disk is 'invalid path: xvdz'" "$W/err" 'invalid path: xvdz$'
    "$PROBE" if "$d" vif999.0 >/dev/null 2>"$W/err"
    like "$d: an unknown interface is not known" "$W/err" "'vif999.0' is not a known interface"
done

section "the counters grow under the guests' I/O"
for d in $DOMUS; do
    b1=$("$PROBE" blk "$d" xvda) i1=$("$PROBE" if "$d" "vif$(domid "$d").0")
    sleep 5
    b2=$("$PROBE" blk "$d" xvda) i2=$("$PROBE" if "$d" "vif$(domid "$d").0")
    grows "$d: rd_req, rd_bytes, wr_req, wr_bytes grow in 5 s" "$b1" "$b2" 1 2 3 4
    grows "$d: rx and tx bytes and packets grow in 5 s (pings)" "$i1" "$i2" 1 2 5 6
    diag "$d: block $b1 -> $b2; interface $i1 -> $i2"
done

# ================================================================== domain XML
section "domain XML: <disk> and <interface> as libvirt writes them"
for d in $DOMUS; do
    id=$(domid "$d")
    xvirsh -r -c "$URI" dumpxml "$d" >"$W/$d.xml" 2>&1
    like "$d: <target dev='xvda'/> in <disk>" "$W/$d.xml" "<target dev='xvda'"
    like "$d: the disk's <source> is its backend's params" "$W/$d.xml" \
        "<source (dev|file)='/xenlab/disks/$d.img'/>"
    mac=$(xenstore-read "/local/domain/0/backend/vif/$id/0/mac" 2>/dev/null)
    like "$d: <mac address='$mac'/> is the backend's mac" "$W/$d.xml" "<mac address='$mac'/>"
    like "$d: <target dev='vif$id.0'/> names netback's device" "$W/$d.xml" \
        "<target dev='vif$id.0'/>"
    br=$(xenstore-read "/local/domain/0/backend/vif/$id/0/bridge" 2>/dev/null)
    if [ -n "$br" ]; then
        like "$d: <source bridge='$br'/> is the backend's bridge" "$W/$d.xml" \
            "<source bridge='$br'/>"
    else
        unlike "$d: no <source bridge> (the vif is routed: no bridge key)" "$W/$d.xml" \
            "<source bridge="
    fi
done

# ================================================================== xvirsh
section "xvirsh domblkstat, domifstat, nodecpustats"
for d in $DOMUS; do
    id=$(domid "$d")
    if xvirsh_has domblkstat; then
        bracket sys_blk "$id" -- virsh_blk "$d" xvda
        same "$d: xvirsh domblkstat xvda = blkback's counters"
    else
        skip "$d: xvirsh domblkstat xvda = blkback's counters" "xvirsh has no domblkstat yet"
    fi
    if xvirsh_has domifstat; then
        bracket sys_if "$id" -- virsh_if "$d" "vif$id.0"
        same "$d: xvirsh domifstat vif$id.0 = netback's counters, rx/tx swapped"
    else
        skip "$d: xvirsh domifstat vif$id.0 = netback's counters" "xvirsh has no domifstat yet"
    fi
done

# ================================================================== pCPU idle
section "virNodeGetCPUStats idle vs xenpm"
c=0
while [ "$c" -lt "${NCPU:-0}" ]; do
    a=$(xenpm_idle_ms "$c"); p=$("$PROBE" cpu "$c"); b=$(xenpm_idle_ms "$c")
    pm=$((p / 1000000))
    if [ -n "$p" ] && [ "$pm" -ge "$a" ] && [ "$pm" -le "$b" ]; then
        ok "CPU $c: idle ${pm} ms lies between xenpm's $a and $b ms"
    else
        not_ok "CPU $c: idle within xenpm's reading" "xenpm $a ms, then $b ms; API '$p' ns"
    fi
    c=$((c + 1))
done
a=$(xenpm_idle_ms); p=$("$PROBE" cpu -1); b=$(xenpm_idle_ms)
pm=$((${p:-0} / 1000000))
if [ -n "$p" ] && [ "$pm" -ge "$((a - NCPU))" ] && [ "$pm" -le "$((b + NCPU))" ]; then
    ok "all CPUs: idle ${pm} ms lies between xenpm's sums $a and $b ms (+-1 ms per CPU)"
else
    not_ok "all CPUs: idle = the sum of xenpm's" "xenpm $a ms, then $b ms; API '$p' ns"
fi
if xvirsh_has nodecpustats; then
    a=$(xenpm_idle_ms 0)
    x=$(xvirsh -r -c "$URI" nodecpustats --cpu 0 2>&1 | awk '/^idle:/ {print $2}')
    b=$(xenpm_idle_ms 0)
    xm=$((${x:-0} / 1000000))
    if [ -n "$x" ] && [ "$xm" -ge "$a" ] && [ "$xm" -le "$b" ]; then
        ok "xvirsh nodecpustats 0: idle ${xm} ms lies between xenpm's $a and $b ms"
    else
        not_ok "xvirsh nodecpustats 0: idle within xenpm's" "xenpm $a, $b ms; xvirsh '$x'"
    fi
else
    skip "xvirsh nodecpustats 0: idle within xenpm's" "xvirsh has no nodecpustats yet"
fi

# ================================================================== cost
section "cost of a sample: preads only; xenstore read only on change"
# shellcheck disable=SC2086
"$PROBE" loop 10 $DOMUS >"$W/loop" 2>&1
n=$(echo "$DOMUS" | wc -w)
want=$((n * 13))
bad=$(awk -v w="$want" '$1 == "sample" && $4 != w' "$W/loop")
if [ -s "$W/loop" ] && grep -q '^sample 10 ' "$W/loop" && [ -z "$bad" ]; then
    ok "10 samples of $n disks and $n vifs: $want read calls each (5 + 8 preads a domain, no xenstore)"
else
    not_ok "each sample is $want read calls" "$W/loop"
fi
# xenstored's own trace of the requests: the backend folders are read by the
# first sample only, however many follow
xs_backend_reads() {
    rm -f "$W/xs.log"
    xenstore-control logfile "$W/xs.log" >/dev/null 2>&1
    xenstore-control log on >/dev/null 2>&1
    # shellcheck disable=SC2086
    "$PROBE" loop "$1" $DOMUS >/dev/null 2>&1
    xenstore-control log off >/dev/null 2>&1
    grep -E '(READ|DIRECTORY) \(/local/domain/0/backend/' "$W/xs.log" 2>/dev/null |
        grep -c '^IN'
}
r1=$(xs_backend_reads 1); r20=$(xs_backend_reads 20)
diag "xenstored trace: backend reads with 1 sample: $r1, with 20 samples: $r20"
diag "trace lines: $(grep -E 'backend/' "$W/xs.log" 2>/dev/null | head -n 4)"
if [ "${r1:-0}" -gt 0 ] && [ "$r1" = "$r20" ]; then
    ok "xenstored's trace: 1 sample and 20 samples read the backend folders alike ($r1 requests)"
else
    not_ok "xenstore is read once, not per sample" "1 sample: '$r1', 20 samples: '$r20'"
fi
"$PROBE" compare 200 >"$W/compare" 2>&1
diag "libxvirt vs libxenstat, 200 samples:" "$(cat "$W/compare")"
check "libxenstat and libxvirt both read every domain's counters (io-probe compare)" \
    grep -q '^libxenstat ' "$W/compare"

# ================================================================== the agent
section "xvirt-agent: block and net families vs sysfs"
xvirt-agent -c data/agent.yaml >"$W/agent.log" 2>&1 &
AGENT_PID=$!
waitfor 20 scrape
if ! grep -q '^xvirt_domain_block_read_bytes_total' "$W/metrics" 2>/dev/null; then
    why="the agent has no block/net collectors in this build"
    for d in $DOMUS; do
        skip "agent: $d block counters = blkback's (domain paused)" "$why"
        skip "agent: $d interface counters = netback's, swapped (domain paused)" "$why"
    done
else
    for d in $DOMUS; do
        id=$(domid "$d")
        xl pause "$d"
        # a paused guest still receives: netback fills its ring from dom0,
        # so the agent's sample lies between a read before it and one after
        sb=$(sys_blk "$id"); si=$(sys_if "$id")
        sleep 2.5
        scrape
        sb2=$(sys_blk "$id"); si2=$(sys_if "$id")
        got="$(metric xvirt_domain_block_read_requests_total domain="$d" device=xvda)"
        got="$got $(metric xvirt_domain_block_read_bytes_total domain="$d" device=xvda)"
        got="$got $(metric xvirt_domain_block_write_requests_total domain="$d" device=xvda)"
        got="$got $(metric xvirt_domain_block_write_bytes_total domain="$d" device=xvda)"
        got="$got $(metric xvirt_domain_block_errors_total domain="$d" device=xvda)"
        within "agent: $d block counters = blkback's (domain paused)" "$(num1 "$got")" "$sb" "$sb2"
        got=""
        for f in receive_bytes receive_packets receive_errors receive_drops transmit_bytes \
                 transmit_packets transmit_errors transmit_drops; do
            got="$got $(metric "xvirt_domain_interface_${f}_total" domain="$d" device="vif$id.0")"
        done
        within "agent: $d interface counters = netback's, swapped (domain paused)" \
            "$(num1 "$got")" "$si" "$si2"
        xl unpause "$d"
    done
fi

# ================================================================== nodedump
section "xvirsh nodedump: the lab host as a test-driver node, and a what-if on it"
COPY=$W/host.xml
CURI="test://$COPY"
xvirsh -r -c "$URI" nodedump --samples 3 --interval 2s --file "$COPY" >"$W/nodedump.out" 2>&1
is "nodedump of the lab host: exit status 0" "$?" 0
diag "$(cat "$W/nodedump.out")" "$(grep -c '<domain ' "$COPY" 2>/dev/null) domains in $COPY"
# view URI CMD...: xvirsh's output with what a copy cannot have made alike: the
# CPU time (the copy's starts at 0), Xen's idle (blocked) guests, which run on
# the copy, a vcpu's current pCPU, and runs of blanks
view() {
    vu_=$1; shift
    xvirsh -r -c "$vu_" "$@" 2>&1 | grep -v '^CPU time:' | grep -v '^CPU: ' |
        sed -e 's/ idle$/ running/' -e 's/ blocked$/ running/' -e 's/  */ /g'
}
# same_view NAME CMD...: CMD shows the same on the host and on its copy
same_view() {
    sv_=$1; shift
    view "$URI" "$@" >"$W/host.view"
    view "$CURI" "$@" >"$W/copy.view"
    if cmp -s "$W/host.view" "$W/copy.view"; then
        ok "$sv_"
    else
        not_ok "$sv_" "host:" "$(cat "$W/host.view")" "copy:" "$(cat "$W/copy.view")"
    fi
}
same_view "the copy lists the host's domains, IDs and states" list --all
for d in Domain-0 $DOMUS; do
    same_view "$d: dominfo on the copy = on the host (but CPU time)" dominfo "$d"
    same_view "$d: vcpuinfo on the copy = on the host (affinities; not CPU time, pCPU)" \
        vcpuinfo "$d"
    same_view "$d: dommemstat on the copy = on the host" dommemstat "$d"
done
# the free memory moves by a few pages while dom0 runs: within 1 MiB
hf=$(xvirsh -r -c "$URI" freecell 2>&1 | awk '$1 == "Total:" {print $2}')
cf=$(xvirsh -r -c "$CURI" freecell 2>&1 | awk '$1 == "Total:" {print $2}')
if [ -n "$hf" ] && [ -n "$cf" ] && [ $((hf - cf)) -le 1024 ] && [ $((cf - hf)) -le 1024 ]; then
    ok "freecell on the copy = on the host ($cf KiB, host $hf KiB)"
else
    not_ok "freecell on the copy = on the host" "host '$hf' KiB, copy '$cf' KiB"
fi
like "the vcpus' loads were measured" "$COPY" "<xvirt:vcpu-load vcpu=.0. load="
like "the disks' I/O rates were measured" "$COPY" "<xvirt:io device=.xvda. rd-req="
# the same from the running agent, over HTTP from dom0 itself (loopback)
if timeout 30 wget -q -O "$W/agent-dump.xml" "$AGENT_URL/debug/nodedump?samples=2&interval=1s"; then
    ok "the agent's /debug/nodedump answers 200 on loopback"
else
    not_ok "the agent's /debug/nodedump answers 200 on loopback" "$(tail -n 5 "$W/agent.log")"
fi
view "$URI" list --all >"$W/host.view"
view "test://$W/agent-dump.xml" list --all >"$W/copy.view"
if cmp -s "$W/host.view" "$W/copy.view"; then
    ok "the agent's dump lists the host's domains, IDs and states"
else
    not_ok "the agent's dump lists the host's domains, IDs and states" \
        "host:" "$(cat "$W/host.view")" "dump:" "$(cat "$W/copy.view")"
fi

# a what-if of six hours on the copy: a crash of domu2 at 0:10, the host's free
# memory 64 MiB lower at 1:00
printf '%s\n' "sampling:" "  interval: 5s" "policies:" "  - name: restart" \
    "    type: restart" "  - name: autopin" "    type: autopin" "    strategy: spread" \
    >"$W/whatif.yaml"
printf '%s\n' '<xvirt:events xmlns:xvirt="http://xvirt.dev/schemas/test/1.0">' \
    "  <xvirt:crash at='00:10' domain='domu2'/>" \
    "  <xvirt:host-free at='01:00' drop-kib='65536'/>" '</xvirt:events>' \
    >"$W/whatif-events.xml"
t0=$(up)
xvirt-agent --what-if --config "$W/whatif.yaml" --connect "$CURI" --for 6h \
    --events "$W/whatif-events.xml" >"$W/whatif.out" 2>"$W/whatif.err"
wrc=$?
diag "the what-if took $(since "$t0")s:" "$(cat "$W/whatif.out" "$W/whatif.err")"
case $wrc in
0|1) ok "a six-hour what-if on the copy ran (exit status $wrc)" ;;
*) not_ok "a six-hour what-if on the copy ran" "exit status $wrc" ;;
esac
like "what-if: 4321 samples, every 5 s for 6 h" "$W/whatif.out" \
    "^What-if on $CURI: 2 policies, 6h of simulated time, a sample every 5s and at each lifecycle event; 4321 samples"
like "what-if: domu2's crash at 0:10 is in the timeline" "$W/whatif.out" \
    '^  00:10:00\.000  \(event\) +domu2 +(Crashed|Stopped) '
like "what-if: the summary counts the actions of both policies" "$W/whatif.out" \
    '^    autopin \(autopin\): '

# ================================================================== reboot
section "xl reboot: new backends, counters from zero"
d=domu1
old=$(domid "$d")
before=$("$PROBE" blk "$d" xvda)
xl reboot "$d" >/dev/null 2>&1
waitfor 90 booted "$d" 2
new=$(domid "$d")
diag "$d: id $old -> $new after ${WAITED}s; counters before: $before"
if [ -n "$new" ] && [ "$new" != "$old" ]; then
    ok "$d rebooted with a new domid ($old -> $new)"
else
    not_ok "$d rebooted with a new domid" "old '$old', new '$new'"
fi
check "vbd-$old-51712 and vif$old.0 are gone" \
    sh -c "[ ! -e /sys/bus/xen-backend/devices/vbd-$old-51712 ] && [ ! -e /sys/class/net/vif$old.0 ]"
bracket sys_blk "$new" -- "$PROBE" blk "$d" xvda
same "$d: after the reboot, virDomainBlockStats = vbd-$new-51712's counters"
after=$BR_GOT
if [ "$(field "$after" 3)" -lt "$(field "$before" 3)" ] 2>/dev/null &&
   [ "$(field "$after" 4)" -lt "$(field "$before" 4)" ] 2>/dev/null; then
    ok "$d: the write counters restarted from zero ($(field "$before" 3) -> $(field "$after" 3) requests)"
else
    not_ok "$d: the counters restarted from zero" "before: $before" "after: $after"
fi
bracket sys_if "$new" -- "$PROBE" if "$d" "vif$new.0"
same "$d: after the reboot, virDomainInterfaceStats(vif$new.0) = netback's counters"
"$PROBE" if "$d" "vif$old.0" >/dev/null 2>"$W/err"
like "$d: the old vif$old.0 is no longer one of its interfaces" "$W/err" \
    "'vif$old.0' is not a known interface"
if grep -q '^xvirt_domain_block_read_bytes_total' "$W/metrics" 2>/dev/null; then
    # the new domain's devices appear once its backends are up and a
    # sample has read them
    agent_has_new() {
        scrape && grep -q "device=\"vif$new.0\"" "$W/metrics" &&
            [ -n "$(metric xvirt_domain_block_write_requests_total domain="$d" device=xvda)" ]
    }
    waitfor 30 agent_has_new
    got=$(metric xvirt_domain_block_write_requests_total domain="$d" device=xvda)
    cmp_num "agent: $d write requests restarted too" "$got" '<' "$(field "$before" 3)"
    [ -n "$got" ] || diag "after ${WAITED}s, $d in the scrape:" \
        "$(grep "domain=\"$d\"" "$W/metrics" | grep -E 'block|interface|sample_errors' | head -n 12)" \
        "$(grep sample_errors_total "$W/metrics" | head -n 20)" "$(tail -n 20 "$W/agent.log")"
else
    skip "agent: $d write requests restarted too" "the agent has no block/net collectors in this build"
fi
kill "$AGENT_PID" 2>/dev/null
wait "$AGENT_PID" 2>/dev/null

lab_end
