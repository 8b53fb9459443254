#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# hang_test.sh: a hung hypervisor call stalls the sampler only, as TAP.
#
# tests/data/agent/node-hang.xml makes one virDomainGetInfo call hang for
# 6 s, 2 s after the agent connects. Scrapes during the hang must answer
# as fast as before, from the last snapshot, whose age grows past 3 s and
# drops back under 1 s once the call returns.
WATCHDOG=90
. "$(dirname "${BASH_SOURCE[0]}")/agent_common.sh"

port=$(free_port)
write_config "$TMP/agent.yaml" "$port" "test://$DATA/node-hang.xml" \
    "sampling:" "  interval: 200ms"

# one_scrape FILE: scrapes into FILE; sets CODE, SECS, AGE, STAMP.
one_scrape() {
    read -r CODE SECS < <(scrape "$port" "$1")
    AGE=$(metric "$1" xvirt_snapshot_age_seconds)
    STAMP=$(metric "$1" xvirt_sample_timestamp_seconds)
}

median() {
    sort -g | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)] }'
}

start_agent hang --config "$TMP/agent.yaml"
if ! wait_http "$port" /-/ready 200 10; then
    not_ok "agent becomes ready" "$AGENT_LOG"
    done_testing
fi
ok "agent becomes ready"

# ---- before the hang (the first 2 s after connecting) -------------------------

: >"$TMP/pre.times"
for i in 1 2 3 4 5 6 7 8; do
    one_scrape "$TMP/pre.prom"
    [ "$CODE" = 200 ] && echo "$SECS" >>"$TMP/pre.times"
    sleep 0.08
done
is "before: 8 scrapes answered 200" "$(wc -l <"$TMP/pre.times")" 8
pre_median=$(median <"$TMP/pre.times")
cmp_num "before: snapshot younger than 1 s" "$AGE" "<" 1
is "before: 3 domains" "$(metric "$TMP/pre.prom" xvirt_domains)" 3
diag "median scrape before the hang: $pre_median s"

# ---- during the hang ---------------------------------------------------------------

age_over() {
    one_scrape "$TMP/wait.prom"
    awk -v a="$AGE" 'BEGIN { exit !(a > 1) }'
}
if wait_for 6 age_over; then
    ok "the hang begins: snapshot age passes 1 s"
else
    not_ok "the hang begins: snapshot age passes 1 s" "last age: $AGE" "$AGENT_LOG"
fi
hang_stamp=$STAMP

# Scrape every ~100 ms until the age is back under 1 s (or 12 s passed).
: >"$TMP/during.times"
: >"$TMP/during.codes"
: >"$TMP/during.stamps"
: >"$TMP/health.codes"
max_age=0
start=$(now)
while :; do
    one_scrape "$TMP/during.prom"
    if awk -v a="$AGE" 'BEGIN { exit !(a < 1) }'; then
        break
    fi
    echo "$SECS" >>"$TMP/during.times"
    echo "$CODE" >>"$TMP/during.codes"
    echo "$STAMP" >>"$TMP/during.stamps"
    max_age=$(awk -v a="$AGE" -v m="$max_age" 'BEGIN { print (a > m) ? a : m }')
    http_code "$port" /-/healthy >>"$TMP/health.codes"
    echo >>"$TMP/health.codes"
    if awk -v e="$(elapsed_since "$start")" 'BEGIN { exit !(e > 12) }'; then
        break
    fi
    sleep 0.1
done
hang_secs=$(elapsed_since "$start")
cp "$TMP/during.prom" "$TMP/after.prom"

n=$(wc -l <"$TMP/during.times")
cmp_num "during: scraped all along the hang ($n scrapes)" "$n" ">=" 20
is "during: every scrape answered 200" "$(sort -u "$TMP/during.codes")" 200
slowest=$(sort -g "$TMP/during.times" | tail -n 1)
cmp_num "during: every scrape under 0.5 s (slowest $slowest s)" "$slowest" "<" 0.5
during_median=$(median <"$TMP/during.times")
diag "median scrape during the hang: $during_median s"
limit=$(awk -v m="$pre_median" 'BEGIN { print m * 5 + 0.05 }')
cmp_num "during: median scrape as fast as before (x5 + 50 ms)" "$during_median" "<" "$limit"
is "during: every scrape served the last snapshot" "$(sort -u "$TMP/during.stamps")" "$hang_stamp"
cmp_num "during: snapshot age grew past 3 s (max $max_age s)" "$max_age" ">" 3
cmp_num "during: snapshot age stayed under 8 s (a 6 s hang)" "$max_age" "<" 8
is "during: /-/healthy stayed 200" "$(sort -u "$TMP/health.codes" | grep -v '^$')" 200

# ---- after the hang -------------------------------------------------------------------

cmp_num "after: the hang ends within 12 s" "$hang_secs" "<" 12
AGE=$(metric "$TMP/after.prom" xvirt_snapshot_age_seconds)
cmp_num "after: snapshot age back under 1 s" "$AGE" "<" 1
cmp_num "after: a new snapshot" "$(metric "$TMP/after.prom" xvirt_sample_timestamp_seconds)" \
    ">" "$hang_stamp"
is "after: 3 domains" "$(metric "$TMP/after.prom" xvirt_domains)" 3
is "after: hypervisor up" "$(metric "$TMP/after.prom" xvirt_hypervisor_up)" 1
is "after: a hang is no sample error" "$(sample_errors "$TMP/after.prom")" 0
sleep 0.5
one_scrape "$TMP/later.prom"
cmp_num "after: sampling every 200ms again" "$AGE" "<" 0.5

kill -TERM "$AGENT_PID"
wait_exit "$AGENT_PID" 10
is "SIGTERM: exit status 0" "$EXIT_STATUS" 0
unlike "no warnings or errors logged" "$AGENT_LOG" '^<[0-4]>'

done_testing
