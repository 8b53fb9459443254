#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# policy-in-dom0.sh: the agent's policies on real Xen 4.17, run in dom0 by
# tests/xen/run-lab-suite (its second, "policy" boot). POSIX sh (busybox).
#
# Output is TAP like in-dom0.sh's, printed again at the end between
# XVIRT-TAP-BEGIN and XVIRT-TAP-END (Xen shares the serial line).
#
# The scenarios, each checked with xl, xenstore, the guest consoles and the agent's
# /metrics, log and bookkeeping (one agent per scenario group, 1 s samples):
#   autopin    spread: every vCPU of domu1 and domu2 hard-pinned as the agent decided
#              (xl vcpu-list), a domain's vCPUs apart, then settled
#   balloon    guest-reported memory (xenstore data/meminfo_*) and a low watermark
#              above the host's free memory: both domUs shrink to their floor in
#              xl list, never below it
#   restart    xl sysrq domu1 c: crashed, then running again with a new domid, the
#              same UUID and size, acted on from the crash's lifecycle event with the
#              default 5 s sample; prints "# crash->running latency: ..." and the times
#              from xl sysrq to the CRASHED event, to the agent's virDomainCreate* call
#              and to the STARTED event (xvirsh event --loop --timestamp beside it)
#   stops      xl shutdown, xl destroy, and a poweroff kept by on_poweroff preserve:
#              never restarted
#   crash loop a domU crashing 3 s after each boot: two restarts (burst 2), then the
#              give-up (metric, error log line, left crashed); SIGHUP clears it
#   xl restart the same crash of a domU with on_crash="restart", left to xl: the
#              times from xl sysrq to its CRASHED and STARTED events, for comparison
# Each scenario first checks its configuration with `xvirt-agent --check-config`.
#
# The lab gives: domu1 and domu2 (128 MiB of 256, 2 of 2 vCPUs, on_crash preserve,
# guest memory written to xenstore every 2 s) on 2 pCPUs, and /xenlab/domu1.cfg for
# the domUs created at run time (loop, stay).
set -u
cd "$(dirname "$0")" || exit 1
TAP_FILE=/tmp/xvirt-policy.tap
W=/tmp/xvirt-policy      # the configs' state_dir lives here too
# ------------------------------------------------------------------ TAP, time, xl, /metrics
# lab.env, PATH; ok, not_ok, skip, check, is, diag (tests/common/tap.sh), section,
# waitfor, xlf, xlhas, booted, ynmap, scrape, metric, lab_end... (lab_common.sh,
# shipped beside this script with tap.sh by run-lab-suite).
. ./lab_common.sh

# ------------------------------------------------------------------ xl
crashes() { cc_=$(grep -c "XENLAB-DOMU: $1 crashing now" "/var/log/xen/console/guest-$1.log" 2>/dev/null); echo "${cc_:-0}"; }
# the config of a domU created at run time: /xenlab/domu1.cfg with other values
EXTRA0="console=hvc0 quiet memhp_default_state=online"
xlcreate() {   # xlcreate NAME [KEY=VALUE]...
    xc_=$1; shift
    if co_=$(xl create /xenlab/domu1.cfg "name=\"$xc_\"" 'vcpus=1' 'maxvcpus=1' "$@" 2>&1); then
        return 0
    fi
    diag "xl create $xc_ failed:" "$co_"; return 1
}

