#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# in-dom0.sh: the Xen lab checks, run in dom0 by tests/xen/run-lab-suite: xvirsh (xen:///)
# and xvirt-agent against xl, on real Xen 4.17. POSIX sh (dom0 has only busybox).
#
# Output is TAP: "ok N - what", "not ok N - what" with "# " diagnostics, and
# "ok N - what # SKIP why" when xvirsh says the call is not supported (the Xen
# driver is landing call by call), so the suite runs green on a partial driver.
# The whole TAP stream is printed again at the end between XVIRT-TAP-BEGIN and
# XVIRT-TAP-END: Xen shares the serial line, and the copy is the clean one.
#
# The lab gives: domu1 and domu2 (xl-created PV domUs, 128 MiB, maxmem 256 MiB,
# 2 of 2 vCPUs, on_poweroff destroy, on_reboot restart, on_crash preserve),
# /xenlab/vmlinux and /xenlab/domu.cpio.gz for new domUs, whose busybox init prints
# "XENLAB-DOMU: NAME up" to /var/log/xen/console/guest-NAME.log.
#
# Order: read checks, read-only refusals, the agent, then the write checks
# (domu1: vcpupin, suspend/resume, reboot, setmem, setmaxmem, setvcpus, shutdown;
# domu2: save/restore, crash, destroy; domx: create, reboot, shutdown (the driver's
# lifecycle monitor); domz: create, crash (on_crash restart), destroy; domy: define,
# start, undefine).
set -u
cd "$(dirname "$0")" || exit 1
TAP_FILE=/tmp/xvirt-lab.tap
W=/tmp/xvirt-lab
# ------------------------------------------------------------------ TAP, time, xl, /metrics
# lab.env, PATH; ok, not_ok, skip, todo, check, is, diag (tests/common/tap.sh),
# section, waitfor, xlf, xlhas, booted, ynmap, scrape, metric, lab_end...
# (lab_common.sh, shipped beside this script with tap.sh by run-lab-suite).
. ./lab_common.sh

# The Xen driver's lifecycle monitor, one per domain xvirsh starts (lab.env sets it).
if [ -z "${XVIRT_XEN_MONITOR:-}" ] && [ -x "$HERE/libexec/xvirt-xen-monitor" ]; then
    XVIRT_XEN_MONITOR=$HERE/libexec/xvirt-xen-monitor
    export XVIRT_XEN_MONITOR
fi
MONLOG=${XVIRT_XEN_STATE_DIR:-/var/lib/xvirt/xen}/monitor.log
URI=xen:///
XEN_DRIVER=${XVIRT_LAB_XEN_DRIVER:-1}
: >"$W/unsupported"
: >"$W/metrics"

# ------------------------------------------------------------------ xvirsh
# xv [-r] ARGS...: runs xvirsh on xen:/// (read-only with -r); XO output, XRC status
xv() {
    if [ "$1" = -r ]; then shift; set -- -r -c "$URI" "$@"; else set -- -c "$URI" "$@"; fi
    XO=$(timeout 150 xvirsh "$@" 2>&1); XRC=$?
    [ "$TRACE" != 1 ] || diag "xvirsh $* -> $XRC" "$XO"
    return $XRC
}
# the reason to skip, if xvirsh's output says the call is not supported
unsupported() {
    ur_=$(printf '%s\n' "$XO" | grep -i 'not supported' | head -n 1)
    if [ -z "$ur_" ] && [ "$XEN_DRIVER" = 0 ]; then
        ur_=$(printf '%s\n' "$XO" | grep 'built without the Xen driver' | head -n 1)
    fi
    [ -n "$ur_" ] || return 1
    printf '%s\n' "$ur_" | grep -o 'vir[A-Za-z]*' >>"$W/unsupported"
    printf '%s' "${ur_#error: }"
}
oneline() { printf '%s' "$*" | tr '\n' ' ' | cut -c1-400; }
# A chain (create ... destroy, define ... undefine, save ... restore): the calls
# and checks after chain_begin only run if the action before it succeeded.
CH=ok CHWHY=""
chain_begin() { CH=$AOK; CHWHY=$AWHY; }
chain_end() { CH=ok; CHWHY=""; }
chainwhy() {
    if [ "$CH" = skip ]; then printf 'needs an earlier call: %s' "$CHWHY"; else printf '%s' "an earlier call of this sequence failed"; fi
}
# xvcall ARGS...: a read call; XOK=ok|skip|fail and WHY for the checks that compare it
xvcall() {
    if [ "$CH" != ok ]; then XOK=skip; WHY=$(chainwhy); return 1; fi
    if xv "$@"; then XOK=ok; WHY=""; return 0; fi
    if WHY=$(unsupported); then XOK=skip; else
        XOK=fail; WHY="xvirsh $* exited $XRC: $(oneline "$XO")"
    fi
    return 1
}
# gate DESC: reports DESC as skipped or failed if the last xvcall did not succeed
gate() {
    case $XOK in
        ok) return 0 ;;
        skip) skip "$1" "$WHY" ;;
        *) not_ok "$1" "$WHY" ;;
    esac
    return 1
}
# eq DESC GOT WANT: GOT is xvirsh's (or the agent's) value, WANT xl's
eq() {
    gate "$1" || return 0
    if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1" "xvirsh: '$2', xl: '$3'"; fi
}
# act DESC ARGS...: a write call, reported as a check; AOK/AWHY for its dependents
act() {
    ad_=$1; shift
    xvcall "$@"; AOK=$XOK; AWHY=$WHY
    gate "$ad_" && ok "$ad_"
    [ "$AOK" = ok ]
}
# dep DESC: reports DESC as skipped when the action it depends on did not succeed
dep() {
    case $AOK in
        ok) return 0 ;;
        skip) skip "$1" "$AWHY" ;;
        *) skip "$1" "the xvirsh call it verifies failed" ;;
    esac
    return 1
}
# depwait DESC SECS COMMAND...: dependent check that polls xl
depwait() {
    dd_=$1 ds_=$2; shift 2
    dep "$dd_" || return 0
    if waitfor "$ds_" "$@"; then ok "$dd_ (after ${WAITED}s)"; else not_ok "$dd_" "not within ${ds_}s"; fi
}
field() { printf '%s\n' "$XO" | sed -n "s/^$1: *//p" | head -n 1; }   # "Key: value" of XO
xvlist() {   # xvirsh list output (XO) -> "id name state" lines
    printf '%s\n' "$XO" | awk 'NR > 2 && NF >= 3 {
        id = $1; name = $2; $1 = ""; $2 = ""; sub(/^ +/, ""); print id, name, $0 }'
}

