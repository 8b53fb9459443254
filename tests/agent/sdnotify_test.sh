#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# sdnotify_test.sh: what xvirt-agent tells systemd (src/agent/sdnotify.h),
# as TAP, through a stand-in NOTIFY_SOCKET (notify_socket.py: one line per
# datagram in $TMP/notify.log).
#
# 1. Real clock, test:///default: READY=1 once /-/ready answers 200, a
#    STATUS= line, WATCHDOG=1 pings when WATCHDOG_USEC is set, on SIGHUP
#    RELOADING=1 with MONOTONIC_USEC= then READY=1 (a rejected reload too),
#    STOPPING=1 on SIGTERM.
# 2. Stepped clock, a hung hypervisor call (node-hang.xml, as hang_test.sh):
#    the pings go on while the sampler hangs, and the status says so.
# Waits are for a message to come, with generous timeouts; nothing counts
# what happens in a wall-clock second.
WATCHDOG=120
. "$(dirname "${BASH_SOURCE[0]}")/agent_common.sh"

if [ "${XV_WITH_SYSTEMD:-0}" != 1 ]; then
    skip_all "xvirt-agent built without sd_notify (-Dsystemd=disabled)"
fi

NOTIFY_SOCK=$TMP/notify.sock
NOTIFY_LOG=$TMP/notify.log
: >"$NOTIFY_LOG"
python3 "$(dirname "${BASH_SOURCE[0]}")/notify_socket.py" "$NOTIFY_SOCK" "$NOTIFY_LOG" \
    </dev/null >/dev/null 2>"$TMP/notify.err" &
HELPER_PIDS+=("$!")
if ! wait_for 20 test -S "$NOTIFY_SOCK"; then
    bail_out "the stand-in notify socket did not come up: $(cat "$TMP/notify.err")"
fi

# count REGEX: notify.log lines matching REGEX.
count() {
    grep -Ec -- "$1" "$NOTIFY_LOG"
}
# line_no REGEX [AFTER]: the number of the first line matching REGEX after
# line AFTER (default 0); empty if none.
line_no() {
    awk -v re="$1" -v after="${2:-0}" 'NR > after && $0 ~ re { print NR; exit }' "$NOTIFY_LOG"
}

# ---- 1. real clock ------------------------------------------------------------------

port=$(free_port)
CONF=$TMP/agent.yaml
write_config "$CONF" "$port" "test:///default" "sampling:" "  interval: 200ms" "  events: false"
AGENT_ENV=("NOTIFY_SOCKET=$NOTIFY_SOCK" "WATCHDOG_USEC=400000")
start_agent real --config "$CONF"
AGENT_ENV=()

if wait_log "$NOTIFY_LOG" ' READY=1' 30; then
    ok "READY=1 sent"
else
    not_ok "READY=1 sent" "$NOTIFY_LOG" "$AGENT_LOG"
fi
# READY=1 follows the first publication: /-/ready is 200 from then on
is "READY=1 only once /-/ready answers 200" "$(http_code "$port" /-/ready)" 200
like "STATUS= says what is served" "$NOTIFY_LOG" 'STATUS=serving 1 domain, 2 vcpus; sampling every 200 ms'
status_before=$(count 'STATUS=')
is "READY=1 sent once at start" "$(count ' READY=1')" 1
if wait_log_count "$NOTIFY_LOG" 'WATCHDOG=1' 3 30; then
    ok "WATCHDOG=1 pings with WATCHDOG_USEC set"
else
    not_ok "WATCHDOG=1 pings with WATCHDOG_USEC set" "$NOTIFY_LOG" "$AGENT_LOG"
fi
like "the watchdog interval logged (half of WATCHDOG_USEC)" "$AGENT_LOG" \
    'watchdog: telling systemd every 200 ms'
# the status goes out when it changes, not with every sample (each 200 ms)
ts0=$(scrape_value "$port" xvirt_sample_timestamp_seconds)
newer_sample() {
    [ "$(scrape_value "$port" xvirt_sample_timestamp_seconds)" != "$1" ]
}
wait_for 30 newer_sample "$ts0"
ts1=$(scrape_value "$port" xvirt_sample_timestamp_seconds)
wait_for 30 newer_sample "$ts1"
is "STATUS= not repeated while nothing changes (two samples later)" \
    "$(count 'STATUS=')" "$status_before"

# a good reload: RELOADING=1 with MONOTONIC_USEC, then READY=1
mark=$(wc -l <"$NOTIFY_LOG")
kill -HUP "$AGENT_PID"
if wait_log_count "$NOTIFY_LOG" ' READY=1' 2 30; then
    ok "reload: READY=1 again once it is over"