# ------------------------------------------------------------------ the agent
AGENT_PID="" AGENT_URL="" AGENT_LOG=/dev/null
# metric_is VALUE NAME [LABEL=VALUE]...: after a fresh scrape
metric_is() { mv_=$1; shift; scrape && [ "$(metric "$@")" = "$mv_" ]; }
actions() {   # actions POLICY ACTION RESULT: xvirt_policy_actions_total, 0 if absent
    av_=$(metric xvirt_policy_actions_total policy="$1" action="$2" result="$3"); echo "${av_:-0}"
}
metric_is_set() { scrape && [ -n "$(metric "$@")" ]; }   # metric_is_set NAME [LABEL=VALUE]...
# agent_type_ok CONFIG: --check-config accepts it; else VERDICT says why
agent_type_ok() { VERDICT=$(xvirt-agent --check-config "$1" 2>&1); }
# agent_start NAME CONFIG: starts the agent (log $W/NAME.log), waits for /metrics
agent_start() {
    AGENT_NAME=$1 AGENT_LOG=$W/$1.log
    AGENT_URL="http://127.0.0.1:$(awk '$1 == "port:" {print $2; exit}' "$2")"
    xvirt-agent -c "$2" >"$AGENT_LOG" 2>&1 &
    AGENT_PID=$!
    if waitfor 30 metric_is 1 xvirt_hypervisor_up; then
        ok "$1: the agent serves /metrics with xvirt_hypervisor_up 1 (after ${WAITED}s)"
        return 0
    fi
    not_ok "$1: the agent serves /metrics with xvirt_hypervisor_up 1" "its log: $(cat "$AGENT_LOG")"
    kill -KILL "$AGENT_PID" 2>/dev/null; wait "$AGENT_PID" 2>/dev/null; AGENT_PID=""
    return 1
}
agent_stop() {
    [ -n "$AGENT_PID" ] || return 0
    kill -TERM "$AGENT_PID"
    i_=0; while [ $i_ -lt 20 ] && kill -0 "$AGENT_PID" 2>/dev/null; do sleep 0.5; i_=$((i_ + 1)); done
    if kill -0 "$AGENT_PID" 2>/dev/null; then
        not_ok "$AGENT_NAME: SIGTERM stops the agent within 10s"; kill -KILL "$AGENT_PID"
        wait "$AGENT_PID" 2>/dev/null
    else
        wait "$AGENT_PID"; is "$AGENT_NAME: SIGTERM stops the agent, exit status 0" $? 0
    fi
    AGENT_PID=""
    diag "$AGENT_NAME agent log:" "$(sed 's/^<[0-9]>//' "$AGENT_LOG" | grep -v '^$')"
}
# state_has UUID PATTERN: the restart bookkeeping's line of UUID matches PATTERN
state_has() { grep "^restart uuid=$1 " "$W/state-restart/policy-state" 2>/dev/null | grep -q "$2"; }
captured() { state_has "$1" " xml_id=$2 .* xml="; }   # captured UUID DOMID
# logged_crash NAME DOMID: the agent's log says it acted on NAME crashed as DOMID
logged_crash() { grep -q "domain=$1 .*reason=crashed .* crashed(id $2)->" "$AGENT_LOG"; }