# ------------------------------------------------------------------ xl
xlinfo() { sed -n "s/^$1 *: *//p" "$W/xlinfo"; }
xlsnap() { xl list -v >"$1" 2>/dev/null; }                          # a snapshot of xl list -v
sf() { awk -v d="$2" -v f="$3" 'NR > 1 && $1 == d {print $f}' "$1"; }  # sf SNAPSHOT DOM FIELD
xlstate_lacks() { xlhas "$1" && ! xlstate_has "$1" "$2"; }
xlmem_is() { [ "$(xlf "$1" 3)" = "$2" ]; }
xlvcpus_is() { [ "$(xlf "$1" 4)" = "$2" ]; }
newid() { id_=$(xl domid "$1" 2>/dev/null) && [ "$id_" != "$2" ] && xlstate_lacks "$1" s; }  # NAME OLD-ID
# the pids of the lifecycle monitors of the domain with UUID $1 (xvirt-xen-monitor --uuid)
monitors() {
    for p_ in /proc/[0-9]*; do
        case $(tr '\0' ' ' <"$p_/cmdline" 2>/dev/null) in
            *xvirt-xen-monitor*"--uuid $1"*) echo "${p_#/proc/}" ;;
        esac
    done
}
one_monitor() { [ "$(monitors "$1" | wc -l)" -eq 1 ]; }
no_monitor() { [ -z "$(monitors "$1")" ]; }
monlog() { diag "monitor log (last lines):" "$(tail -n 6 "$MONLOG" 2>/dev/null)"; }
# state classes: xl's flags (r b p s c d) and xvirsh's names compare as
# active (running, idle, no state), paused, shutdown, crashed
xlclass() {
    case $1 in
        *c*) echo crashed ;; *[sd]*) echo shutdown ;; *p*) echo paused ;; *) echo active ;;
    esac
}
xvclass() {
    case $1 in
        running | idle | "no state") echo active ;;
        paused) echo paused ;; crashed) echo crashed ;;
        "in shutdown" | "shut off") echo shutdown ;; *) echo "unknown($1)" ;;
    esac
}
promclass() {   # xvirt_domain_state value -> class
    case $1 in 0 | 1 | 2) echo active ;; 3) echo paused ;; 4 | 5) echo shutdown ;;
        6) echo crashed ;; *) echo "unknown($1)" ;; esac
}
# xvirsh vcpuinfo output (XO) -> "vcpu cpu state affinity" lines (state: r b p as xl)
xvvcpus() {
    printf '%s\n' "$XO" | awk -F': *' '
        /^VCPU:/ {v = $2} /^CPU:/ {c = $2} /^State:/ {s = $2}
        /^CPU Affinity:/ {
            st = (s == "running") ? "r" : (s == "blocked") ? "b" : (s == "offline") ? "p" : \
                 (s == "no state") ? "-" : s
            print v, c, st, $2 }'
}
# Xen's own max_pages of a domain, in KiB (from the 'q' debug key's dump)
xen_maxkib() {
    xl debug-keys q >/dev/null 2>&1
    xl dmesg -c 2>/dev/null | awk -v d="$1" '
        /General information for domain/ {cur = $NF; sub(/:$/, "", cur)}
        cur == d && /max_pages=/ {
            for (i = 1; i <= NF; i++) if ($i ~ /^max_pages=/) {sub(/max_pages=/, "", $i); v = $i} }
        END {if (v != "") print v * 4}'
}

# ------------------------------------------------------------------ agent
AGENT_URL=http://127.0.0.1:10077
AGENT_UP=0
label() {   # label NAME LABEL [LABEL=VALUE]...: a label's value of the first matching series
    ln_=$1 ll_=$2; shift 2
    awk -v name="$ln_" -v lab="$ll_" -v want="$*" '
        index($0, name "{") == 1 {
            k = split(want, w, " "); hit = 1
            for (i = 1; i <= k; i++) {
                split(w[i], kv, "="); if (index($0, kv[1] "=\"" kv[2] "\"") == 0) hit = 0 }
            if (!hit) next
            s = $0; p = index(s, lab "=\""); if (!p) next
            s = substr(s, p + length(lab) + 2); print substr(s, 1, index(s, "\"") - 1); exit }' \
        "$W/metrics"
}
metric_state_is() {   # metric_state_is DOM CLASS: after a fresh scrape
    scrape && [ "$(promclass "$(metric xvirt_domain_state domain="$1")")" = "$2" ]
}
metric_has_domain() { scrape && [ -n "$(metric xvirt_domain_id domain="$1")" ]; }
metric_lacks_domain() { scrape && [ -z "$(metric xvirt_domain_id domain="$1")" ]; }
mib() { awk -v v="$1" 'BEGIN {printf "%d", v / 1048576}'; }  # bytes -> MiB (floor)

# ================================================================== setup
diag "xvirt Xen lab suite: build ${XVIRT_LAB_BUILD:-?}, Xen driver built: $XEN_DRIVER"
xl info >"$W/xlinfo" 2>&1
NCPU=$(xlinfo nr_cpus)
diag "$(grep -E '^(xen_version|nr_cpus|nr_nodes|cores_per_socket|threads_per_core|cpu_mhz|total_memory|xen_scheduler)' "$W/xlinfo")"
diag "$(xl list -v)"
if ! co_=$(xvirsh -v 2>&1); then
    bail_out "xvirsh does not run in dom0 (missing library?): $(oneline "$co_")"