else
    not_ok "reload: READY=1 again once it is over" "$NOTIFY_LOG" "$AGENT_LOG"
fi
rl=$(line_no 'RELOADING=1' "$mark")
rd=$(line_no ' READY=1' "$mark")
check "reload: RELOADING=1 before READY=1 (lines $rl, $rd)" \
    test -n "$rl" -a -n "$rd" -a "${rl:-0}" -lt "${rd:-0}"
reloading=$(sed -n "${rl:-1}p" "$NOTIFY_LOG")
like "reload: RELOADING=1 carries MONOTONIC_USEC" <(echo "$reloading") \
    'RELOADING=1 \| MONOTONIC_USEC=[0-9]+$'
mono=$(sed -E 's/.*MONOTONIC_USEC=([0-9]+).*/\1/' <<<"$reloading")
got=$(sed -E 's/^T=([0-9]+) .*/\1/' <<<"$reloading")
# CLOCK_MONOTONIC, taken before the datagram left: not after it came
cmp_num "reload: MONOTONIC_USEC is CLOCK_MONOTONIC ($mono <= $got)" "${mono:-0}" "<=" "$got"
cmp_num "reload: MONOTONIC_USEC is CLOCK_MONOTONIC (not 0)" "${mono:-0}" ">" 0

# a rejected reload: the same pair, and the status says so
echo "sampling: [" >"$CONF"
mark=$(wc -l <"$NOTIFY_LOG")
kill -HUP "$AGENT_PID"
if wait_log_count "$NOTIFY_LOG" ' READY=1' 3 30; then
    ok "rejected reload: READY=1 once it is over"
else
    not_ok "rejected reload: READY=1 once it is over" "$NOTIFY_LOG" "$AGENT_LOG"
fi
rl=$(line_no 'RELOADING=1' "$mark")
rd=$(line_no ' READY=1' "$mark")
check "rejected reload: RELOADING=1 before READY=1 (lines $rl, $rd)" \
    test -n "$rl" -a -n "$rd" -a "${rl:-0}" -lt "${rd:-0}"
like "rejected reload: STATUS= says so" "$NOTIFY_LOG" 'STATUS=serving .*; the last reload was rejected'

kill -TERM "$AGENT_PID"
wait_exit "$AGENT_PID" 15
is "SIGTERM: exit status 0" "$EXIT_STATUS" 0
like "SIGTERM: STOPPING=1 sent" "$NOTIFY_LOG" ' STOPPING=1'
like "SIGTERM: STATUS= says it is stopping" "$NOTIFY_LOG" 'STATUS=stopping'
is "no READY=1 after STOPPING=1" \
    "$(awk '/ STOPPING=1/ { s = 1 } s && / READY=1/ { n++ } END { print n + 0 }' "$NOTIFY_LOG")" 0

# without WATCHDOG_USEC: no pings
: >"$NOTIFY_LOG"
write_config "$CONF" "$port" "test:///default" "sampling:" "  interval: 200ms" "  events: false"
AGENT_ENV=("NOTIFY_SOCKET=$NOTIFY_SOCK")
start_agent nowatchdog --config "$CONF"
AGENT_ENV=()
wait_log "$NOTIFY_LOG" ' READY=1' 30
kill -TERM "$AGENT_PID"
wait_exit "$AGENT_PID" 15
wait_log "$NOTIFY_LOG" ' STOPPING=1' 10
is "no WATCHDOG_USEC: no WATCHDOG=1" "$(count 'WATCHDOG=1')" 0
# a WATCHDOG_PID of another process: the watchdog is not this agent's
: >"$NOTIFY_LOG"
AGENT_ENV=("NOTIFY_SOCKET=$NOTIFY_SOCK" "WATCHDOG_USEC=400000" "WATCHDOG_PID=1")
start_agent otherpid --config "$CONF"
AGENT_ENV=()
wait_log "$NOTIFY_LOG" ' READY=1' 30
kill -TERM "$AGENT_PID"
wait_exit "$AGENT_PID" 15
wait_log "$NOTIFY_LOG" ' STOPPING=1' 10
is "WATCHDOG_PID of another process: no WATCHDOG=1" "$(count 'WATCHDOG=1')" 0

# an abstract socket name (NOTIFY_SOCKET=@NAME, as systemd may hand out)
ABSTRACT=@xvirt-sdnotify-test-$$
ABSTRACT_LOG=$TMP/notify-abstract.log
: >"$ABSTRACT_LOG"
python3 "$(dirname "${BASH_SOURCE[0]}")/notify_socket.py" "$ABSTRACT" "$ABSTRACT_LOG" \
    </dev/null >/dev/null 2>"$TMP/notify-abstract.err" &
