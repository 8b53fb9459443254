#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# valgrind_test.sh: 30 busy seconds of the agent under valgrind: no memory
# error, no leak, no growth (TAP).
#
# xvirt-agent runs under memcheck for 30 s of simulated time (the stepped
# clock) on a 20-domain node whose domains crash, reboot and fail calls now
# and then (tests/data/agent/churn-20.xml, made by bench/gen-node.py, here
# with its clock frozen and stepped with the agent's), sampling every
# 200 ms, while two clients scrape /metrics back to back (text and
# OpenMetrics); after each 200 ms step the script waits until each has had
# one more answer, so scrapes and samples interleave all along, whatever
# the machine's speed. At 4 s a SIGHUP reloads a changed configuration, at
# 7 s another SIGHUP meets a broken file and is rejected. Then SIGTERM.
# Checks:
#   - the agent exits 0: valgrind turns any memory error and any definite or
#     indirect leak into exit status 99 (libevent and glibc keep some memory
#     "still reachable" until exit, which is no leak and does not count);
#   - every scrape was answered 200, and there were many;
#   - no growth: VmRSS at 28 s exceeds VmRSS at 10 s by less than 2 MiB.
#
# The growth bound. Memory the agent kept growing through (a publication
# that is never released, an ever-growing cache or connection table) stays
# reachable, so the leak checker cannot see it, but RSS does. Between 10 s
# and 28 s the agent takes 72 samples (every 250 ms after the reload), and
# serves at least as many scrapes of each kind; holding on
# to one 20-domain publication (~75 KiB: two rendered bodies and the
# snapshot) per sample would add ~5 MiB. A correct agent still grows a
# little under valgrind, ~0.5 MiB in this window: code run for the first
# time (the reloads, the scripted events) is translated and cached, and
# freed blocks are parked in memcheck's freed-block queue before reuse. That
# queue is capped at 2 MB here (--freelist-vol; the default 20 MB would take
# about a minute of this load to fill and would look like growth). So 2 MiB
# sits between the two: four times the noise, under half of the smallest
# leak that matters. The reloads come before the window: the first reload
# after start leaves ~1 MiB more RSS once (the configuration loader's
# 1 MiB read buffer, calloc'd, then comes from the heap, not a fresh
# mapping), which is a one-off, not growth.
#
# Environment: XVIRT_AGENT, XV_TEST_DATADIR (from meson).

WATCHDOG=150
# shellcheck source=agent_common.sh
. "$(dirname "$0")/agent_common.sh"

RUN_SECONDS=30
RSS_EARLY=10
RSS_LATE=28
RSS_BOUND_KIB=2048
VALGRIND=$(command -v valgrind || true)
if [ -z "$VALGRIND" ]; then
    echo "1..0 # SKIP valgrind not installed"
    exit 0
fi

PORT=$(free_port)
sed "s/<xvirt:clock rate='1'/<xvirt:clock rate='0'/" "$DATA/churn-20.xml" >"$TMP/churn-20.xml"
URI="test://$TMP/churn-20.xml?journal=$TMP/journal"
conf() {    # conf INTERVAL LEVEL: (re)writes the agent's configuration
    write_config "$TMP/agent.yaml" "$PORT" "$URI" \
        "sampling:" "  interval: $1" "logging:" "  level: $2"
}
conf 200ms info

start=$(now)
CTL=$TMP/agent.sock
STEP_URI=$URI
STEP_BY=200ms
env XVIRT_TEST_CONTROL="$CTL" \
    "$VALGRIND" -q --leak-check=full --show-leak-kinds=definite,indirect \
    --errors-for-leak-kinds=definite,indirect --error-exitcode=99 \
    --freelist-vol=2000000 --num-callers=30 --log-file="$TMP/valgrind.log" \
    "$XVIRT_AGENT" --config "$TMP/agent.yaml" </dev/null >"$TMP/agent.out" 2>"$TMP/agent.log" &
AGENT_PID=$!
AGENT_PIDS+=("$AGENT_PID")
if wait_for 60 stepped_up && [ -S "$CTL" ] && ctl "advance?by=0s" &&
    wait_http "$PORT" /-/ready 200 30; then
    ok "the agent under valgrind is ready (after $(elapsed_since "$start") s)"
else
    not_ok "the agent under valgrind is ready" "$TMP/agent.log" "$TMP/valgrind.log"
    done_testing
fi