fi
DOMS="Domain-0 domu1 domu2"
for d in domu1 domu2; do
    xlhas $d || bail_out "the lab did not start $d"
done

# ================================================================== reads
section "version"
xvcall version
hv=$(printf '%s\n' "$XO" | sed -n 's/^Running hypervisor: //p')
eq "version: the hypervisor is Xen $(xlinfo xen_major).$(xlinfo xen_minor)" \
   "$(echo "$hv" | awk '{split($2, v, "."); print $1, v[1] "." v[2]}')" \
   "Xen $(xlinfo xen_major).$(xlinfo xen_minor)"
eq "version: the release number is xl's ($(xlinfo xen_version))" \
   "$(echo "$hv" | awk '{print $2}')" "$(xlinfo xen_version | sed 's/[^0-9.].*//')"

section "nodeinfo vs xl info"
xvcall nodeinfo
eq "nodeinfo: CPU(s) = nr_cpus" "$(field 'CPU(s)')" "$NCPU"
eq "nodeinfo: CPU frequency = cpu_mhz" "$(field 'CPU frequency')" "$(xlinfo cpu_mhz | cut -d. -f1) MHz"
eq "nodeinfo: Memory size = total_memory (MiB, rounded down)" \
   "$(field 'Memory size' | awk '{printf "%d", $1 / 1024}')" "$(xlinfo total_memory)"
eq "nodeinfo: NUMA cell(s) = nr_nodes" "$(field 'NUMA cell(s)')" "$(xlinfo nr_nodes)"
eq "nodeinfo: Core(s) per socket = cores_per_socket" "$(field 'Core(s) per socket')" "$(xlinfo cores_per_socket)"
eq "nodeinfo: Thread(s) per core = threads_per_core" "$(field 'Thread(s) per core')" "$(xlinfo threads_per_core)"
eq "nodeinfo: CPU socket(s) = nr_cpus / (nr_nodes * cores * threads)" "$(field 'CPU socket(s)')" \
   "$((NCPU / ($(xlinfo nr_nodes) * $(xlinfo cores_per_socket) * $(xlinfo threads_per_core))))"
eq "nodeinfo: CPU model = machine" "$(field 'CPU model')" "$(xlinfo machine)"

section "list vs xl list"
xl list | awk 'NR > 1 {print $2, $1}' | sort >"$W/xl.ids"
xvcall list
xvlist | awk '{print $1, $2}' | sort >"$W/xv.ids"
eq "list: the same domains and IDs as xl list" "$(tr '\n' ' ' <"$W/xv.ids")" "$(tr '\n' ' ' <"$W/xl.ids")"
xl list | awk 'NR > 1 {print $1, $5}' | while read -r d s; do echo "$d $(xlclass "$s")"; done | sort >"$W/xl.cls"
xvlist | while read -r i d s; do echo "$d $(xvclass "$s")"; done | sort >"$W/xv.cls"
eq "list: the same states as xl list" "$(tr '\n' ' ' <"$W/xv.cls")" "$(tr '\n' ' ' <"$W/xl.cls")"

section "dominfo vs xl list"
# xl list -v before and after each dominfo: the CPU time must lie in between
for d in $DOMS; do
    xlsnap "$W/s.a"
    xvcall dominfo "$d"
    xlsnap "$W/s.b"
    t0=$(sf "$W/s.a" "$d" 6) t1=$(sf "$W/s.b" "$d" 6)
    eq "dominfo $d: Id" "$(field Id)" "$(sf "$W/s.a" "$d" 2)"
    eq "dominfo $d: UUID" "$(field UUID)" "$(sf "$W/s.a" "$d" 7)"
    eq "dominfo $d: OS Type linux (PV)" "$(field 'OS Type')" linux
    eq "dominfo $d: State" "$(xvclass "$(field State)")" "$(xlclass "$(sf "$W/s.a" "$d" 5)")"
    eq "dominfo $d: CPU(s) = xl VCPUs" "$(field 'CPU(s)')" "$(sf "$W/s.a" "$d" 4)"
    eq "dominfo $d: Used memory = xl Mem (MiB)" \
       "$(field 'Used memory' | awk '{printf "%d", $1 / 1024}')" "$(sf "$W/s.a" "$d" 3)"
    ct=$(field 'CPU time' | sed 's/s$//')
    gate "dominfo $d: CPU time between xl's before and after" &&
        if awk -v c="$ct" -v a="$t0" -v b="$t1" 'BEGIN {exit !(c >= a - 0.1 && c <= b + 0.1)}'; then
            ok "dominfo $d: CPU time $ct s between xl's before and after ($t0 .. $t1 s)"
        else
            not_ok "dominfo $d: CPU time between xl's before and after" "xvirsh: '$ct', xl: $t0 .. $t1"
        fi
    if [ "$d" != Domain-0 ]; then
        mx=$(field 'Max memory' | awk '{print $1}')
        smax=$(xenstore-read "/local/domain/$(xl domid "$d")/memory/static-max" 2>/dev/null)
        xmax=$(xen_maxkib "$(xl domid "$d")")
        gate "dominfo $d: Max memory is the toolstack's static-max or Xen's max_pages" &&
            case $mx in
                "$smax") ok "dominfo $d: Max memory $mx KiB = xenstore memory/static-max" ;;
                "$xmax") ok "dominfo $d: Max memory $mx KiB = Xen's max_pages (static-max is $smax)" ;;
                *) not_ok "dominfo $d: Max memory is the toolstack's static-max or Xen's max_pages" \
                       "xvirsh: '$mx', xenstore static-max: '$smax', Xen max_pages: '$xmax' KiB" ;;
            esac
    fi
done

section "lookups by ID and UUID"
for d in domu1 domu2; do
    xvcall domname "$(xlf "$d" 2)"
    eq "domname $(xlf "$d" 2): $d" "$(printf '%s\n' "$XO" | head -n 1)" "$d"
    xvcall domuuid "$d"
    eq "domuuid $d = xl's UUID" "$(printf '%s\n' "$XO" | head -n 1)" "$(xluuid "$d")"
    xvcall domid "$(xluuid "$d")"
    eq "domid <UUID of $d> = xl's ID" "$(printf '%s\n' "$XO" | head -n 1)" "$(xlf "$d" 2)"