# ------------------------------------------------------------------ event times
# now: the wall clock in seconds with microseconds (busybox date has no %N)
now() { adjtimex 2>/dev/null | awk '/tv_sec/ {s = $2} /tv_usec/ {u = $2} END {printf "%d.%06d", s, u}'; }
# epoch_of "2026-12-06 07:40:01.123": that UTC time (virsh's and XVIRT_DEBUG's stamps)
epoch_of() { echo "$(date -u -d "${1%.*}" +%s 2>/dev/null) ${1##*.}" | awk '{printf "%d.%s", $1, $2}'; }
# after T0 STAMP: STAMP's seconds after the wall-clock T0 ("" when STAMP is "")
after() { [ -n "$2" ] && awk -v a="$1" -v b="$(epoch_of "$2")" 'BEGIN {printf "%.3f", b - a}'; }
# event_stamp DOMAIN WORD: the stamp of the last lifecycle event of DOMAIN that says
# WORD ("Crashed", "Started"...) from the xvirsh event listener
EVENTS_LOG=/dev/null EVENTS_PID=""
event_stamp() { sed -n "s/^\([0-9-]* [0-9:.]*\)+0000: event 'lifecycle' for domain '$1': $2 .*/\1/p" "$EVENTS_LOG" | tail -n 1; }
# call_stamp FUNCTION: the stamp of the agent's last call of FUNCTION (XVIRT_DEBUG trace)
call_stamp() { sed -n "s/^\([0-9-]* [0-9:.]*\)+0000: [0-9]*: call $1(.*/\1/p" "$W/restart.trace" | tail -n 1; }
# agent_calls T0: the agent's library calls from the wall-clock T0 to its first
# create call, as "seconds:function" (a diagnostic; times of day in UTC)
agent_calls() {
    awk -v t0="$1" 'BEGIN { t0 = t0 % 86400 }
        $4 == "call" { split($2, hms, ":"); t = hms[1] * 3600 + hms[2] * 60 + substr(hms[3], 1, 6)
            if (t < t0) next; fn = $5; sub(/\(.*/, "", fn); printf "%.3f:%s ", t - t0, fn
            if (fn ~ /^virDomainCreate/) exit }' "$W/restart.trace"
}
# events_start: xvirsh listening to every lifecycle event of xen:/// (our library's
# events on Xen, as an operator would watch them)
events_start() {
    EVENTS_LOG=$W/events.log
    xvirsh -c xen:/// event --loop --event lifecycle --timestamp >"$EVENTS_LOG" 2>&1 &
    EVENTS_PID=$!
}
events_stop() {
    [ -n "$EVENTS_PID" ] || return 0
    kill -INT "$EVENTS_PID" 2>/dev/null; wait "$EVENTS_PID" 2>/dev/null; EVENTS_PID=""
    diag "xvirsh event --loop --event lifecycle --timestamp:" "$(cat "$EVENTS_LOG")"
}

# ------------------------------------------------------------------ autopin, balloon
# the agent's last ok pin of each vCPU, from its log: "domain vcpu cpus" lines
agent_pins() {
    sed -n 's/^<[0-9]>policy=autopin domain=\([^ ]*\) .* action=pin vcpu=\([0-9]*\) .* result=ok [^ ]*->\([^ :]*\).*/\1 \2 \3/p' \
        "$AGENT_LOG" | awk '{last[$1 " " $2] = $3} END {for (k in last) print k, last[k]}' | sort
}
# xl's hard affinity of every online vCPU of domu1 and domu2: "domain vcpu cpus" lines
xl_pins() {
    for d in domu1 domu2; do
        xlvcpus $d | awk -v d=$d '$3 != "-p" && $3 != "--p" {print d, $1, $4}'
    done | sort
}
# the CPU seconds all vCPUs of domu1 and domu2 have used (xl vcpu-list Time(s))
domus_cpu() { xl vcpu-list domu1 domu2 2>/dev/null | awk 'NR > 1 {t += $6} END {printf "%.1f", t}'; }
# domus_idle: domu1 and domu2 used under 0.2 s of CPU in 2 s (their boot is over)
domus_idle() { t0_=$(domus_cpu); sleep 2; awk -v a="$t0_" -v b="$(domus_cpu)" 'BEGIN {exit !(b - a < 0.2)}'; }
ONLINE=0
pins_done() { scrape && [ "$(actions autopin pin ok)" -ge "$ONLINE" ]; }
scenario_autopin() {
    ONLINE=$(( $(xlf domu1 4) + $(xlf domu2 4) ))
    # nothing moves at the first sample: the pins come at the second
    if waitfor 30 pins_done; then
        ok "autopin: $(actions autopin pin ok) pin actions ok for the $ONLINE vCPUs (after ${WAITED}s)"
    else
        not_ok "autopin: a pin action ok for each of the $ONLINE vCPUs" \
            "$(grep '^xvirt_policy_actions_total' "$W/metrics" | tr '\n' ' '); agent log: $(cat "$AGENT_LOG")"
    fi
    sleep 3   # three more samples: the placement must hold
    scrape
    n0=$(actions autopin pin ok)
    agent_pins >"$W/pins.agent"
    xl_pins >"$W/pins.xl"
    diag "the agent pinned (domain vcpu cpus): $(tr '\n' ';' <"$W/pins.agent")" \
         "xl vcpu-list hard affinity: $(tr '\n' ';' <"$W/pins.xl")"
    is "autopin: xl vcpu-list shows each vCPU hard-pinned as the agent decided" \
       "$(while read -r d v c; do echo "$d $v $(ynmap "$c")"; done <"$W/pins.xl" | tr '\n' ';')" \
       "$(while read -r d v c; do echo "$d $v $(ynmap "$c")"; done <"$W/pins.agent" | tr '\n' ';')"
    is "autopin: spread: each vCPU on a single pCPU in xl vcpu-list" \
       "$(awk '{print $3}' "$W/pins.xl" | grep -vc '^[0-9][0-9]*$')" 0
    # the loads the agent placed them by (its log's load=L%, in % of a pCPU)
    loads=$(sed -n 's/^<[0-9]>policy=autopin domain=domu[12] .* action=pin vcpu=[0-9]* load=\([0-9.]*\)% .*/\1/p' \
            "$AGENT_LOG" | tr '\n' ' ')
    apart="$(awk '{c[$1] = c[$1] " " $3} END {for (d in c) {split(c[d], x, " ")
                print d, (x[1] != x[2]) ? "apart" : "together"}}' "$W/pins.xl" | sort | tr '\n' ';')"
    if [ "$(sed -n 's/^threads_per_core *: *//p' "$W/xlinfo")" != 1 ]; then
        :
    elif echo "$loads" | awk '{for (i = 1; i <= NF; i++) t += $i} END {exit !(t < 100)}'; then
        # loads summing to less than the 100% hysteresis (TCG guests are never
        # quite idle): no pCPU can be more than the hysteresis busier than
        # another, so the placement is free to put a domain's vCPUs apart
        is "autopin: spread: each domain's 2 vCPUs on different pCPUs (cores) (loads: $loads)" \
           "$apart" "domu1 apart;domu2 apart;"
    else
        # a busy vCPU: balancing the load comes first, apart only within the hysteresis
        skip "autopin: spread: each domain's 2 vCPUs on different pCPUs (cores)" \
             "a guest was busy when placed (loads: $loads%), placement: $apart"
    fi
    is "autopin: no failed or given-up pin" "$(actions autopin pin failed) $(actions autopin pin gave_up)" "0 0"
    sleep 3
    scrape
    is "autopin: settled: no new pin 3 s later" "$(actions autopin pin ok)" "$n0"
    # each vCPU then runs on its pCPU (it moves when it next wakes)
    on_pins() { [ "$(xl_pins | while read -r d v c; do xlvcpus "$d" | awk -v v="$v" '$1 == v {print $2}'; done | tr '\n' ' ')" = \
                  "$(awk '{printf "%s ", $3}' "$W/pins.xl")" ]; }
    if waitfor 20 on_pins; then ok "autopin: xl vcpu-list shows each vCPU running on its pCPU"
    else not_ok "autopin: xl vcpu-list shows each vCPU running on its pCPU" "$(xl vcpu-list 2>&1)"; fi
    agent_stop
    for d in domu1 domu2; do xl vcpu-pin $d all all; done
}

