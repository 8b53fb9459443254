#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# policy_autopin_test.sh: the autopin policy of xvirt-agent on the test
# driver, as TAP. Each agent run shares its node with xvirsh through a fresh
# journal (test:///NODE?journal=$TMP/journal-NAME, shared mode): the outcome
# is read from the agent's /metrics (affinities, running CPUs, CPU time) and
# log, and xvirsh, in processes of its own while the agent runs and after it
# stopped, must show the same placement (vcpuinfo and vcpupin). The agent
# and the node run on the stepped clock, 100 ms samples: "within a few
# intervals" and "no pin for 100 intervals" count samples, and the loads are
# CPU time over simulated time.
#
# 1. spread: a skewed, crowded load is spread evenly within a few
#    intervals, reserved pCPUs are vacated and never used, a domain not
#    selected is never touched, then no pin for 100 intervals; xvirsh shows
#    the agent's placement (autopin-spread.xml)
# 2. numa: each domain inside one NUMA node, the two nodes balanced, by
#    /metrics and by xvirsh (autopin-numa.xml)
# 3. dedicated: one pCPU per vcpu, none shared or reserved, by /metrics and
#    by xvirsh; the domain that does not fit is given up on, once
#    (autopin-dedicated.xml)
# 4. dry run: counted as dry_run, nothing touched: xvirsh shows the original
#    affinities (autopin-spread.xml)
WATCHDOG=240
. "$(dirname "${BASH_SOURCE[0]}")/agent_common.sh"

: "${XVIRSH:?XVIRSH must name the xvirsh binary}"
PDATA=$XV_TEST_DATADIR/policy
U1=f1000000-0000-4000-8000-0000000000
U3=f3000000-0000-4000-8000-0000000000

STEP_BY=100ms

# start_autopin_agent NAME NODE [POLICY-LINES...]: one autopin policy "pin"
# sampling every 100 ms, on a fresh journal; sets URI (for xvirsh),
# JOURNAL and port.
start_autopin_agent() {
    local name=$1 node=$2
    shift 2
    port=$(free_port)
    JOURNAL=$TMP/journal-$name
    URI="test://$PDATA/$node?journal=$JOURNAL"
    write_config "$TMP/$name.yaml" "$port" "$URI" \
        "sampling:" "  interval: 100ms" "state_dir: $TMP/state-$name" "policies:" \
        "  - name: pin" "    type: autopin" "$@"
    if ! start_stepped_agent "$name" "$URI" --config "$TMP/$name.yaml" ||
        ! wait_http "$port" /-/ready 200 10; then
        not_ok "$name: agent becomes ready" "$AGENT_LOG"
        done_testing
    fi
}

stop_agent() {
    kill -TERM "$AGENT_PID"
    wait_exit "$AGENT_PID" 10
    is "$1: exit status 0" "$EXIT_STATUS" 0
}

pin_series() {
    echo "xvirt_policy_actions_total{policy=\"pin\",action=\"pin\",result=\"$1\"}"
}

# affinities FILE: "DOMAIN VCPU CPUS" per vcpu, sorted
affinities() {
    local q='"\([^"]*\)"'
    sed -n "s/^xvirt_vcpu_affinity_info{domain=$q,uuid=$q,vcpu=$q,cpus=$q} 1\$/\1 \3 \4/p" \
        "$1" | sort
}