done

section "dumpxml vs xl list -l"
# xl list -l prints the domain's libxl configuration as JSON
xl list -l domu1 >"$W/domu1.json" 2>&1
js() { sed -n "s/.*\"$1\": \"\{0,1\}\([^\",]*\)\"\{0,1\},\{0,1\}\$/\1/p" "$W/domu1.json" | head -n 1; }
xe() { printf '%s\n' "$XO" | sed -n "s|.*<$1[^>]*>\(.*\)</$1>.*|\1|p" | head -n 1; }
xvcall dumpxml domu1
eq "dumpxml domu1: <name>" "$(xe name)" domu1
eq "dumpxml domu1: <uuid> = xl's" "$(xe uuid)" "$(js uuid)"
eq "dumpxml domu1: <memory> KiB = max_memkb" "$(xe memory)" "$(js max_memkb)"
eq "dumpxml domu1: <currentMemory> KiB = target_memkb" "$(xe currentMemory)" "$(js target_memkb)"
eq "dumpxml domu1: <vcpu> = max_vcpus" "$(xe vcpu)" "$(js max_vcpus)"
eq "dumpxml domu1: <os><type> linux (PV)" "$(xe type)" linux
eq "dumpxml domu1: <kernel> = xl's" "$(xe kernel)" "$(js kernel)"
eq "dumpxml domu1: <on_crash> = xl's" "$(xe on_crash)" "$(js on_crash)"

section "vcpuinfo vs xl vcpu-list"
# An idle vCPU that may use every host CPU wakes on either of them: under TCG,
# two xl vcpu-list calls in a row disagree about half the time. So the CPU is
# compared exactly only for pinned vCPUs (pinned with xl, read with xvirsh);
# for the others it must be one the affinity allows.
online() { awk '{print $1, ($3 == "p" ? "offline" : "online")}'; }   # on "vcpu cpu state aff"
for d in $DOMS; do
    xlvcpus "$d" >"$W/vl.a"
    xvcall vcpuinfo "$d"
    xvvcpus >"$W/vv"
    eq "vcpuinfo $d: the same vCPU numbers" "$(awk '{printf "%s ", $1}' "$W/vv")" \
       "$(awk '{printf "%s ", $1}' "$W/vl.a")"
    eq "vcpuinfo $d: CPU Affinity = hard affinity" "$(awk '{printf "%s ", $4}' "$W/vv")" \
       "$(awk '{print $4}' "$W/vl.a" | while read -r a; do printf '%s ' "$(ynmap "$a")"; done)"
    eq "vcpuinfo $d: online/offline as xl" "$(online <"$W/vv" | tr '\n' ' ')" \
       "$(awk '{s = $3; gsub(/-/, "", s); print $1, $2, s}' "$W/vl.a" | online | tr '\n' ' ')"
    eq "vcpuinfo $d: each CPU is one its affinity allows" \
       "$(awk '{ok = ($2 >= 0 && substr($4, $2 + 1, 1) == "y"); printf "%s:%s ", $1, ok ? "ok" : "bad(" $2 "," $4 ")"}' "$W/vv")" \
       "$(awk '{printf "%s:ok ", $1}' "$W/vl.a")"
done
# pinned with xl: vCPU i on CPU i, then crosswise; xvirsh must see the same CPU
pinned_as() {   # pinned_as DOM "cpu-of-vcpu0 cpu-of-vcpu1 ...": xl shows them there
    [ "$(xlvcpus "$1" | awk '{printf "%s ", $2}')" = "$2 " ]
}
for layout in straight cross; do
    want=""; v=0
    while [ $v -lt "$(xlf domu2 4)" ]; do
        if [ $layout = straight ]; then c=$((v % NCPU)); else c=$(((v + 1) % NCPU)); fi
        xl vcpu-pin domu2 $v $c; want="$want${want:+ }$c"; v=$((v + 1))
    done
    desc="vcpuinfo domu2: CPU of each vCPU pinned with xl ($want) = xl's"
    if waitfor 20 pinned_as domu2 "$want"; then
        xvcall vcpuinfo domu2
        eq "$desc" "$(xvvcpus | awk '{printf "%s ", $2}')" "$want "
    else
        not_ok "$desc" "xl vcpu-list did not show the pinned CPUs within 20s: $(xlvcpus domu2 | tr '\n' ';')"
    fi
done
v=0; while [ $v -lt "$(xlf domu2 4)" ]; do xl vcpu-pin domu2 $v all; v=$((v + 1)); done

section "read-only connection"
xvcall -r list
eq "list -r: reads work on a read-only connection" "$(xvlist | awk '{printf "%s ", $2}')" \
   "$(xl list | awk 'NR > 1 {printf "%s ", $1}')"
xl list | awk 'NR > 1 {print $1, $2, $3, $4}' >"$W/ro.before"
xl vcpu-list | awk 'NR > 1 {print $1, $3, $7}' >"$W/ro.vbefore"
cp data/domx.xml "$W/domro.xml"
sed -i 's/domx/domro/' "$W/domro.xml"
for c in "suspend domu1" "resume domu1" "setmem domu1 100M" "setmaxmem domu1 200M" \
         "setvcpus domu1 1" "vcpupin domu1 0 1" "shutdown domu1" "reboot domu1" \
         "destroy domu2" "save domu2 $W/ro.save" "create $W/domro.xml" "define $W/domro.xml"; do
    # shellcheck disable=SC2086
    xv -r $c
    if [ $XRC != 0 ] && printf '%s' "$XO" | grep -q 'read-only'; then
        ok "$c -r: refused on a read-only connection"
    elif ur_=$(unsupported); then
        skip "$c -r: refused on a read-only connection" "$ur_"
    else
        not_ok "$c -r: refused on a read-only connection" "exit $XRC: $(oneline "$XO")"
    fi