# balloon: the domUs report their memory (data/meminfo_total, meminfo_free, KiB);
# the config's low watermark lies above the host's free memory, so the policy
# takes memory back from the domUs down to their floor (min_memory, MiB)
BALLOON_FLOOR=$(awk '$1 == "min_memory:" {v = $2; sub(/MiB$/, "", v); print v; exit}' \
                data/policy-balloon.yaml 2>/dev/null)
MINSEEN=$W/balloon.min
memwatch() {   # records the smallest xl Mem of domu1 and domu2 seen
    for d in domu1 domu2; do
        m=$(xlf $d 3); [ -n "$m" ] || continue
        o=$(sed -n "s/^$d //p" "$MINSEEN")
        if [ -z "$o" ] || [ "$m" -lt "$o" ]; then
            grep -v "^$d " "$MINSEEN" >"$MINSEEN.new"; echo "$d $m" >>"$MINSEEN.new"; mv "$MINSEEN.new" "$MINSEEN"
        fi
    done
}
shrunk() { memwatch; [ "$(xlf domu1 3)" -lt "$1" ] && [ "$(xlf domu2 3)" -lt "$1" ]; }
at_floor() { memwatch; [ "$(xlf domu1 3) $(xlf domu2 3)" = "$BALLOON_FLOOR $BALLOON_FLOOR" ]; }
scenario_balloon() {
    : >"$MINSEEN"
    mem0=$BALLOON_MEM0   # before the agent started: it acts from its second sample
    scrape
    diag "xl info free_memory $(sed -n 's/^free_memory *: *//p' "$W/xlinfo") MiB" \
         "(agent: xvirt_node_memory_free_bytes $(metric xvirt_node_memory_free_bytes));" \
         "guests report: $(for d in domu1 domu2; do i=$(xl domid $d)
             printf '%s total=%s free=%s KiB; ' $d "$(xenstore-read "/local/domain/$i/data/meminfo_total" 2>&1)" \
                 "$(xenstore-read "/local/domain/$i/data/meminfo_free" 2>&1)"; done)"
    # the guests' reports reach the agent (virDomainMemoryStats on Xen)
    is "balloon: the agent sees domu1's reported memory (xvirt_domain_memory_available_bytes)" \
       "$(num "$(metric xvirt_domain_memory_available_bytes domain=domu1)" | awk '{print ($1 > 0) ? "yes" : "no"}')" yes
    if waitfor 60 shrunk "$mem0"; then
        ok "balloon: xl list shows domu1 and domu2 reduced from $mem0 MiB: $(xlf domu1 3) and $(xlf domu2 3) MiB (after ${WAITED}s)"
    else
        not_ok "balloon: xl list shows domu1 and domu2 reduced from $mem0 MiB" \
            "$(xl list); agent log: $(cat "$AGENT_LOG")"
    fi
    if [ "$(xlf domu1 3)" = "$mem0" ]; then
        not_ok "balloon: both down to the floor, $BALLOON_FLOOR MiB, in xl list" "not reduced at all"
    elif waitfor 60 at_floor; then
        ok "balloon: both down to the floor, $BALLOON_FLOOR MiB, in xl list (after ${WAITED}s more)"
    else
        not_ok "balloon: both down to the floor, $BALLOON_FLOOR MiB, in xl list" "$(xl list)"
    fi
    # the host stays under the low watermark: the policy must hold at the floor
    scrape; n0=$(actions balloon setmem ok)
    i=0; while [ $i -lt 6 ]; do memwatch; sleep 1; i=$((i + 1)); done
    scrape
    diag "smallest xl Mem seen: $(tr '\n' ' ' <"$MINSEEN"); the agent's memory figures:" \
         "$(grep '^xvirt_node_memory\|^xvirt_domain_memory\|^xvirt_policy_balloon' "$W/metrics")" "balloon log:" \
         "$(grep 'policy=balloon' "$AGENT_LOG" | sed 's/^<[0-9]>//')"
    is "balloon: never below the floor in xl list" \
       "$(awk -v f="$BALLOON_FLOOR" '$2 < f {printf "%s %s MiB; ", $1, $2}' "$MINSEEN")" ""
    is "balloon: settled at the floor: no setmem in 6 s" "$(actions balloon setmem ok)" "$n0"
    n_ok=$(actions balloon setmem ok)
    if [ "$n_ok" -ge 2 ]; then ok "balloon: $n_ok setmem actions ok (reason host_low)"
    else not_ok "balloon: a setmem action ok per domU" "xvirt_policy_actions_total{...setmem,ok} $n_ok"; fi
    is "balloon: no failed setmem" "$(actions balloon setmem failed)" 0
    for d in domu1 domu2; do
        is "balloon: $d: xvirt_policy_balloon_target_bytes = the floor" \
           "$(num "$(metric xvirt_policy_balloon_target_bytes domain=$d)")" $((BALLOON_FLOOR * 1048576))
        is "balloon: $d: xenstore memory/target = the floor" \
           "$(xenstore-read "/local/domain/$(xl domid $d)/memory/target" 2>&1)" $((BALLOON_FLOOR * 1024))
    done
    agent_stop
    for d in domu1 domu2; do xl mem-set $d "${mem0}m"; done
    back() { [ "$(xlf domu1 3) $(xlf domu2 3)" = "$mem0 $mem0" ]; }
    waitfor 60 back || diag "domu1 and domu2 not back at $mem0 MiB: $(xl list)"
}

