# SPDX-License-Identifier: LGPL-2.1-or-later
# agent_common.sh: shared helpers of the end-to-end tests of xvirt-agent
# (tests/agent/*_test.sh), sourced, not run: TAP output, a private temporary
# directory, agents started on 127.0.0.1 and stopped by PID on exit, the
# stepped clock, scrapes and metric lookups.
#
# Time: a test steps simulated time and asserts on sample sequence numbers
# and simulated times, never on how much happens in a wall-clock second
# (see "the stepped clock" below). Where wall time is the behaviour under
# test, the script says so and bounds it so that a loaded machine passes.
#
# Environment: XVIRT_AGENT (the binary), XV_TEST_DATADIR (tests/data),
# XVTESTCLOCK (tests/common/xvtestclock, for the stepped clock).
# A script sets WATCHDOG (seconds, default 120) before sourcing this file;
# past it the script is ended, its agents with it.

set -u

: "${XVIRT_AGENT:?XVIRT_AGENT must name the xvirt-agent binary}"
: "${XV_TEST_DATADIR:?XV_TEST_DATADIR must name tests/data}"

export LC_ALL=C
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY no_proxy

DATA=$XV_TEST_DATADIR/agent
TMP=$(mktemp -d "${TMPDIR:-/tmp}/xvagent.XXXXXX")
AGENT_PIDS=()
AGENT_ENV=()           # NAME=VALUE... for the next start_agent
HELPER_PIDS=()         # background curl, python... of the script
WATCHDOG_PID=

# own_child PID: PID is still a child of this script (not a reused PID).
own_child() {
    [ "$(ps -o ppid= -p "$1" 2>/dev/null | tr -d ' ')" = "$$" ]
}

agent_cleanup() {
    local pid
    for pid in "${AGENT_PIDS[@]}" "${HELPER_PIDS[@]}"; do
        own_child "$pid" && kill -KILL "$pid" 2>/dev/null
    done
    own_child "$WATCHDOG_PID" && kill -TERM "$WATCHDOG_PID" 2>/dev/null
    for pid in "${AGENT_PIDS[@]}" "${HELPER_PIDS[@]}" "$WATCHDOG_PID"; do
        wait "$pid" 2>/dev/null
    done
    rm -rf "$TMP"
}
trap agent_cleanup EXIT
trap 'echo "Bail out! interrupted (signal, or the watchdog after ${WATCHDOG:-120} s)"; exit 1' TERM INT

# The watchdog: a child that ends this script if it runs too long. It keeps
# no descriptor of the TAP stream and takes its sleep with it when stopped.
(
    trap 'kill "$sp" 2>/dev/null; exit 0' TERM
    sleep "${WATCHDOG:-120}" &
    sp=$!
    wait "$sp" && kill -TERM $$
) </dev/null >/dev/null 2>&1 &
WATCHDOG_PID=$!

# ---- TAP ------------------------------------------------------------------

# ok, not_ok, diag, check, is, like, unlike, cmp_num, done_testing...
# shellcheck source=../common/tap.sh
. "$(dirname "${BASH_SOURCE[0]}")/../common/tap.sh"

# ---- agents ---------------------------------------------------------------

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

now() {
    date +%s.%N
}

elapsed_since() {
    awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.3f\n", b - a }'
}

# write_config FILE PORT URI [YAML-LINES...]: a config on 127.0.0.1:PORT
# sampling URI. Further lines are appended as written, after the listen
# section: indented lines first go on under "listen:", then whole sections
# ("sampling:", "  interval: 1s").
write_config() {
    local file=$1 port=$2 uri=$3
    shift 3
    {
        echo "connection:"
        echo "  uri: \"$uri\""
        echo "listen:"
        echo "  address: 127.0.0.1"
        echo "  port: $port"
        printf '%s\n' "$@"
    } >"$file"
}