done
sleep 1
xl list | awk 'NR > 1 {print $1, $2, $3, $4}' >"$W/ro.after"
xl vcpu-list | awk 'NR > 1 {print $1, $3, $7}' >"$W/ro.vafter"
check "read-only: xl list and vcpu-list unchanged after the refused writes" \
    sh -c "diff '$W/ro.before' '$W/ro.after' && diff '$W/ro.vbefore' '$W/ro.vafter' && ! xl list domro"

# ================================================================== agent
section "xvirt-agent /metrics vs xl"
xvirt-agent -c data/agent.yaml >"$W/agent.log" 2>&1 &
AGENT_PID=$!
agent_ready() { scrape && [ "$(metric xvirt_hypervisor_up)" = 1 ]; }
agent_gave_up() { ! kill -0 $AGENT_PID 2>/dev/null || grep -qi 'not supported\|built without' "$W/agent.log"; }
i=0
while [ $i -lt 60 ] && ! agent_ready && ! agent_gave_up; do sleep 0.5; i=$((i + 1)); done
if agent_ready; then
    AGENT_UP=1; XOK=ok
    ok "agent: serves /metrics with xvirt_hypervisor_up 1 (after $((i / 2)).$((i % 2 * 5))s)"
else
    XO=$(sed 's/^<[0-9]>//' "$W/agent.log")
    if WHY=$(unsupported); then XOK=skip
        skip "agent: serves /metrics with xvirt_hypervisor_up 1" "$WHY"
    else XOK=fail WHY="the agent is not up; its log: $(oneline "$XO")"
        not_ok "agent: serves /metrics with xvirt_hypervisor_up 1" "$WHY"
    fi
fi
# node figures
eq "agent: xvirt_node_cpus = nr_cpus" "$(metric xvirt_node_cpus)" "$NCPU"
eq "agent: xvirt_node_cpu_frequency_hertz = cpu_mhz" \
   "$(awk -v v="$(metric xvirt_node_cpu_frequency_hertz)" 'BEGIN {printf "%d", v / 1000000}')" \
   "$(xlinfo cpu_mhz | cut -d. -f1)"
eq "agent: xvirt_node_memory_bytes = total_memory" "$(mib "$(metric xvirt_node_memory_bytes)")" "$(xlinfo total_memory)"
eq "agent: xvirt_node_numa_nodes = nr_nodes" "$(metric xvirt_node_numa_nodes)" "$(xlinfo nr_nodes)"
eq "agent: xvirt_node_cores = cores_per_socket" "$(metric xvirt_node_cores)" "$(xlinfo cores_per_socket)"
eq "agent: xvirt_node_threads = threads_per_core" "$(metric xvirt_node_threads)" "$(xlinfo threads_per_core)"
eq "agent: xvirt_node_info hypervisor Xen $(xlinfo xen_version | sed 's/[^0-9.].*//')" \
   "$(label xvirt_node_info hypervisor) $(label xvirt_node_info hypervisor_version)" \
   "Xen $(xlinfo xen_version | sed 's/[^0-9.].*//')"
# domain figures
eq "agent: xvirt_domains = the domains in xl list" "$(metric xvirt_domains)" "$(xl list | awk 'NR > 1' | wc -l)"
xlsnap "$W/s.a"
for d in $DOMS; do
    eq "agent: $d id" "$(metric xvirt_domain_id domain="$d")" "$(sf "$W/s.a" "$d" 2)"
    eq "agent: $d uuid label" "$(label xvirt_domain_id uuid domain="$d")" "$(sf "$W/s.a" "$d" 7)"
    eq "agent: $d memory = xl Mem" "$(mib "$(metric xvirt_domain_memory_bytes domain="$d")")" "$(sf "$W/s.a" "$d" 3)"
    eq "agent: $d vcpus = xl VCPUs" "$(metric xvirt_domain_vcpus domain="$d")" "$(sf "$W/s.a" "$d" 4)"
    eq "agent: $d state" "$(promclass "$(metric xvirt_domain_state domain="$d")")" "$(xlclass "$(sf "$W/s.a" "$d" 5)")"
    xlvcpus "$d" >"$W/vl.a"
    eq "agent: $d vcpu series = xl vcpu-list rows" \
       "$(awk -v d="$d" 'index($0, "xvirt_vcpu_state{domain=\"" d "\"") == 1' "$W/metrics" | wc -l)" \
       "$(wc -l <"$W/vl.a")"
    eq "agent: $d vcpu affinity labels = hard affinity" \
       "$(awk '{print $1}' "$W/vl.a" | while read -r v; do
              printf '%s ' "$(ynmap "$(label xvirt_vcpu_affinity_info cpus domain="$d" vcpu="$v")")"; done)" \
       "$(awk '{print $4}' "$W/vl.a" | while read -r a; do printf '%s ' "$(ynmap "$a")"; done)"
done
# a change made with xl shows within a few samples
if [ "$XOK" = ok ]; then
    xl pause domu2
    if waitfor 10 metric_state_is domu2 paused; then ok "agent: xl pause domu2 shows as paused (after ${WAITED}s)"
    else not_ok "agent: xl pause domu2 shows as paused" "state $(metric xvirt_domain_state domain=domu2) after 10s"; fi
    xl unpause domu2
    if waitfor 10 metric_state_is domu2 active; then ok "agent: xl unpause domu2 shows as running (after ${WAITED}s)"
    else not_ok "agent: xl unpause domu2 shows as running" "state $(metric xvirt_domain_state domain=domu2) after 10s"; fi
else
    gate "agent: xl pause/unpause domu2 shows in xvirt_domain_state"