# ================================================================== setup
diag "xvirt Xen lab policy suite: build ${XVIRT_LAB_BUILD:-?}"
xl info >"$W/xlinfo" 2>&1
NCPU=$(sed -n 's/^nr_cpus *: *//p' "$W/xlinfo")
diag "$(grep -E '^(xen_version|nr_cpus|total_memory|free_memory|xen_scheduler)' "$W/xlinfo")"
diag "$(xl list)"
if ! co_=$(xvirt-agent --version 2>&1); then
    bail_out "xvirt-agent does not run in dom0 (missing library?): $(printf '%s' "$co_" | tr '\n' ' ')"
fi
for d in domu1 domu2; do
    xlhas $d || bail_out "the lab did not start $d"
done
[ "$TRACE" != 1 ] || set -x

# ================================================================== autopin
section "autopin: 2 domUs x 2 vCPUs on $NCPU CPUs, strategy spread"
if ! agent_type_ok data/policy-autopin.yaml; then
    not_ok "autopin: data/policy-autopin.yaml is a valid configuration" "$VERDICT"
else
    # placing idle guests is the case checked; their boot may still be running
    waitfor 60 domus_idle || diag "domu1 and domu2 not idle after 60 s:" "$(xl vcpu-list 2>&1)"
    agent_start autopin data/policy-autopin.yaml && scenario_autopin
fi

# ================================================================== balloon
section "balloon: guest-reported memory drives the balloon"
if ! agent_type_ok data/policy-balloon.yaml; then
    not_ok "balloon: data/policy-balloon.yaml is a valid configuration" "$VERDICT"
elif BALLOON_MEM0=$(xlf domu1 3) && agent_start balloon data/policy-balloon.yaml; then
    # the policy needs the memory collector's figures (xvirt_node_memory_free_bytes)
    if waitfor 5 metric_is_set xvirt_node_memory_free_bytes; then
        scenario_balloon
    else
        not_ok "balloon: the agent collects the host's free memory" \
             "no xvirt_node_memory_free_bytes in /metrics$(awk '
                 index($0, "xvirt_sample_errors_total{") == 1 && $NF != 0 {printf "; %s", $0}' "$W/metrics")"
        agent_stop
    fi
fi

# ================================================================== restart
section "restart: xl sysrq domu1 c, the agent restarts it"
events_start
# the agent's library calls with their times: when its create call starts
export XVIRT_DEBUG=1 XVIRT_DEBUG_FILE=$W/restart.trace
if agent_start restart data/policy-restart.yaml; then
    RESTART_UP=1
else
    RESTART_UP=0