# start_agent NAME ARGS...: starts xvirt-agent ARGS with stderr in
# $TMP/NAME.log and AGENT_ENV in its environment; sets AGENT_PID and
# AGENT_LOG. Does not wait.
start_agent() {
    local name=$1
    shift
    AGENT_LOG=$TMP/$name.log
    env "${AGENT_ENV[@]}" "$XVIRT_AGENT" "$@" </dev/null >"$TMP/$name.out" 2>"$AGENT_LOG" &
    AGENT_PID=$!
    AGENT_PIDS+=("$AGENT_PID")
}

# wait_for SECONDS COMMAND...: runs COMMAND every 50 ms until it succeeds;
# fails after SECONDS.
wait_for() {
    local limit=$1 start
    shift
    start=$(now)
    until "$@"; do
        awk -v e="$(elapsed_since "$start")" -v l="$limit" 'BEGIN { exit !(e > l) }' && return 1
        sleep 0.05
    done
}

# wait_http PORT PATH CODE [SECONDS]: until GET PATH answers CODE.
wait_http() {
    local port=$1 path=$2 code=$3 limit=${4:-10} start
    start=$(now)
    while :; do
        [ "$(http_code "$port" "$path")" = "$code" ] && return 0
        awk -v e="$(elapsed_since "$start")" -v l="$limit" 'BEGIN { exit !(e > l) }' && return 1
        sleep 0.05
    done
}

# wait_log FILE REGEX [SECONDS]
wait_log() {
    local file=$1 re=$2 limit=${3:-10} start
    start=$(now)
    while ! grep -Eq -- "$re" "$file" 2>/dev/null; do
        awk -v e="$(elapsed_since "$start")" -v l="$limit" 'BEGIN { exit !(e > l) }' && return 1
        sleep 0.05
    done
}

# wait_log_count FILE REGEX N [SECONDS]: until N lines match (a second
# reload...).
wait_log_count() {
    local file=$1 re=$2 n=$3 limit=${4:-10} start
    start=$(now)
    while [ "$(grep -Ec -- "$re" "$file" 2>/dev/null)" -lt "$n" ]; do
        awk -v e="$(elapsed_since "$start")" -v l="$limit" 'BEGIN { exit !(e > l) }' && return 1
        sleep 0.05
    done
}

# wait_exit PID [SECONDS]: waits for PID to end; sets EXIT_STATUS (or
# "timeout") and EXIT_AFTER (seconds waited).
wait_exit() {
    local pid=$1 limit=${2:-10} start
    start=$(now)
    while kill -0 "$pid" 2>/dev/null; do
        if awk -v e="$(elapsed_since "$start")" -v l="$limit" 'BEGIN { exit !(e > l) }'; then
            EXIT_STATUS=timeout
            EXIT_AFTER=$(elapsed_since "$start")
            return 1
        fi
        sleep 0.02
    done
    wait "$pid"
    EXIT_STATUS=$?
    EXIT_AFTER=$(elapsed_since "$start")
}

# ---- the stepped clock ------------------------------------------------------
#
# An agent started by start_stepped_agent runs on a stepped clock
# (XVIRT_TEST_CONTROL, see xvirt-agent(8)), and its node is a shared node
# (test:///NODE.xml?journal=/ABS/PATH) whose clock is frozen
# (<xvirt:clock rate='0'/>): nothing moves until the script steps. `step`
# moves both by the same simulated time, and the agent takes every sample
# falling due, each at its own time. Each answer sets:
#   SEQ      the sample /metrics serves (a scrape after the answer shows it)
#   NOW      the agent's stepped time since it started, in s ("2.200")
#   NOW_NS   the same in ns; NEXT_NS: when its next sample is due
#   REAL_MS  its stepped real time, ms since the epoch (persisted deadlines)
#   BUSY     1 while a sample is in progress (a hung hypervisor call)

: "${XVTESTCLOCK:=}"
CTL=                   # the control socket of the last stepped agent
STEP_URI=              # its node, which `step` moves with it
STEP_BY=               # step_until's step: the agent's interval
SEQ=0 NOW=0.000 NOW_NS=0 NEXT_NS=0 REAL_MS=0 BUSY=0