fi
# failed calls are counted per call; only calls the driver does not support may fail
if gate "agent: xvirt_sample_errors_total is 0, or only for unsupported calls"; then
    scrape
    errs=$(awk 'index($0, "xvirt_sample_errors_total{") == 1 && $NF != 0 {
        sub(/.*call="/, ""); sub(/".*/, ""); printf "%s ", $0}' "$W/metrics")
    xvcall list --inactive   # the agent lists inactive domains too: learn if that is supported
    XOK=ok
    bad=""
    for c in $errs; do grep -qx "$c" "$W/unsupported" || bad="$bad $c"; done
    if [ -z "$errs" ]; then ok "agent: xvirt_sample_errors_total is 0 for every call"
    elif [ -z "$bad" ]; then skip "agent: xvirt_sample_errors_total is 0 for every call" \
        "errors only for calls the driver does not support: $errs"
    else not_ok "agent: xvirt_sample_errors_total is 0, or only for unsupported calls" \
        "errors for:$bad (unsupported: $(sort -u "$W/unsupported" | tr '\n' ' '))"
    fi
fi

# ================================================================== writes: domu1
section "vcpupin"
act "vcpupin domu1 0 1" vcpupin domu1 0 1
dep "vcpupin domu1 0 1: xl vcpu-list shows hard affinity 1" &&
    eq "vcpupin domu1 0 1: xl vcpu-list shows hard affinity 1" 1 "$(xlvcpus domu1 | awk '$1 == 0 {print $4}')"
# once xl sees vCPU 0 on CPU 1 (it moves when it next wakes), vcpuinfo must too
xlcpu0_is1() { [ "$(xlvcpus domu1 | awk '$1 == 0 {print $2}')" = 1 ]; }
if dep "vcpupin domu1 0 1: vcpuinfo shows vCPU 0 on CPU 1, as xl vcpu-list"; then
    if waitfor 20 xlcpu0_is1; then
        xvcall vcpuinfo domu1
        eq "vcpupin domu1 0 1: vcpuinfo shows vCPU 0 on CPU 1, as xl vcpu-list" \
           "$(xvvcpus | awk '$1 == 0 {print $2}')" 1
    else
        not_ok "vcpupin domu1 0 1: vcpuinfo shows vCPU 0 on CPU 1, as xl vcpu-list" \
            "xl vcpu-list did not show vCPU 0 on CPU 1 within 20s"
    fi
fi
if dep "vcpupin domu1 0: reads back 1"; then
    xvcall vcpupin domu1 0
    eq "vcpupin domu1 0: reads back 1" "$(printf '%s\n' "$XO" | awk 'NR > 2 && $1 == 0 {print $2}')" 1
fi
xl vcpu-pin domu1 1 0
xvcall vcpuinfo domu1
eq "xl vcpu-pin domu1 1 0: vcpuinfo shows affinity $(ynmap 0)" \
   "$(xvvcpus | awk '$1 == 1 {print $4}')" "$(ynmap 0)"
act "vcpupin domu1 0 0-$((NCPU - 1)) (all CPUs again)" vcpupin domu1 0 "0-$((NCPU - 1))"
dep "vcpupin domu1 0 all: xl vcpu-list shows hard affinity all" &&
    eq "vcpupin domu1 0 all: xl vcpu-list shows hard affinity all" all "$(xlvcpus domu1 | awk '$1 == 0 {print $4}')"
xl vcpu-pin domu1 1 all

section "suspend / resume"
act "suspend domu1" suspend domu1
depwait "suspend domu1: xl list state p" 10 xlstate_has domu1 p
if dep "suspend domu1: domstate paused"; then
    xvcall domstate domu1
    eq "suspend domu1: domstate paused" "$(printf '%s\n' "$XO" | head -n 1)" paused
fi
act "resume domu1" resume domu1
depwait "resume domu1: xl list state without p" 10 xlstate_lacks domu1 p
if dep "resume domu1: domstate running or idle"; then
    xvcall domstate domu1
    eq "resume domu1: domstate running or idle" "$(xvclass "$(printf '%s\n' "$XO" | head -n 1)")" active
fi

section "reboot (the xl daemon restarts domu1 with a new ID)"
id0=$(xlf domu1 2) b0=$(banners domu1)
act "reboot domu1" reboot domu1
depwait "reboot domu1: a new domu1 in xl list" 90 sh -c "[ \"\$(xl domid domu1 2>/dev/null)\" != $id0 ] && xl domid domu1"
depwait "reboot domu1: its init banner again" 120 booted domu1 $((b0 + 1))
if dep "reboot domu1: domid follows the new ID"; then
    xvcall domid domu1
    eq "reboot domu1: domid follows the new ID" "$(printf '%s\n' "$XO" | head -n 1)" "$(xl domid domu1 2>/dev/null)"
fi

section "setmem"
act "setmem domu1 192M (above its boot memory, below maxmem)" setmem domu1 192M
depwait "setmem domu1 192M: xl list shows 192 MiB" 60 xlmem_is domu1 192
dep "setmem domu1 192M: xenstore memory/target 196608" &&
    eq "setmem domu1 192M: xenstore memory/target 196608" \
       "$(xenstore-read "/local/domain/$(xl domid domu1)/memory/target")" 196608
if dep "setmem domu1 192M: dominfo Used memory = xl Mem"; then
    xvcall dominfo domu1
    eq "setmem domu1 192M: dominfo Used memory = xl Mem" \
       "$(field 'Used memory' | awk '{printf "%d", $1 / 1024}')" "$(xlf domu1 3)"
fi
act "setmem domu1 128M" setmem domu1 128M
depwait "setmem domu1 128M: xl list shows 128 MiB" 60 xlmem_is domu1 128
if [ "$AGENT_UP" = 1 ]; then
    agent_mem_is() { scrape && [ "$(mib "$(metric xvirt_domain_memory_bytes domain=domu1)")" = "$(xlf domu1 3)" ]; }
    depwait "setmem: the agent's xvirt_domain_memory_bytes follows xl" 10 agent_mem_is
fi

section "setmaxmem"
act "setmaxmem domu1 240M" setmaxmem domu1 240M
xvcall dominfo domu1
dep "setmaxmem domu1 240M: dominfo Max memory 245760 KiB" &&
    eq "setmaxmem domu1 240M: dominfo Max memory 245760 KiB" "$(field 'Max memory')" "245760 KiB"
