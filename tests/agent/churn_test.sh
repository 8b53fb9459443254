#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# churn_test.sh: domains starting, stopping and failing under xvirt-agent,
# as TAP.
#
# The agent and its node run on the stepped clock. Part 1 steps through the
# script of node-churn.xml (a domain started by the host at 2 s and
# destroyed at 4 s, then 2 s of failing virDomainGetVcpus for one domain)
# one 100 ms sample at a time, scrapes each sample and checks each phase,
# to the sample, and that no other domain's series are disturbed. Part 2
# (node-midsample.xml) has a domain stop in the middle of a sample: it must
# appear once, shut off.
WATCHDOG=90
. "$(dirname "${BASH_SOURCE[0]}")/agent_common.sh"

lbl() {
    case $1 in
    steady) echo 'domain="steady",uuid="c0000000-0000-4000-8000-000000000001"' ;;
    other) echo 'domain="other",uuid="c0000000-0000-4000-8000-000000000002"' ;;
    flaky) echo 'domain="flaky",uuid="c0000000-0000-4000-8000-000000000003"' ;;
    blinker) echo 'domain="blinker",uuid="c0000000-0000-4000-8000-000000000004"' ;;
    stopper) echo 'domain="stopper",uuid="c0000000-0000-4000-8000-000000000011"' ;;
    steady2) echo 'domain="steady",uuid="c0000000-0000-4000-8000-000000000012"' ;;
    esac
}

vcpus_of() {
    count_series "$1" "xvirt_vcpu_state\\{$(lbl "$2"),"
}

# churn_row FILE TIME CODE SEQ: one row of the table below, in one pass.
churn_row() {
    awk -v el="$2" -v code="$3" -v seq="$4" -v B="$(lbl blinker)" -v F="$(lbl flaky)" \
        -v S="$(lbl steady)" -v O="$(lbl other)" '
    function g(k) { return (k in v) ? v[k] : "-" }
    function sig(l) {
        return g("xvirt_domain_state{" l "}") "/" g("xvirt_domain_id{" l "}") "/" \
            g("xvirt_domain_vcpus{" l "}") "/" (nv[l] + 0) "/" g("xvirt_domain_memory_bytes{" l "}")
    }
    /^#/ { next }
    {
        series = $0
        sub(/ [^ ]+$/, "", series)
        if (seen[series]++)
            dup++
        v[series] = $NF
        if (index(series, "xvirt_vcpu_state{") == 1) {
            n = split(B SUBSEP F SUBSEP S SUBSEP O, names, SUBSEP)
            for (i = 1; i <= n; i++)
                if (index(series, "xvirt_vcpu_state{" names[i] ",") == 1)
                    nv[names[i]]++
        }
        if (index(series, "xvirt_domain_info{" F ",") == 1)
            info++
        if (index(series, "xvirt_sample_errors_total{") == 1 &&
            series != "xvirt_sample_errors_total{call=\"virDomainGetVcpus\"}")
            eo += $NF
    }
    END {
        print el, code, g("xvirt_domain_state{" B "}"), g("xvirt_domain_id{" B "}"), nv[B] + 0,
            g("xvirt_domain_state{" F "}"), nv[F] + 0,
            g("xvirt_sample_errors_total{call=\"virDomainGetVcpus\"}"), eo + 0,
            sig(S) ";" sig(O), dup + 0, g("xvirt_domains"), g("xvirt_hypervisor_up"), info + 0,
            seq
    }' "$1"
}

# ---- part 1: start, destroy, failing vcpu calls ---------------------------------

port=$(free_port)
URI1="test://$DATA/node-churn.xml?journal=$TMP/journal1"
write_config "$TMP/churn.yaml" "$port" "$URI1" "sampling:" "  interval: 100ms" "  events: false"
if ! start_stepped_agent churn "$URI1" --config "$TMP/churn.yaml" ||
    ! wait_http "$port" /-/ready 200 10; then
    not_ok "agent becomes ready" "$AGENT_LOG"
    done_testing
fi
ok "agent becomes ready"

# One row per sample, from 0 to 9.5 s:
#  1 simulated time  2 code  3 blinker state  4 blinker id  5 blinker vcpu
#  series  6 flaky state  7 flaky vcpu series  8 virDomainGetVcpus errors
#  9 other errors  10 steady+other signature  11 duplicate series
#  12 xvirt_domains  13 hypervisor up  14 flaky info series  15 seq
: >"$TMP/rows"
i=0
while :; do
    i=$((i + 1))
    f=$TMP/churn-$i.prom
    read -r code secs < <(scrape "$port" "$f")
    churn_row "$f" "$NOW" "$code" "$SEQ" >>"$TMP/rows"
    [ "$NOW_NS" -ge 9500000000 ] && break
    step 100ms