# ctl_parse ANSWER: sets SEQ... from "seq=N time_ns=T ..."; false if it is
# no answer.
ctl_parse() {
    local f
    case $1 in
    seq=*) ;;
    *) return 1 ;;
    esac
    for f in $1; do
        case $f in
        seq=*) SEQ=${f#seq=} ;;
        time_ns=*) NOW_NS=${f#time_ns=} ;;
        next_ns=*) NEXT_NS=${f#next_ns=} ;;
        real_ms=*) REAL_MS=${f#real_ms=} ;;
        busy=*) BUSY=${f#busy=} ;;
        esac
    done
    NOW=$(printf '%d.%03d' $((NOW_NS / 1000000000)) $((NOW_NS / 1000000 % 1000)))
}

# ctl REQUEST: asks the agent's test control ("status", "advance?by=0s",
# "sample", "pass?by=1s"); sets SEQ... False (answer in CTL_ERROR) if it
# fails.
ctl() {
    CTL_ERROR=$(curl -s -S --max-time 300 --unix-socket "$CTL" "http://agent/$1" 2>&1) &&
        ctl_parse "$CTL_ERROR"
}

# stepped_up: the control socket is there, or the agent is gone.
stepped_up() {
    [ -S "$CTL" ] || ! kill -0 "$AGENT_PID" 2>/dev/null
}

# start_stepped_agent NAME NODE-URI ARGS...: start_agent NAME ARGS on a
# stepped clock with its control at $TMP/NAME.sock (CLOCK_START, if set,
# is its real time at the start, ms since the epoch); `step` moves
# NODE-URI with it ("": the agent alone, for a node without scripted
# events). Waits for its first sample (SEQ 1); false if it does not come.
start_stepped_agent() {
    local name=$1
    STEP_URI=$2
    shift 2
    CTL=$TMP/$name.sock
    AGENT_ENV=("XVIRT_TEST_CONTROL=$CTL")
    [ -n "${CLOCK_START:-}" ] && AGENT_ENV+=("XVIRT_TEST_CLOCK_START=$CLOCK_START")
    start_agent "$name" "$@"
    AGENT_ENV=()
    wait_for 30 stepped_up && [ -S "$CTL" ] && ctl "advance?by=0s" && [ "$SEQ" -ge 1 ]
}

# step DURATION: the node and the agent forward by DURATION (200ms, 2s;
# 0s runs only what is due now, such as the sample a reload asks for),
# then runs AFTER_STEP (a command, if set). Bails out if the clock cannot
# be stepped.
step() {
    local answer
    if [ -z "$STEP_URI" ]; then
        ctl "advance?by=$1" || step_failed "$1" "$CTL_ERROR"
    else
        answer=$("$XVTESTCLOCK" "$STEP_URI" step "$1" "$CTL" 2>&1) && ctl_parse "$answer" ||
            step_failed "$1" "$answer"
    fi
    [ -z "${AFTER_STEP:-}" ] || $AFTER_STEP
}

step_failed() {
    echo "Bail out! cannot step the clock by $1: ${2:-no answer}"
    exit 1
}

# step_bg DURATION: step in the background (into a sample that will hang);
# step_bg_wait [SECONDS]: waits for it (false after SECONDS of wall time)
# and sets SEQ... from its answer.
step_bg() {
    "$XVTESTCLOCK" "$STEP_URI" step "$1" "$CTL" </dev/null >"$TMP/step_bg.out" 2>&1 &
    STEP_BG_PID=$!
    HELPER_PIDS+=("$STEP_BG_PID")
}
step_bg_wait() {
    wait_exit "$STEP_BG_PID" "${1:-30}" && [ "$EXIT_STATUS" = 0 ] &&
        ctl_parse "$(cat "$TMP/step_bg.out")"
}

# node_step DURATION: the node alone forward (the agent's clock stays).
node_step() {
    "$XVTESTCLOCK" "$STEP_URI" advance "$1"
}