diag "after setmaxmem 240M: xenstore static-max $(xenstore-read "/local/domain/$(xl domid domu1)/memory/static-max"), Xen max_pages $(xen_maxkib "$(xl domid domu1)") KiB"
act "setmaxmem domu1 256M" setmaxmem domu1 256M

section "setvcpus"
act "setvcpus domu1 1" setvcpus domu1 1
depwait "setvcpus domu1 1: xl list shows 1 vCPU" 30 xlvcpus_is domu1 1
xvcall vcpuinfo domu1
dep "setvcpus domu1 1: vcpuinfo shows vCPU 1 offline, as xl vcpu-list" &&
    eq "setvcpus domu1 1: vcpuinfo shows vCPU 1 offline, as xl vcpu-list" \
       "$(xvvcpus | awk '$1 == 1 {print $3}')" "$(xlvcpus domu1 | awk '$1 == 1 {s = $3; gsub(/-/, "", s); print s}')"
sleep 2   # the guest waits for the vCPU it just took down (xenlab README)
act "setvcpus domu1 2" setvcpus domu1 2
depwait "setvcpus domu1 2: xl list shows 2 vCPUs" 60 xlvcpus_is domu1 2

section "shutdown (the xl daemon destroys domu1: on_poweroff destroy)"
act "shutdown domu1" shutdown domu1
depwait "shutdown domu1: gone from xl list" 90 xlgone domu1
dep "shutdown domu1: the guest powered off itself" &&
    check "shutdown domu1: the guest powered off itself" grep -q 'Requesting system poweroff' /var/log/xen/console/guest-domu1.log

# ================================================================== writes: domu2
section "save / restore domu2"
act "save domu2" save domu2 "$W/domu2.save"
chain_begin
depwait "save domu2: gone from xl list" 30 xlgone domu2
dep "save domu2: the file exists" &&
    check "save domu2: the file exists ($(du -m "$W/domu2.save" 2>/dev/null | cut -f1) MiB)" test -s "$W/domu2.save"
act "restore domu2" restore "$W/domu2.save"
RESTORE_OK=$AOK RESTORE_WHY=$AWHY
depwait "restore domu2: back in xl list, running" 30 xlstate_lacks domu2 p
if dep "restore domu2: list shows it with xl's new ID"; then
    xvcall list
    eq "restore domu2: list shows it with xl's new ID" \
       "$(xvlist | awk '$2 == "domu2" {print $1}')" "$(xl domid domu2 2>/dev/null)"
fi
chain_end
rm -f "$W/domu2.save"

section "crash (xl sysrq domu2 c, on_crash preserve)"
if xlhas domu2; then
    xl sysrq domu2 c
    if waitfor 30 xlstate_has domu2 c; then
        diag "xl list shows domu2 crashed after ${WAITED}s"
        xvcall domstate domu2
        eq "crash: domstate domu2 crashed" "$(printf '%s\n' "$XO" | head -n 1)" crashed
        xvcall dominfo domu2
        eq "crash: dominfo domu2 State crashed" "$(field State)" crashed
        xvcall list
        eq "crash: list shows domu2 crashed" "$(xvlist | awk '$2 == "domu2" {$1 = $2 = ""; sub(/^ +/, ""); print}')" crashed
        if [ "$AGENT_UP" = 1 ]; then
            if waitfor 10 metric_state_is domu2 crashed; then ok "crash: the agent shows domu2 crashed (after ${WAITED}s)"
            else not_ok "crash: the agent shows domu2 crashed" "state $(metric xvirt_domain_state domain=domu2)"; fi
        fi
    else
        not_ok "crash: xl list shows domu2 crashed" "$(xl list domu2 2>&1)"
    fi
    act "destroy domu2 (crashed)" destroy domu2
    depwait "destroy domu2: gone from xl list" 20 xlgone domu2
elif [ "${RESTORE_OK:-}" = skip ]; then
    skip "crash: domu2 crashes and is seen as crashed" "domu2 was saved but cannot be restored: $RESTORE_WHY"
else
    not_ok "crash: domu2 exists" "domu2 is not in xl list (restore failed?)"
fi

# ================================================================== create / define
section "create from XML (domx)"
act "create domx.xml" create data/domx.xml
chain_begin
depwait "create domx: in xl list" 30 xlhas domx
dep "create domx: 128 MiB and 1 vCPU in xl list" &&
    eq "create domx: 128 MiB and 1 vCPU in xl list" "128 1" "$(xlf domx 3) $(xlf domx 4)"
depwait "create domx: the guest boots (init banner)" 120 booted domx 1
xvcall dominfo domx
eq "create domx: dominfo UUID = xl's" "$(field UUID)" "$(xluuid domx)"
if [ "$AGENT_UP" = 1 ]; then
    depwait "create domx: the agent lists it" 10 metric_has_domain domx
fi
# on_reboot/on_poweroff of a domain that xvirsh started: where xl leaves one process
# per domain, the driver leaves one xvirt-xen-monitor (README, Xen lab).
XUUID=$(xluuid domx)
depwait "create domx: one lifecycle monitor watches it" 10 one_monitor "$XUUID"
if dep "reboot domx (created by xvirsh): restarted with a new ID (on_reboot restart)"; then
    id0=$(xlf domx 2)
    xv reboot domx || diag "xvirsh reboot domx: $XO"
    if waitfor 60 newid domx "$id0"; then
        ok "reboot domx (created by xvirsh): restarted with a new ID (on_reboot restart; after ${WAITED}s)"
    else
        not_ok "reboot domx (created by xvirsh): restarted with a new ID (on_reboot restart)" \
            "xl list: $(xl list domx 2>&1 | awk 'NR == 2')"
        monlog
    fi
    depwait "reboot domx: the guest boots again (init banner)" 120 booted domx 2
    if dep "reboot domx: domid follows the new ID"; then
        xvcall domid domx
        eq "reboot domx: domid follows the new ID" "$(printf '%s\n' "$XO" | head -n 1)" "$(xl domid domx 2>/dev/null)"
    fi
    xv shutdown domx || diag "xvirsh shutdown domx: $XO"
    if waitfor 30 xlgone domx; then
        ok "shutdown domx (created by xvirsh): gone from xl list (on_poweroff destroy; after ${WAITED}s)"
    else
        not_ok "shutdown domx (created by xvirsh): gone from xl list (on_poweroff destroy)" \
            "xl list: $(xl list domx 2>&1 | awk 'NR == 2')"
        monlog
    fi
    depwait "shutdown domx: its monitor exits" 10 no_monitor "$XUUID"