fi
unset XVIRT_DEBUG XVIRT_DEBUG_FILE
if [ $RESTART_UP = 1 ]; then
    id0=$(xlf domu1 2) uuid0=$(xluuid domu1) mem0=$(xlf domu1 3) vcpus0=$(xlf domu1 4)
    b0=$(banners domu1)
    # the domain is not defined: the agent restarts it from the configuration it
    # captured while it ran (in its bookkeeping, state_dir)
    if waitfor 15 captured "$uuid0" "$id0"; then
        ok "restart: the agent captured domu1's configuration (id $id0) within ${WAITED}s"
    else
        not_ok "restart: the agent captured domu1's configuration (id $id0)" \
            "bookkeeping: $(cut -c1-300 "$W/state-restart/policy-state" 2>&1)"
    fi
    # poll xl list every 0.1 s: when it shows domu1 crashed, then a new domu1
    t0=$(up) w0=$(now)
    xl sysrq domu1 c
    tc="" tr="" id1="" tb=""
    while [ "$(since "$t0" | cut -d. -f1)" -lt 60 ]; do
        # shellcheck disable=SC2046
        set -- $(xl list domu1 2>/dev/null | awk 'NR == 2 {print $2, $5}')
        if [ $# = 2 ]; then
            case $2 in *c*) [ -n "$tc" ] || tc=$(since "$t0") ;; esac
            if [ "$1" != "$id0" ]; then
                case $2 in *[cspd]*) ;; *) tr=$(since "$t0") id1=$1; break ;; esac
            fi
        fi
        # the agent tried and failed: no need to wait
        grep -q 'domain=domu1 .*result=\(failed\|skipped\)' "$AGENT_LOG" && break
        sleep 0.1
    done
    # the agent may act before xl list is asked again: its log has the state it saw
    if [ -n "$tc" ]; then ok "restart: xl list shows domu1 crashed ${tc}s after xl sysrq"
    # the new domain can show in xl list before the agent's create call returns and logs
    elif waitfor 15 logged_crash domu1 "$id0"; then
        ok "restart: domu1 crashed (the agent restarted it before xl list showed state c)"
    else not_ok "restart: xl list shows domu1 crashed" "never seen in state c; agent log: $(cat "$AGENT_LOG")"; fi
    if [ -n "$tr" ]; then
        ok "restart: xl list shows domu1 running again, new domid $id0 -> $id1, ${tr}s after xl sysrq"
        if waitfor 120 booted domu1 $((b0 + 1)); then
            tb=$(since "$t0")
            ok "restart: the guest boots again (init banner ${tb}s after xl sysrq)"
        else
            not_ok "restart: the guest boots again (init banner)" "not within 120s"
        fi
        is "restart: the same UUID" "$(xluuid domu1)" "$uuid0"
        is "restart: the same memory and vCPUs as before ($mem0 MiB, $vcpus0)" \
           "$(xlf domu1 3) $(xlf domu1 4)" "$mem0 $vcpus0"
        if waitfor 5 metric_is "$id1" xvirt_domain_id domain=domu1; then
            ok "restart: the agent sees the new domid $id1"
        else
            not_ok "restart: the agent sees the new domid $id1" "xvirt_domain_id $(metric xvirt_domain_id domain=domu1)"
        fi
    else
        not_ok "restart: xl list shows domu1 running again with a new domid" \
            "after $(since "$t0")s: $(xl list domu1 2>&1 | tail -n 1); agent log: $(cat "$AGENT_LOG")"
    fi
    lat="none, not restarted"; [ -z "$tr" ] || lat=${tr}s
    diag "crash->running latency: $lat (xl sysrq at 0: xl list state c at ${tc:-?}s," \
         "new domid running at ${tr:-?}s, guest init banner at ${tb:-?}s)"
    # from the crash's lifecycle event, not from the next 5 s sample
    ev_crash=$(after "$w0" "$(event_stamp domu1 Crashed)")
    ev_create=$(after "$w0" "$(call_stamp 'virDomainCreate[A-Za-z]*')")
    ev_start=$(after "$w0" "$(event_stamp domu1 Started)")
    diag "agent restart (5 s interval): xl sysrq at 0: CRASHED event at ${ev_crash:-?}s," \
         "the agent's create call at ${ev_create:-?}s, STARTED event at ${ev_start:-?}s"
    diag "the agent's calls from xl sysrq to its create (s:call): $(agent_calls "$w0")"
    if [ -n "$ev_crash" ]; then ok "restart: xvirsh event saw domu1 Crashed Panicked ${ev_crash}s after xl sysrq"
    else not_ok "restart: xvirsh event saw domu1 Crashed Panicked" "$(cat "$EVENTS_LOG")"; fi
    if [ -n "$ev_start" ]; then ok "restart: xvirsh event saw domu1 Started Booted ${ev_start}s after xl sysrq"
    else not_ok "restart: xvirsh event saw domu1 Started Booted" "$(cat "$EVENTS_LOG")"; fi
    if [ -n "$ev_create" ] && awk -v t="$ev_create" 'BEGIN {exit !(t >= 0 && t < 5)}'; then
        ok "restart: the agent's create call started ${ev_create}s after xl sysrq, inside one 5 s interval"
    else
        not_ok "restart: the agent's create call started inside one 5 s interval of xl sysrq" \
            "at ${ev_create:-never}s; trace: $(grep 'call virDomainCreate' "$W/restart.trace" | tail -n 3)"
    fi
    scrape
    check "restart: xvirt_events_listening 1" [ "$(metric xvirt_events_listening)" = 1 ]
    check "restart: xvirt_events_total{type=crashed} counted the crash" \
        [ "$(metric xvirt_events_total type=crashed)" -ge 1 ]
    check "restart: the action came from an event (xvirt_event_action_latency_seconds_count 1)" \
        [ "$(metric xvirt_event_action_latency_seconds_count)" = 1 ]
    is "restart: xvirt_policy_actions_total{policy=restart,action=restart,result=ok} 1" \
       "$(actions restart restart ok)" 1
    is "restart: xvirt_policy_restart_attempts{domain=domu1} 1" \
       "$(metric xvirt_policy_restart_attempts domain=domu1)" 1
    is "restart: xvirt_policy_restart_gave_up{domain=domu1} 0" \
       "$(metric xvirt_policy_restart_gave_up domain=domu1)" 0
    want="<5>policy=restart domain=domu1 uuid=$uuid0 action=restart reason=crashed result=ok"
    want="$want crashed(id $id0)->running(id $id1)"
    check "restart: logged: ${want#<5>}" grep -qxF "$want" "$AGENT_LOG"
    is "restart: one action in the log" "$(grep -c 'action=restart' "$AGENT_LOG")" 1
    check "restart: the bookkeeping has the attempt (total=1)" state_has "$uuid0" " total=1 "