done
nrows=$(wc -l <"$TMP/rows")

# row_at TIME FIELD: the field of the sample at TIME ("2.000").
row_at() {
    awk -v t="$1" -v f="$2" '$1 == t { print $f }' "$TMP/rows"
}

# phases PRINT-FIELD: the values of a field, runs collapsed ("5 1 5").
phases() {
    awk "{ print \$$1 }" "$TMP/rows" | uniq | tr '\n' ' ' | sed 's/ $//'
}

is "a scrape of every sample (0 to 9.5 s: seq 1 to 96, in order)" \
    "$nrows $(awk '$15 != NR { bad++ } END { print bad + 0 }' "$TMP/rows")" "96 0"
is "every scrape answered 200" "$(phases 2)" 200
is "no scrape had a duplicate series" "$(phases 11)" 0
is "the hypervisor was up all along" "$(phases 13)" 1
is "steady and other never changed" "$(phases 10)" \
    "1/1/2/2/536870912;1/2/1/1/268435456"
is "four domains in every sample" "$(phases 12)" 4

# blinker: shut off, running, shut off
is "blinker: shut off, then running, then shut off" "$(phases 3)" "5 1 5"
first_run=$(awk '$3 == 1 { print $1; exit }' "$TMP/rows")
last_run=$(awk '$3 == 1 { t = $1 } END { print t }' "$TMP/rows")
is "blinker: not running before 2 s (shut off in the sample at 1.9 s)" "$(row_at 1.900 3)" 5
is "blinker: running from the sample at 2 s (first seen at $first_run s)" "$first_run" 2.000
is "blinker: running until 4 s (last seen at $last_run s)" "$last_run" 3.900
is "blinker: stopped in the sample at 4 s" "$(row_at 4.000 3)" 5
is "blinker: an ID only while running" \
    "$(awk '{ print $3 ":" ($4 == -1 ? "none" : "id") }' "$TMP/rows" | uniq | tr '\n' ' ')" \
    "5:none 1:id 5:none "
is "blinker: the ID it ran with (after the node's 3)" \
    "$(awk '$3 == 1 { print $4 }' "$TMP/rows" | sort -u)" 4
is "blinker: vcpu series only while running (2 vcpus)" \
    "$(awk '{ print $3 ":" $5 }' "$TMP/rows" | uniq | tr '\n' ' ')" "5:0 1:2 5:0 "
f=$(awk '$3 == 1 { print NR; exit }' "$TMP/rows")
is "blinker: running with its 2 vcpus" \
    "$(metric "$TMP/churn-$f.prom" "xvirt_domain_vcpus{$(lbl blinker)}")" 2
is "blinker: no sample errors while it came and went" \
    "$(awk '$1 < 5.5 { print $8 + $9 }' "$TMP/rows" | sort -u)" 0

# flaky: virDomainGetVcpus fails from 6 s to 8 s
is "flaky: vcpu series, none, then back" "$(phases 7)" "1 0 1"
is "flaky: its domain series stay all along (running)" "$(phases 6)" 1
is "flaky: its info series stays all along" "$(phases 14)" 1
first_fail=$(awk '$7 == 0 { print $1; exit }' "$TMP/rows")
last_fail=$(awk '$7 == 0 { t = $1 } END { print t }' "$TMP/rows")
is "flaky: failing from 6 s (first at $first_fail s)" "$first_fail" 6.000
is "flaky: failing until 8 s (last at $last_fail s)" "$last_fail" 7.900
is "flaky: recovered in the sample at 8 s" "$(row_at 8.000 7)" 1
final_errors=$(tail -n 1 "$TMP/rows" | awk '{ print $8 }')
# a failure in every 100 ms sample from 6 s to 7.9 s
is "flaky: virDomainGetVcpus errors counted, one per sample from 6 to 7.9 s" "$final_errors" 20
cmp_num "flaky: no more errors than samples in 2 s" "$final_errors" "<=" 20
is "flaky: the error counter only grows" \
    "$(awk '{ print $8 }' "$TMP/rows" | sort -c -g 2>&1 && echo sorted)" sorted