fi
if xlhas domx || [ "$AOK" != ok ]; then
    act "destroy domx" destroy domx
    depwait "destroy domx: gone from xl list" 20 xlgone domx
fi
if [ "$AGENT_UP" = 1 ]; then
    depwait "destroy domx: the agent drops it" 10 metric_lacks_domain domx
fi
if dep "destroy domx: transient, so gone from list --all"; then
    xvcall list --all
    eq "destroy domx: transient, so gone from list --all" "$(xvlist | awk '$2 == "domx"')" ""
fi
chain_end

section "on_crash restart (domz, created by xvirsh)"
act "create domz.xml (on_crash restart)" create data/domz.xml
chain_begin
depwait "create domz: the guest boots (init banner)" 120 booted domz 1
ZUUID=$(xluuid domz)
if dep "crash domz (xl sysrq domz c): restarted with a new ID (on_crash restart)"; then
    id0=$(xlf domz 2)
    xl sysrq domz c
    if waitfor 60 newid domz "$id0"; then
        ok "crash domz (xl sysrq domz c): restarted with a new ID (on_crash restart; after ${WAITED}s)"
    else
        not_ok "crash domz (xl sysrq domz c): restarted with a new ID (on_crash restart)" \
            "xl list: $(xl list domz 2>&1 | awk 'NR == 2')"
        monlog
    fi
    # xl lists the new domain before its create returns and the monitor logs it
    check "crash domz: the monitor log says what it did" waitfor 10 \
        grep -q "domain 'domz' (id $id0) crashed; on_crash is restart: restarted as id" "$MONLOG"
fi
depwait "crash domz: the guest boots again (init banner)" 120 booted domz 2
depwait "crash domz: still one lifecycle monitor" 10 one_monitor "$ZUUID"
act "destroy domz" destroy domz
depwait "destroy domz: gone from xl list" 20 xlgone domz
if dep "destroy domz: not restarted (still gone 5 s later)"; then
    sleep 5
    check "destroy domz: not restarted (still gone 5 s later)" xlgone domz
fi
depwait "destroy domz: no monitor process left behind" 10 no_monitor "$ZUUID"
chain_end
diag "monitor log:" "$(cat "$MONLOG" 2>/dev/null)"

section "define + start (domy)"
act "define domy.xml" define data/domy.xml
chain_begin
xvcall list --inactive
eq "define domy: list --inactive shows it" "$(xvlist | awk '$2 == "domy" {print $1, $2}')" "- domy"
dep "define domy: not in xl list" && check "define domy: not in xl list" xlgone domy
act "start domy" start domy
depwait "start domy: in xl list" 30 xlhas domy
dep "start domy: xl's UUID is the defined one" &&
    eq "start domy: xl's UUID is the defined one" 5e1c0c52-4a5b-4c6f-9a4e-7d2f0b1c3a01 "$(xluuid domy)"
depwait "start domy: the guest boots (init banner)" 120 booted domy 1
if dep "start domy: list shows xl's ID"; then
    xvcall list
    eq "start domy: list shows xl's ID" "$(xvlist | awk '$2 == "domy" {print $1}')" "$(xl domid domy 2>/dev/null)"
fi
if [ "$AOK" = ok ]; then
    act "destroy domy" destroy domy
    depwait "destroy domy: gone from xl list" 20 xlgone domy
else
    dep "destroy domy"; dep "destroy domy: gone from xl list"
fi
xvcall list --inactive
eq "destroy domy: still defined (list --inactive)" "$(xvlist | awk '$2 == "domy" {print $2}')" domy
act "undefine domy" undefine domy
if dep "undefine domy: gone from list --all"; then
    xvcall list --all
    eq "undefine domy: gone from list --all" "$(xvlist | awk '$2 == "domy"')" ""
fi
chain_end

# ================================================================== agent, at the end
section "agent at the end"
if [ "$AGENT_UP" = 1 ]; then
    XOK=ok
    # the last change may be younger than the agent's newest sample (1 s
    # interval): wait up to 5 s for a sample that has seen it
    i=0
    while :; do
        scrape
        agentdoms=$(awk 'index($0, "xvirt_domain_id{") == 1' "$W/metrics" | sed 's/.*domain="\([^"]*\)".*/\1/' | sort | tr '\n' ' ')
        xldoms=$(xl list | awk 'NR > 1 {print $1}' | sort | tr '\n' ' ')
        [ "$agentdoms" = "$xldoms" ] || [ $i -ge 10 ] && break
        sleep 0.5; i=$((i + 1))
    done
    eq "agent: the same domains as xl list after all the changes" "$agentdoms" "$xldoms"
    kill -TERM $AGENT_PID
    i=0; while [ $i -lt 20 ] && kill -0 $AGENT_PID 2>/dev/null; do sleep 0.5; i=$((i + 1)); done
    if kill -0 $AGENT_PID 2>/dev/null; then
        not_ok "agent: SIGTERM stops it within 10s"; kill -KILL $AGENT_PID
    else
        wait $AGENT_PID; arc=$?
        if [ $arc = 0 ]; then ok "agent: SIGTERM stops it, exit 0"; else not_ok "agent: SIGTERM stops it, exit 0" "exit $arc"; fi
    fi
    diag "agent log:" "$(cat "$W/agent.log")"
else
    kill -TERM $AGENT_PID 2>/dev/null
fi

uns=$(sort -u "$W/unsupported" | tr '\n' ' ')
lab_end "calls the driver does not support (yet): ${uns:-none}"