fi

# ================================================================== stops on purpose
# with the crash loop's domU booting in the background (it is the slowest)
section "crash loop starts: loop crashes 3 s after each boot"
LOOP_OK=0
if [ $RESTART_UP = 1 ] && xlcreate loop "extra=\"$EXTRA0 xenlab_crash_after=3\""; then
    LOOP_OK=1 LOOP_T0=$(up) LOOP_UUID=$(xluuid loop)
    echo "0.0 $(xlf loop 2)" >"$W/loop.ids"
    diag "loop: domid $(xlf loop 2), uuid $LOOP_UUID"
fi

section "stops on purpose are not restarted"
if [ $RESTART_UP = 1 ]; then
    # a domU whose poweroff leaves it in Xen (state s): only "crashed" triggers
    xlcreate stay 'on_poweroff="preserve"' && waitfor 120 booted stay 1
    id_stay=$(xlf stay 2)
    xl shutdown stay
    waitfor 30 xlstate_has stay s
    st_stay=$(xlf stay 5)
    xl shutdown -w domu2 >/dev/null 2>&1
    check "stops: xl shutdown -w domu2: gone from xl list" xlgone domu2
    xl destroy domu1
    check "stops: xl destroy domu1: gone from xl list" xlgone domu1
    # the event samples of these stops, and the next 5 s sample
    sleep 6
    is "stops: stay powered off, kept by on_poweroff preserve (state $st_stay), not restarted" \
       "$(xlf stay 2) $(xlf stay 5 | tr -d -)" "$id_stay s"
    check "stops: domu2 not restarted" xlgone domu2
    check "stops: domu1 not restarted" xlgone domu1
    is "stops: no action logged for domu2 or stay" "$(grep -c 'domain=domu2 \|domain=stay ' "$AGENT_LOG")" 0
    is "stops: none for domu1 after its restart" "$(grep -c 'domain=domu1 ' "$AGENT_LOG")" 1
    scrape
    is "stops: still one restart (xvirt_policy_actions_total)" "$(actions restart restart ok)" 1
    is "stops: no restart attempt in the bookkeeping for domu2 or stay" \
       "$(grep 'name=domu2 \|name=stay ' "$W/state-restart/policy-state" | grep -vc ' total=0 ')" 0
    is "stops: no restart attempts series for domu2 or stay" \
       "$(metric xvirt_policy_restart_attempts domain=domu2)$(metric xvirt_policy_restart_attempts domain=stay)" ""
    xl destroy stay 2>/dev/null
fi