HELPER_PIDS+=("$!")
if ! wait_for 20 grep -q " $ABSTRACT\$" /proc/net/unix; then
    bail_out "the abstract stand-in socket did not come up: $(cat "$TMP/notify-abstract.err")"
fi
AGENT_ENV=("NOTIFY_SOCKET=$ABSTRACT")
start_agent abstract --config "$CONF"
AGENT_ENV=()
if wait_log "$ABSTRACT_LOG" ' READY=1' 30; then
    ok "NOTIFY_SOCKET in the abstract namespace (@NAME): READY=1 sent"
else
    not_ok "NOTIFY_SOCKET in the abstract namespace (@NAME): READY=1 sent" "$ABSTRACT_LOG" "$AGENT_LOG"
fi
kill -TERM "$AGENT_PID"
wait_exit "$AGENT_PID" 15
wait_log "$ABSTRACT_LOG" ' STOPPING=1' 10
like "abstract namespace: STOPPING=1 sent" "$ABSTRACT_LOG" ' STOPPING=1'
# a NOTIFY_SOCKET the agent cannot use: one warning, and it serves as usual
AGENT_ENV=("NOTIFY_SOCKET=vsock:2:1234")
start_agent badsocket --config "$CONF"
AGENT_ENV=()
wait_for 30 test "$(http_code "$port" /-/ready)" = 200
is "unusable NOTIFY_SOCKET: the agent serves all the same" "$(http_code "$port" /-/ready)" 200
kill -TERM "$AGENT_PID"
wait_exit "$AGENT_PID" 15
is "unusable NOTIFY_SOCKET: exit status 0" "$EXIT_STATUS" 0
is "unusable NOTIFY_SOCKET: one warning naming it" \
    "$(grep -c 'sd_notify: NOTIFY_SOCKET=vsock:2:1234: not an absolute path' "$AGENT_LOG")" 1

# ---- 2. a hung hypervisor call --------------------------------------------------------

: >"$NOTIFY_LOG"
port=$(free_port)
URI="test://$DATA/node-hang.xml?journal=$TMP/journal"
write_config "$CONF" "$port" "$URI" "sampling:" "  interval: 200ms" "  events: false"
STEP_URI=$URI
CTL=$TMP/hang.sock
AGENT_ENV=("XVIRT_TEST_CONTROL=$CTL" "NOTIFY_SOCKET=$NOTIFY_SOCK" "WATCHDOG_USEC=400000")
start_agent hang --config "$CONF"
AGENT_ENV=()
if ! wait_for 30 stepped_up || ! ctl "advance?by=0s" || ! wait_log "$NOTIFY_LOG" ' READY=1' 30; then
    not_ok "hang: the stepped agent starts" "$AGENT_LOG"
    done_testing
fi
step 1800ms
step_bg 200ms
stuck() {
    ctl status && [ "$BUSY" = 1 ] && [ "$SEQ" = 10 ]
}
if wait_for 10 stuck; then
    ok "hang: the sampler is stuck in the sample at 2 s"
else
    not_ok "hang: the sampler is stuck in the sample at 2 s" "$CTL_ERROR" "$AGENT_LOG"
fi
# 5 s pass during the hung call: the sample is past due by far more than
# the watchdog's 0.4 s
ctl "pass?by=5s"
pings=$(count 'WATCHDOG=1')
if wait_log_count "$NOTIFY_LOG" 'WATCHDOG=1' $((pings + 3)) 5; then
    ok "hang: WATCHDOG=1 goes on while the hypervisor call hangs"
else
    not_ok "hang: WATCHDOG=1 goes on while the hypervisor call hangs" "$NOTIFY_LOG" "$AGENT_LOG"
fi
ctl status
is "hang: the sampler was still stuck meanwhile" "$BUSY $SEQ" "1 10"
like "hang: STATUS= says the sample hangs" "$NOTIFY_LOG" \
    'STATUS=serving 3 domains, .*; the sample in progress started over 5 s ago \(a hypervisor call hangs\?\)'
unlike "hang: the watchdog was never withheld" "$AGENT_LOG" 'no longer telling systemd'
mark=$(wc -l <"$NOTIFY_LOG")
step_bg_wait 15
step 200ms
is "hang over: the status is back to normal" \
    "$(tail -n +"$((mark + 1))" "$NOTIFY_LOG" | grep -o 'STATUS=[^|]*' | tail -n 1)" \
    "STATUS=serving 3 domains, 3 vcpus; sampling every 200 ms"
kill -TERM "$AGENT_PID"
wait_exit "$AGENT_PID" 15
is "hang: SIGTERM: exit status 0" "$EXIT_STATUS" 0
done_testing