# metrics_placement FILE: "DOMAIN VCPU CPU AFFINITY" per vcpu of a scrape,
# sorted: the pCPU it runs on (xvirt_vcpu_cpu) and its CPU list
# (xvirt_vcpu_affinity_info)
metrics_placement() {
    awk -F'"' '
        /^xvirt_vcpu_cpu\{/ { split($7, v, " "); cpu[$2 " " $6] = v[2] }
        /^xvirt_vcpu_affinity_info\{/ { aff[$2 " " $6] = $8 }
        END { for (k in aff) print k, (k in cpu ? cpu[k] : "?"), aff[k] }' "$1" |
        sort -k1,1 -k2,2n
}

# xvirsh_placement DOMAIN...: the same lines as xvirsh shows them on $URI,
# two xvirsh processes per domain: CPU from vcpuinfo, AFFINITY the CPU list
# of vcpupin. Where vcpuinfo's affinity map says otherwise, AFFINITY is
# "LIST(vcpuinfo:MAP)"; a failing xvirsh gives "DOMAIN: xvirsh failed...".
xvirsh_placement() {
    local dom
    for dom in "$@"; do
        if ! "$XVIRSH" -c "$URI" vcpuinfo "$dom" >"$TMP/vcpuinfo.out" 2>&1 ||
            ! "$XVIRSH" -c "$URI" vcpupin "$dom" >"$TMP/vcpupin.out" 2>&1; then
            echo "$dom: xvirsh failed: $(cat "$TMP/vcpuinfo.out" "$TMP/vcpupin.out")"
            continue
        fi
        awk -v dom="$dom" '
            # "--yy-y--" -> "2-3,5"
            function maplist(m,    i, first, out) {
                out = ""
                for (i = 1; i <= length(m) + 1; i++) {
                    if (substr(m, i, 1) == "y") {
                        if (!first) first = i
                    } else if (first) {
                        out = out (out == "" ? "" : ",") (first - 1)
                        if (i - 1 > first) out = out "-" (i - 2)
                        first = 0
                    }
                }
                return out
            }
            FNR == NR && $1 == "VCPU:" { v = $2 }
            FNR == NR && $1 == "CPU:" { cpu[v] = $2 }
            FNR == NR && $1 == "CPU" && $2 == "Affinity:" { map[v] = $3 }
            FNR != NR && NF == 2 && $1 ~ /^[0-9]+$/ {
                aff = $2
                if (maplist(map[$1]) != aff) aff = aff "(vcpuinfo:" map[$1] ")"
                print dom, $1, cpu[$1], aff
            }' "$TMP/vcpuinfo.out" "$TMP/vcpupin.out"
    done | sort -k1,1 -k2,2n
}

# numa_nodes: placement lines on stdin -> "DOMAIN NODES" per domain, NODES
# the NUMA nodes (as xvirsh nodeinfo numbers them, CPU(s) / NUMA cell(s)
# pCPUs each) of its vcpus' running CPUs and affinities, comma-separated
numa_nodes() {
    local per
    per=$("$XVIRSH" -c "$URI" nodeinfo |
        awk -F: '/^CPU\(s\)/ { c = $2 } /^NUMA cell/ { n = $2 } END { print int(c / n) }')
    awk -v per="$per" '
        function add(d, cpu,    node) {
            node = int(cpu / per)
            if (!((d, node) in seen))
                nodes[d] = nodes[d] "," node
            seen[d, node] = 1
        }
        {
            add($1, $3)
            n = split($4, parts, ",")
            for (i = 1; i <= n; i++) {
                if (split(parts[i], r, "-") == 1) r[2] = r[1]
                for (c = r[1]; c <= r[2]; c++) add($1, c)
            }
        }
        END { for (d in nodes) print d, substr(nodes[d], 2) }' | sort
}

# journal_pins: the pins the journal holds
journal_pins() {
    grep -c ' virDomainPinVcpu ' "$JOURNAL"
}

# cpu_loads OLD NEW: "CPU LOAD" per pCPU 0-7: the CPU time of the vcpus
# running there (xvirt_vcpu_cpu in NEW) between the two scrapes, over the
# time between their samples
cpu_loads() {
    python3 - "$1" "$2" <<'PY'
import re, sys
def read(path):
    cpu, secs, ts = {}, {}, None
    for line in open(path):
        m = re.match(r'xvirt_vcpu_(cpu|cpu_seconds_total)'
                     r'\{domain="([^"]*)",uuid="[^"]*",vcpu="(\d+)"\} (\S+)', line)
        if m:
            (cpu if m.group(1) == "cpu" else secs)[(m.group(2), m.group(3))] = float(m.group(4))
        m = re.match(r'xvirt_sample_timestamp_seconds (\S+)', line)
        if m:
            ts = float(m.group(1))
    return cpu, secs, ts
_, old, t0 = read(sys.argv[1])
cpu, new, t1 = read(sys.argv[2])
loads = [0.0] * 8
for key, c in cpu.items():
    if c >= 0 and key in old:
        loads[int(c)] += (new[key] - old[key]) / (t1 - t0)
for c, load in enumerate(loads):
    print(c, "%.2f" % load)
PY
}

# scrape_pair PORT PREFIX: two scrapes a second apart ($TMP/PREFIX.0/1.prom)
scrape_pair() {
    scrape "$1" "$TMP/$2.0.prom" >/dev/null
    step 1s
    scrape "$1" "$TMP/$2.1.prom" >/dev/null
}

# settled PORT SECONDS: the ok count has not changed for SECONDS (and is not 0:
# the series is there at 0 before the first pin)
settled() {
    local before
    before=$(scrape_value "$1" "$(pin_series ok)")
    step_for "$2" :
    [ -n "$before" ] && [ "$before" != 0 ] &&
        [ "$(scrape_value "$1" "$(pin_series ok)")" = "$before" ]
}

# count_samples N: steps N intervals; sets SAMPLES to the samples taken
count_samples() {
    local before=$SEQ i
    for i in $(seq "$1"); do
        step "$STEP_BY"
    done
    SAMPLES=$((SEQ - before))
}

# ---- 1. spread -------------------------------------------------------------------

start_autopin_agent spread autopin-spread.xml "    reserved_cpus: 0-1" \
    "    domains:" "      exclude: [infra]"
# balanced: every pCPU from 2 to 7 runs exactly one of the six 0.8 vcpus
balanced() {
    scrape "$port" "$TMP/bal.prom" >/dev/null
    [ "$(affinities "$TMP/bal.prom" | awk '$1 == "web" || $1 == "db" { print $3 }' |
        sort -u | tr '\n' ' ')" = "2 3 4 5 6 7 " ]
}
if step_until 5 balanced; then
    ok "spread: balanced $NOW s after the agent started (sample $SEQ)"
else
    not_ok "spread: balanced" "$(affinities "$TMP/bal.prom")" "$AGENT_LOG"
fi
cmp_num "spread: within a few intervals (1.5 s at 100 ms)" "$NOW" "<" 1.5
check "spread: then settled" settled "$port" 1
scrape_pair "$port" spread
cpu_loads "$TMP/spread.0.prom" "$TMP/spread.1.prom" >"$TMP/spread.loads"
diag "per-pCPU load: $(tr '\n' ' ' <"$TMP/spread.loads")"
is "spread: each of pCPUs 2-7 between 0.75 and 0.95 pCPU" \
    "$(awk '$1 >= 2 && ($2 < 0.75 || $2 > 0.95)' "$TMP/spread.loads")" ""
is "spread: the reserved pCPUs run only infra (0.5 each)" \
    "$(awk '$1 < 2 && ($2 < 0.45 || $2 > 0.55)' "$TMP/spread.loads")" ""
affinities "$TMP/spread.1.prom" >"$TMP/spread.aff"
is "spread: every selected vcpu pinned to one pCPU of 2-7" \
    "$(awk '$1 != "infra" && $3 !~ /^[2-7]$/' "$TMP/spread.aff")" ""
is "spread: infra (not selected) untouched" \
    "$(awk '$1 == "infra" { print $3 }' "$TMP/spread.aff" | tr '\n' ' ')" "0-1 0-1 "
is "spread: nothing logged for infra" "$(grep -c 'domain=infra' "$AGENT_LOG")" 0
like "spread: a move is logged with its reason and maps" "$AGENT_LOG" \
    "^<5>policy=pin domain=web uuid=${U1}01 action=pin vcpu=[0-3] load=80\\.0% reason=imbalance "\
"result=ok 2->[3-7]\$"
like "spread: vacating the reserved pCPUs is logged as such" "$AGENT_LOG" \
    '^<5>policy=pin domain=batch uuid=[^ ]* action=pin vcpu=0 load=10\.0% reason=reserved result=ok 0-7->[2-7]$'
oks=$(metric "$TMP/spread.1.prom" "$(pin_series ok)")
is "spread: one pin per vcpu moved (5 of web and db, 2 of batch)" "$oks" 7
is "spread: no failure" "$(metric "$TMP/spread.1.prom" "$(pin_series failed)")" 0
xvirsh_placement batch db infra web >"$TMP/spread.xvirsh"
is "spread: xvirsh, while the agent runs, shows the placement of /metrics" \
    "$(cat "$TMP/spread.xvirsh")" "$(metrics_placement "$TMP/spread.1.prom")"
is "spread: per xvirsh, each selected vcpu runs on the one pCPU of 2-7 it is pinned to" \
    "$(awk '$1 != "infra" && !($3 == $4 && $4 ~ /^[2-7]$/)' "$TMP/spread.xvirsh")" ""
is "spread: per xvirsh, pCPUs 2-7 each run one web or db vcpu" \
    "$(awk '$1 == "web" || $1 == "db" { print $3 }' "$TMP/spread.xvirsh" | sort | tr '\n' ' ')" \
    "2 3 4 5 6 7 "
is "spread: per xvirsh, infra untouched on 0-1" \
    "$(awk '$1 == "infra" { print $4 }' "$TMP/spread.xvirsh" | tr '\n' ' ')" "0-1 0-1 "
is "spread: the journal holds one pin per pin counted" "$(journal_pins)" "$oks"

# then still: no pin over 100 intervals
lines=$(grep -c 'action=pin' "$AGENT_LOG")
count_samples 100
samples=$SAMPLES
cmp_num "stable: 100 intervals observed ($samples)" "$samples" ">=" 100
scrape "$port" "$TMP/still.prom" >/dev/null
is "stable: no pin over 100 intervals (metric)" \
    "$(metric "$TMP/still.prom" "$(pin_series ok)")" "$oks"
is "stable: no pin over 100 intervals (log)" "$(grep -c 'action=pin' "$AGENT_LOG")" "$lines"
is "stable: same placement" "$(affinities "$TMP/still.prom")" "$(cat "$TMP/spread.aff")"
is "stable: xvirsh shows the same placement as /metrics" \
    "$(xvirsh_placement batch db infra web)" "$(metrics_placement "$TMP/still.prom")"

# after the agent: the journal keeps the node as the agent left it
stop_agent "part 1"
is "spread: after the agent, xvirsh still shows its last placement" \
    "$(xvirsh_placement batch db infra web)" "$(metrics_placement "$TMP/still.prom")"

# ---- 2. numa ---------------------------------------------------------------------

start_autopin_agent numa autopin-numa.xml "    strategy: numa"
if step_until 5 settled "$port" 0.6; then
    ok "numa: settled $NOW s after the agent started"
else
    not_ok "numa: settled" "$AGENT_LOG"
fi
scrape_pair "$port" numa
affinities "$TMP/numa.1.prom" >"$TMP/numa.aff"
diag "numa: $(tr '\n' ' ' <"$TMP/numa.aff")"
for dom in a b c d; do
    is "numa: $dom inside one node" \
        "$(awk -v d=$dom '$1 == d { print $3 }' "$TMP/numa.aff" | sort -u |
            grep -Ec '^(0-3|4-7)$')" 1
done
is "numa: every vcpu on one node's pCPUs" "$(awk '$3 != "0-3" && $3 != "4-7"' "$TMP/numa.aff")" ""
is "numa: a and b (the heaviest) in different nodes" \
    "$(awk '$1 == "a" || $1 == "b" { print $3 }' "$TMP/numa.aff" | sort -u | wc -l)" 2
xvirsh_placement a b c d >"$TMP/numa.xvirsh"
is "numa: xvirsh, while the agent runs, shows the placement of /metrics" \
    "$(cat "$TMP/numa.xvirsh")" "$(metrics_placement "$TMP/numa.1.prom")"
numa_nodes <"$TMP/numa.xvirsh" >"$TMP/numa.nodes"
diag "numa: NUMA nodes per xvirsh: $(tr '\n' ' ' <"$TMP/numa.nodes")"
is "numa: per xvirsh, each domain's vcpus run and may run inside one NUMA node" \
    "$(awk '$2 ~ /^[01]$/ { print $1 }' "$TMP/numa.nodes" | tr '\n' ' ')" "a b c d "
is "numa: per xvirsh, a and b in different nodes" \
    "$(awk '$1 == "a" || $1 == "b" { print $2 }' "$TMP/numa.nodes" | sort -u | wc -l)" 2
cpu_loads "$TMP/numa.0.prom" "$TMP/numa.1.prom" >"$TMP/numa.loads"
node0=$(awk '$1 < 4 { s += $2 } END { printf "%.2f", s }' "$TMP/numa.loads")
node1=$(awk '$1 >= 4 { s += $2 } END { printf "%.2f", s }' "$TMP/numa.loads")
diag "numa: node loads $node0 / $node1"
cmp_num "numa: node 0 carries 2.8 pCPUs ($node0)" "$node0" "<" 3.0
cmp_num "numa: node 1 carries 2.8 pCPUs ($node1)" "$node1" "<" 3.0
like "numa: the moves are logged" "$AGENT_LOG" \
    '^<5>policy=pin domain=[abcd] uuid=[^ ]* action=pin vcpu=[01] load=[0-9]+\.[0-9]% reason=numa result=ok '\
'[0-9,-]+->(0-3|4-7)$'
oks=$(metric "$TMP/numa.1.prom" "$(pin_series ok)")
count_samples 30
samples=$SAMPLES
scrape "$port" "$TMP/numa.2.prom" >/dev/null
is "numa: no pin over $samples more intervals" "$(metric "$TMP/numa.2.prom" "$(pin_series ok)")" \
    "$oks"
is "numa: the journal holds one pin per pin counted" "$(journal_pins)" "$oks"
stop_agent "part 2"
is "numa: after the agent, xvirsh still shows its last placement" \
    "$(xvirsh_placement a b c d)" "$(metrics_placement "$TMP/numa.2.prom")"

# ---- 3. dedicated ----------------------------------------------------------------

start_autopin_agent dedicated autopin-dedicated.xml "    strategy: dedicated" \
    "    reserved_cpus: 0-1" "    domains:" "      names: [rt*]"
GAVE="$(pin_series gave_up)"
if step_until 5 metric_is "$port" "$(pin_series ok)" 6; then
    ok "dedicated: six vcpus pinned"
else
    not_ok "dedicated: six vcpus pinned" "$AGENT_LOG"
fi
step 1s
scrape "$port" "$TMP/ded.prom" >/dev/null
affinities "$TMP/ded.prom" >"$TMP/ded.aff"
diag "dedicated: $(tr '\n' ' ' <"$TMP/ded.aff")"
is "dedicated: rt1-rt3 each vcpu alone on its own pCPU of 2-7" \
    "$(awk '$1 ~ /^rt[123]$/ { print $3 }' "$TMP/ded.aff" | sort | tr '\n' ' ')" "2 3 4 5 6 7 "
is "dedicated: rt4 does not fit and is left alone" \
    "$(awk '$1 == "rt4" { print $3 }' "$TMP/ded.aff")" "0-7"
is "dedicated: web (not selected) left alone" \
    "$(awk '$1 == "web" { print $3 }' "$TMP/ded.aff" | tr '\n' ' ')" "0-7 0-7 "
xvirsh_placement rt1 rt2 rt3 rt4 web >"$TMP/ded.xvirsh"
is "dedicated: xvirsh, while the agent runs, shows the placement of /metrics" \
    "$(cat "$TMP/ded.xvirsh")" "$(metrics_placement "$TMP/ded.prom")"
is "dedicated: per xvirsh, each rt1-rt3 vcpu runs on the one pCPU it is pinned to" \
    "$(awk '$1 ~ /^rt[123]$/ && !($3 == $4 && $4 ~ /^[0-9]+$/)' "$TMP/ded.xvirsh")" ""
is "dedicated: per xvirsh, no pCPU shared by rt1-rt3, none reserved" \
    "$(awk '$1 ~ /^rt[123]$/ { print $4 }' "$TMP/ded.xvirsh" | sort | tr '\n' ' ')" \
    "2 3 4 5 6 7 "
is "dedicated: per xvirsh, rt4 and web left on 0-7" \
    "$(awk '$1 == "rt4" || $1 == "web" { print $4 }' "$TMP/ded.xvirsh" | tr '\n' ' ')" \
    "0-7 0-7 0-7 "
is "dedicated: the give-up is counted once" "$(metric "$TMP/ded.prom" "$GAVE")" 1
like "dedicated: and logged" "$AGENT_LOG" \
    "^<3>policy=pin domain=rt4 uuid=${U3}04 action=pin reason=no_fit result=gave_up 0-7->0-7\$"
count_samples 20
samples=$SAMPLES
is "dedicated: still once after $samples more intervals" "$(scrape_value "$port" "$GAVE")" 1
is "dedicated: logged once" "$(grep -c 'result=gave_up' "$AGENT_LOG")" 1
scrape "$port" "$TMP/ded.2.prom" >/dev/null
is "dedicated: no more pins" "$(metric "$TMP/ded.2.prom" "$(pin_series ok)")" 6
is "dedicated: the journal holds the six pins" "$(journal_pins)" 6
stop_agent "part 3"
is "dedicated: after the agent, xvirsh still shows its last placement" \
    "$(xvirsh_placement rt1 rt2 rt3 rt4 web)" "$(metrics_placement "$TMP/ded.2.prom")"

# ---- 4. dry run ------------------------------------------------------------------

# the original placement: xvirsh on a node of its own (no journal, no agent)
URI="test://$PDATA/autopin-spread.xml"
xvirsh_placement batch db infra web >"$TMP/orig.xvirsh"
diag "dry run: original placement: $(tr '\n' ' ' <"$TMP/orig.xvirsh")"
is "dry run: the original affinities (xvirsh, own node)" \
    "$(awk '{ print $1 "=" $4 }' "$TMP/orig.xvirsh" | uniq | tr '\n' ' ')" \
    "batch=0-7 db=2 infra=0-1 web=2 "
start_autopin_agent dry autopin-spread.xml "    dry_run: true" "    reserved_cpus: 0-1" \
    "    domains:" "      exclude: [infra]"
DRY="$(pin_series dry_run)"
# at_least PORT SERIES N: the series is at least N
at_least() {
    local v
    v=$(scrape_value "$1" "$2")
    [ -n "$v" ] && [ "$v" -ge "$3" ]
}
# 7 per interval
if step_until 5 at_least "$port" "$DRY" 7; then
    ok "dry run: the pins are counted as dry_run"
else
    not_ok "dry run: the pins are counted as dry_run" "$AGENT_LOG"
fi
count_samples 5
scrape "$port" "$TMP/dry.prom" >/dev/null
cmp_num "dry run: decided again each interval, nothing having changed" \
    "$(metric "$TMP/dry.prom" "$DRY")" ">=" 14
is "dry run: no real pin" "$(metric "$TMP/dry.prom" "$(pin_series ok)")" 0
is "dry run: web and db still crowded on pCPU 2" \
    "$(affinities "$TMP/dry.prom" | awk '$1 == "web" || $1 == "db" { print $3 }' | sort -u)" 2
is "dry run: batch still anywhere" \
    "$(affinities "$TMP/dry.prom" | awk '$1 == "batch" { print $3 }' | sort -u)" "0-7"
like "dry run: logged" "$AGENT_LOG" \
    "^<5>policy=pin domain=web uuid=${U1}01 action=pin vcpu=[0-3] load=80\\.0% reason=imbalance "\
"result=dry_run 2->[3-7]\$"
is "dry run: xvirsh, while the agent runs, shows the placement of /metrics" \
    "$(xvirsh_placement batch db infra web)" "$(metrics_placement "$TMP/dry.prom")"
is "dry run: xvirsh, while the agent runs, shows the original placement" \
    "$(xvirsh_placement batch db infra web)" "$(cat "$TMP/orig.xvirsh")"
is "dry run: the journal holds no pin" "$(journal_pins)" 0
stop_agent "part 4"
is "dry run: after the agent, xvirsh shows the original placement" \
    "$(xvirsh_placement batch db infra web)" "$(cat "$TMP/orig.xvirsh")"

done_testing