# ================================================================== crash loop
section "crash loop: two restarts within the burst, then the give-up"
if [ $LOOP_OK = 1 ]; then
    # poll until the give-up (or a failed attempt); domids and times are diagnostics
    gaveup() { scrape && [ "$(metric xvirt_policy_restart_gave_up domain=loop)" = 1 ]; }
    while [ "$(since "$LOOP_T0" | cut -d. -f1)" -lt 180 ]; do
        cur=$(xlf loop 2)
        [ -z "$cur" ] || [ "$cur" = "$(tail -n 1 "$W/loop.ids" | cut -d' ' -f2)" ] ||
            echo "$(since "$LOOP_T0") $cur" >>"$W/loop.ids"
        gaveup && break
        grep -q 'domain=loop .*result=\(failed\|skipped\)' "$AGENT_LOG" && break
        sleep 0.5
    done
    tg=$(since "$LOOP_T0")
    diag "loop: new domids seen (seconds after xl create, domid): $(tr '\n' ';' <"$W/loop.ids")"
    GAVEUP=0
    if gaveup; then GAVEUP=1; ok "crash loop: xvirt_policy_restart_gave_up{domain=loop} 1 (${tg}s after xl create)"
    else not_ok "crash loop: xvirt_policy_restart_gave_up{domain=loop} 1" "after ${tg}s; agent log: $(cat "$AGENT_LOG")"; fi
    idg=$(xlf loop 2)
    is "crash loop: xvirt_policy_restart_attempts{domain=loop} 2" \
       "$(metric xvirt_policy_restart_attempts domain=loop)" 2
    is "crash loop: xvirt_policy_actions_total{policy=crashloop,action=restart,result=ok} 2" \
       "$(actions crashloop restart ok)" 2
    is "crash loop: xvirt_policy_actions_total{policy=crashloop,action=restart,result=gave_up} 1" \
       "$(actions crashloop restart gave_up)" 1
    is "crash loop: three boots and three crashes on its console" "$(banners loop) $(crashes loop)" "3 3"
    want="<3>policy=crashloop domain=loop uuid=$LOOP_UUID action=restart reason=crashed result=gave_up"
    want="$want crashed(id $idg)->crashed: burst limit reached; cleared by SIGHUP"
    check "crash loop: logged as an error: ${want#<3>}" grep -qxF "$want" "$AGENT_LOG"
    is "crash loop: two restarts logged before it" "$(grep -c 'domain=loop .*result=ok' "$AGENT_LOG")" 2
    check "crash loop: the bookkeeping says gave_up=1" state_has "$LOOP_UUID" " gave_up=1 "
    # left alone: still crashed, the same domid, at the next sample
    sleep 6
    is "crash loop: left crashed in xl list (domid $idg, state c)" \
       "$(xlf loop 2) $(xlf loop 5 | tr -cd c)" "$idg c"
    scrape
    is "crash loop: no attempt after the give-up" "$(metric xvirt_policy_restart_attempts domain=loop)" 2
    # an operator's SIGHUP clears the give-up: the next sample restarts it
    newloop() { id_=$(xlf loop 2) && [ -n "$id_" ] && [ "$id_" != "$idg" ] && ! xlstate_has loop c; }
    if [ $GAVEUP = 0 ]; then
        skip "crash loop: SIGHUP clears the give-up" "it did not give up"
    elif kill -HUP "$AGENT_PID" && waitfor 30 newloop; then
        ok "crash loop: SIGHUP clears the give-up, loop restarted (domid $idg -> $(xlf loop 2), after ${WAITED}s)"
    else
        not_ok "crash loop: SIGHUP clears the give-up, loop restarted" \
            "$(xl list loop 2>&1 | tail -n 1); agent log: $(sed -n '/reloading/,$p' "$AGENT_LOG")"
    fi
    if [ $GAVEUP = 0 ]; then :
    elif waitfor 15 metric_is 0 xvirt_policy_restart_gave_up domain=loop; then
        ok "crash loop: after SIGHUP xvirt_policy_restart_gave_up{domain=loop} 0"
    else
        not_ok "crash loop: after SIGHUP xvirt_policy_restart_gave_up{domain=loop} 0" \
            "$(metric xvirt_policy_restart_gave_up domain=loop)"
    fi
    xl destroy loop
    check "crash loop: xl destroy loop: gone (a running domain destroyed is not restarted)" \
        sh -c 'sleep 3; ! xl list loop'
elif [ $RESTART_UP = 1 ]; then
    not_ok "crash loop: xl create loop" "see above"
fi

# ================================================================== xl's own restart
section "xl restart: the same crash left to xl (on_crash=\"restart\"), for comparison"
if xlcreate xlr 'on_crash="restart"' && waitfor 120 booted xlr 1; then
    idx0=$(xlf xlr 2) w0=$(now)
    xl sysrq xlr c
    xlnew() { id_=$(xlf xlr 2) && [ -n "$id_" ] && [ "$id_" != "$idx0" ]; }
    if waitfor 60 xlnew; then
        ok "xl restart: xl restarted xlr (domid $idx0 -> $(xlf xlr 2))"
    else
        not_ok "xl restart: xl restarted xlr" "$(xl list xlr 2>&1 | tail -n 1)"
    fi
    sleep 1
    xl_crash=$(after "$w0" "$(event_stamp xlr Crashed)")
    xl_start=$(after "$w0" "$(event_stamp xlr Started)")
    [ -n "$xl_crash" ] || xl_crash=$(after "$w0" "$(event_stamp xlr Stopped)")
    diag "xl restart (on_crash=restart): xl sysrq at 0: crash seen at ${xl_crash:-?}s," \
         "STARTED event of the new domain at ${xl_start:-?}s"
    if [ -n "$xl_start" ]; then ok "xl restart: xvirsh event saw xlr Started Booted ${xl_start}s after xl sysrq"
    else not_ok "xl restart: xvirsh event saw xlr Started Booted" "$(cat "$EVENTS_LOG")"; fi
    is "xl restart: the agent left xlr alone (no policy selects it)" \
       "$(grep -c 'domain=xlr ' "$AGENT_LOG")" 0
    xl destroy xlr
else
    not_ok "xl restart: xl create xlr with on_crash=restart" "see above"
fi
agent_stop
events_stop

lab_end