# step_until SECONDS COMMAND...: runs COMMAND, stepping STEP_BY between
# tries, until it succeeds; false once SECONDS of simulated time passed.
step_until() {
    local limit start=$NOW_NS
    limit=$(awk -v s="$1" 'BEGIN { printf "%.0f", s * 1e9 }')
    shift
    until "$@"; do
        [ $((NOW_NS - start)) -ge "$limit" ] && return 1
        step "$STEP_BY"
    done
}

# step_for SECONDS COMMAND...: steps STEP_BY at a time for SECONDS of
# simulated time, running COMMAND after each step.
step_for() {
    local limit start=$NOW_NS
    limit=$(awk -v s="$1" 'BEGIN { printf "%.0f", s * 1e9 }')
    shift
    while [ $((NOW_NS - start)) -lt "$limit" ]; do
        step "$STEP_BY"
        "$@"
    done
}

# http_code PORT PATH [CURL-ARGS...]: the status code ("000": no answer).
http_code() {
    local port=$1 path=$2
    shift 2
    curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$@" "http://127.0.0.1:$port$path"
}

# scrape PORT FILE [CURL-ARGS...]: GET /metrics into FILE; prints the
# status code and the total time ("200 0.001234").
scrape() {
    local port=$1 file=$2
    shift 2
    curl -s -o "$file" -w '%{http_code} %{time_total}\n' --max-time 10 "$@" \
        "http://127.0.0.1:$port/metrics"
}

# metric FILE SERIES: the value of the series (exact name and labels, as
# printed), or nothing.
metric() {
    awk -v s="$2" 'substr($0, 1, length(s) + 1) == s " " { print $2; exit }' "$1"
}

# count_series FILE REGEX: samples (non-comment lines) whose series
# matches ^REGEX.
count_series() {
    grep -v '^#' "$1" | grep -Ec -- "^$2"
}

# sample_errors FILE: the sum of xvirt_sample_errors_total over every call.
sample_errors() {
    grep '^xvirt_sample_errors_total{' "$1" | awk '{ s += $2 } END { print s + 0 }'
}

# duplicate_series FILE: the series appearing more than once.
duplicate_series() {
    grep -v '^#' "$1" | sed -E 's/ [^ ]+$//' | sort | uniq -d
}

# scrape_value PORT SERIES: scrapes and prints the series' value.
scrape_value() {
    scrape "$1" "$TMP/scrape_value.prom" >/dev/null
    metric "$TMP/scrape_value.prom" "$2"
}

# metric_is PORT SERIES VALUE: scrapes; true if SERIES has VALUE.
metric_is() {
    [ "$(scrape_value "$1" "$2")" = "$3" ]
}

# gen_node FILE N VCPUS [EVENTS-XML]: writes a node of N running domains
# dom-0001.. with VCPUS vcpus each (on a 64-CPU host, real-time clock),
# EVENTS-XML inside <xvirt:events>.
gen_node() {
    python3 - "$@" <<'PY'
import sys
path, n, vcpus = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
events = sys.argv[4] if len(sys.argv) > 4 else ""
out = ["<?xml version='1.0'?>",
       "<node xmlns:xvirt='http://xvirt.dev/schemas/test/1.0'>",
       "  <cpu><mhz>2400</mhz><model>x86_64</model><nodes>2</nodes><sockets>1</sockets>"
       "<cores>16</cores><threads>2</threads></cpu>",
       "  <memory>%d</memory>" % max(n * 1048576, 16777216),
       "  <xvirt:events>%s</xvirt:events>" % events]
for i in range(1, n + 1):
    out.append("  <domain type='xen'><name>dom-%04d</name>"
               "<uuid>d0000000-0000-4000-8000-%012d</uuid>"
               "<memory>524288</memory><vcpu>%d</vcpu>"
               "<os><type>linux</type><kernel>/boot/vmlinuz</kernel></os></domain>"
               % (i, i, vcpus))
out.append("</node>")
with open(path, "w") as f:
    f.write("\n".join(out) + "\n")
PY
}