is "flaky: an error in each sample without its vcpu series, and only there" \
    "$(awk 'NR > 1 && $8 - pe != ($7 == 0 ? 1 : 0) { print NR ": " $0 }
            { pe = $8 }' "$TMP/rows")" ""
is "no other call failed" "$(phases 9)" 0
like "the failures are logged as warnings" "$AGENT_LOG" \
    '^<4>sample [0-9]+: 1 hypervisor calls failed \(see xvirt_sample_errors_total\)$'

kill -TERM "$AGENT_PID"
wait_exit "$AGENT_PID" 10
is "part 1: exit status 0" "$EXIT_STATUS" 0

# ---- part 2: a domain that stops mid-sample ---------------------------------------

# The sample at 2 s hangs in stopper's virDomainGetInfo (4 s of real
# time). Meanwhile the script moves the node to 2.5 s, when the host
# destroys stopper, and lets 1 s pass on the agent's clock. (Wall time:
# the script must do so within the 4 s; checked.)
port=$(free_port)
URI2="test://$DATA/node-midsample.xml?journal=$TMP/journal2"
write_config "$TMP/mid.yaml" "$port" "$URI2" \
    "sampling:" "  interval: 2s" "  events: false" "logging:" "  level: debug"
if ! start_stepped_agent midsample "$URI2" --config "$TMP/mid.yaml" ||
    ! wait_http "$port" /-/ready 200 10; then
    not_ok "mid-sample: agent becomes ready" "$AGENT_LOG"
    done_testing
fi
scrape "$port" "$TMP/mid1.prom" >/dev/null
is "mid-sample: first sample, stopper running" \
    "$(metric "$TMP/mid1.prom" "xvirt_domain_state{$(lbl stopper)}")" 1
step_bg 2s
stuck() {
    ctl status && [ "$BUSY" = 1 ] && [ "$SEQ" = 1 ]
}
wait_for 10 stuck
node_step 500ms
ctl "pass?by=1s"
ctl status
is "mid-sample: the clock moved while the call hung" "$BUSY $SEQ $NOW" "1 1 3.000"
step_bg_wait 15
if wait_log "$AGENT_LOG" '^<7>sample 2: ' 8; then
    ok "mid-sample: the second sample ends (after the hang)"
else
    not_ok "mid-sample: the second sample ends (after the hang)" "$AGENT_LOG"
fi
scrape "$port" "$TMP/mid2.prom" >/dev/null
cp "$TMP/mid2.prom" "$TMP/mid2.txt"
is "mid-sample: the scrape shows that sample (seq 2, at 3 s)" "$SEQ $NOW" "2 3.000"
cmp_num "mid-sample: that sample took the hang (1 s passed during it)" \
    "$(metric "$TMP/mid2.prom" xvirt_sample_duration_seconds)" ">=" 0.9
dups=$(duplicate_series "$TMP/mid2.prom")
is "mid-sample: no duplicate series" "$dups" ""
is "mid-sample: stopper once, shut off" \
    "$(grep -c "^xvirt_domain_state{$(lbl stopper)} " "$TMP/mid2.prom") $(metric "$TMP/mid2.prom" \
        "xvirt_domain_state{$(lbl stopper)}")" "1 5"
is "mid-sample: stopper has no ID" "$(metric "$TMP/mid2.prom" "xvirt_domain_id{$(lbl stopper)}")" -1
is "mid-sample: stopper has no vcpu series" "$(vcpus_of "$TMP/mid2.prom" stopper)" 0
is "mid-sample: two domains" "$(metric "$TMP/mid2.prom" xvirt_domains)" 2
is "mid-sample: steady intact" \
    "$(metric "$TMP/mid2.prom" "xvirt_domain_state{$(lbl steady2)}") $(vcpus_of \
        "$TMP/mid2.prom" steady2)" "1 2"
is "mid-sample: no sample errors" "$(sample_errors "$TMP/mid2.prom")" 0
if ! command -v promtool >/dev/null ||
    promtool_out=$(promtool check metrics <"$TMP/mid2.prom" 2>&1); then
    ok "mid-sample: promtool accepts the scrape"
else
    not_ok "mid-sample: promtool accepts the scrape" "$promtool_out"
fi

kill -TERM "$AGENT_PID"
wait_exit "$AGENT_PID" 10
is "part 2: exit status 0" "$EXIT_STATUS" 0

done_testing