# scraper NAME CURL-ARGS...: GETs /metrics until $TMP/stop exists; one
# status code per line in $TMP/NAME.codes.
: >"$TMP/text.codes"
: >"$TMP/openmetrics.codes"
scraper() {
    local name=$1
    shift
    while [ ! -e "$TMP/stop" ]; do
        curl -s -o /dev/null -w '%{http_code}\n' --max-time 10 "$@" \
            "http://127.0.0.1:$PORT/metrics" >>"$TMP/$name.codes"
    done
}
scraper text &
HELPER_PIDS+=("$!")
scraper openmetrics -H 'Accept: application/openmetrics-text' &
HELPER_PIDS+=("$!")

# answered_since TEXT OPENMETRICS: each scraper has more answers than that.
answered_since() {
    [ "$(wc -l <"$TMP/text.codes")" -gt "$1" ] &&
        [ "$(wc -l <"$TMP/openmetrics.codes")" -gt "$2" ]
}
# one_more_scrape: after each step, until each scraper had one more answer.
one_more_scrape() {
    wait_for 60 answered_since "$(wc -l <"$TMP/text.codes")" \
        "$(wc -l <"$TMP/openmetrics.codes")"
}
AFTER_STEP=one_more_scrape

# at SECONDS: steps the clock to SECONDS after the agent was started.
at() {
    step_for "$(awk -v t="$1" -v n="$NOW_NS" 'BEGIN { print t - n / 1e9 }')" :
}
rss_kib() {
    awk '$1 == "VmRSS:" { print $2 }' "/proc/$AGENT_PID/status" 2>/dev/null
}

at 4
conf 250ms notice
kill -HUP "$AGENT_PID"
if wait_log "$TMP/agent.log" 'config: reloaded' 30; then
    ok "SIGHUP reloads the changed configuration"
else
    not_ok "SIGHUP reloads the changed configuration" "$TMP/agent.log"
fi
STEP_BY=250ms
step 0s

at 7
printf 'sampling:\n  interval: soon\n' >"$TMP/agent.yaml"
kill -HUP "$AGENT_PID"
if wait_log "$TMP/agent.log" 'reload rejected' 30; then
    ok "SIGHUP with a broken file is rejected"
else
    not_ok "SIGHUP with a broken file is rejected" "$TMP/agent.log"
fi

at "$RSS_EARLY"
rss_early=$(rss_kib)

at "$RSS_LATE"
rss_late=$(rss_kib)

at "$RUN_SECONDS"
AFTER_STEP=
scrape "$PORT" "$TMP/last.prom" >/dev/null
touch "$TMP/stop"
for pid in "${HELPER_PIDS[@]}"; do
    wait "$pid"
done
HELPER_PIDS=()

is "one reload succeeded, one failed" \
    "$(metric "$TMP/last.prom" 'xvirt_config_reloads_total{result="success"}') $(
       metric "$TMP/last.prom" 'xvirt_config_reloads_total{result="failure"}')" "1 1"
ntext=$(grep -c . "$TMP/text.codes")
nom=$(grep -c . "$TMP/openmetrics.codes")
cmp_num "the text scraper got many answers ($ntext)" "$ntext" '>=' 50
cmp_num "the OpenMetrics scraper got many answers ($nom)" "$nom" '>=' 50
is "every scrape was answered 200" \
    "$(cat "$TMP/text.codes" "$TMP/openmetrics.codes" | grep -vc '^200$')" 0
diag "$SEQ samples in $NOW s; $(elapsed_since "$start") s of wall time"
growth=$((rss_late - rss_early))
cmp_num "VmRSS grew by less than $RSS_BOUND_KIB KiB from ${RSS_EARLY}s to ${RSS_LATE}s \
($rss_early -> $rss_late KiB: $growth KiB)" "$growth" '<' "$RSS_BOUND_KIB"

kill -TERM "$AGENT_PID"
wait_exit "$AGENT_PID" 60
if [ "$EXIT_STATUS" = 0 ]; then
    ok "the agent exits 0 under valgrind: no memory error, no definite or indirect leak"
else
    not_ok "the agent exits 0 under valgrind: no memory error, no definite or indirect leak" \
        "exit status $EXIT_STATUS (99: valgrind found errors)" "$TMP/valgrind.log"
fi
# errors other than the rejected reload's
grep -E '^<[0-3]>' "$TMP/agent.log" | grep -v '^<3>config: ' >"$TMP/errors"
if [ -s "$TMP/errors" ]; then
    not_ok "the agent logged no error but the rejected reload" "$TMP/errors"
else
    ok "the agent logged no error but the rejected reload"
fi

done_testing
