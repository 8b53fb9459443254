#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# log_ratelimit_test.sh: a domain failing at every sample does not log at
# every sample (xvLogLimited, util/xvlog.h), as TAP.
#
# node-failing.xml: beta's vcpus cannot be read, from 0 s on, for good; the
# agent samples every 2 s on the stepped clock, which the script moves.
# The warning comes at the first sample, then once per window of the
# agent's clock: 60 s, then 120 s, each time with the count of the samples
# it kept quiet about; the error counter counts every failure meanwhile.
WATCHDOG=120
. "$(dirname "${BASH_SOURCE[0]}")/agent_common.sh"

port=$(free_port)
URI="test://$DATA/node-failing.xml?journal=$TMP/journal"
write_config "$TMP/agent.yaml" "$port" "$URI" "sampling:" "  interval: 2s" "  events: false"
STEP_BY=2s
WARNING='^<4>sample [0-9]+: 1 hypervisor calls failed \(see xvirt_sample_errors_total\)'

warnings() {
    grep -Ec -- "$WARNING" "$AGENT_LOG"
}

if ! start_stepped_agent ratelimit "$URI" --config "$TMP/agent.yaml" ||
    ! wait_http "$port" /-/ready 200 10; then
    not_ok "agent becomes ready" "$AGENT_LOG"
    done_testing
fi
ok "agent becomes ready"
is "the first failure is logged" "$(warnings)" 1

# 0 .. 58 s: 30 samples, each with beta's failure
step 58s
scrape "$port" "$TMP/58.prom" >/dev/null
is "58 s: 30 samples" "$SEQ $NOW" "30 58.000"
is "58 s: every failure counted" "$(sample_errors "$TMP/58.prom")" 30
is "58 s: still the one warning" "$(warnings)" 1

# 60 s: the first window is over
step 2s
wait_log_count "$AGENT_LOG" "$WARNING" 2 10
is "60 s: a second warning" "$(warnings)" 2
like "60 s: it counts the 29 samples kept quiet" "$AGENT_LOG" \
    '^<4>sample 31: 1 hypervisor calls failed .* \(29 similar messages suppressed\)$'

# 62 .. 178 s: the window is 120 s now
step 118s
is "178 s: 90 samples" "$SEQ $NOW" "90 178.000"
is "178 s: no third warning within the doubled window" "$(warnings)" 2
step 2s
wait_log_count "$AGENT_LOG" "$WARNING" 3 10
like "180 s: the third, with the 59 samples kept quiet" "$AGENT_LOG" \
    '^<4>sample 91: 1 hypervisor calls failed .* \(59 similar messages suppressed\)$'
scrape "$port" "$TMP/180.prom" >/dev/null
is "180 s: every failure counted" "$(sample_errors "$TMP/180.prom")" 91

kill -TERM "$AGENT_PID"
wait_exit "$AGENT_PID" 10
is "SIGTERM: exit status 0" "$EXIT_STATUS" 0
done_testing
