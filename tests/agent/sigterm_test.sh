#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# sigterm_test.sh: how xvirt-agent stops, as TAP.
#
# 1. SIGTERM while a large scrape (1000 domains, several MB) goes to a slow
#    reader: the reply is finished in full, new connections are refused,
#    then the agent exits 0 and says so.
# 2. SIGINT does the same; idle keep-alive connections do not hold it up.
# 3. SIGTERM while the hypervisor hangs for 30 s: the agent leaves the
#    sampler behind and exits 0 within a few seconds.
#
# Wall time is the behaviour under test (a slow reader, the 3 s the agent
# waits for a hung sampler), so the bounds are wall-clock, set to hold on a
# loaded machine: a lower bound counts from a point before the agent could
# start what it bounds (the kill), an upper bound leaves at least 2 s, and
# the script waits on what the agent reports (its log) instead of sleeping.
WATCHDOG=120
. "$(dirname "${BASH_SOURCE[0]}")/agent_common.sh"

OM='application/openmetrics-text; version=1.0.0'

# slow_get PORT ACCEPT RATE OUT: GET /metrics with a small receive buffer,
# reading RATE bytes/s; OUT gets the raw response, OUT.res "STATUS
# CONTENT-LENGTH BODY-BYTES", OUT.body the body.
slow_get() {
    python3 - "$@" <<'PY'
import socket, sys, time
port, accept, rate, out = int(sys.argv[1]), sys.argv[2], float(sys.argv[3]), sys.argv[4]
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 32768)
s.settimeout(20)
s.connect(("127.0.0.1", port))
s.sendall(("GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: %s\r\n\r\n" % accept).encode())
start, got, data = time.monotonic(), 0, bytearray()
with open(out, "wb") as f:
    while True:
        head, sep, body = bytes(data).partition(b"\r\n\r\n")
        if sep:
            length = [l.split(b":", 1)[1] for l in head.split(b"\r\n")
                      if l.lower().startswith(b"content-length:")]
            if length and len(body) >= int(length[0]):
                break
        b = s.recv(16384)
        if not b:
            break
        data += b
        f.write(b)
        f.flush()
        got += len(b)
        ahead = got / rate - (time.monotonic() - start)
        if ahead > 0:
            time.sleep(ahead)
head, _, body = bytes(data).partition(b"\r\n\r\n")
lines = head.split(b"\r\n")
status = lines[0].split()[1].decode() if lines and len(lines[0].split()) > 1 else "none"
length = [l.split(b":", 1)[1].strip().decode() for l in lines[1:]
          if l.lower().startswith(b"content-length:")]
with open(out + ".body", "wb") as f:
    f.write(body)
with open(out + ".res", "w") as f:
    f.write("%s %s %d\n" % (status, length[0] if length else "none", len(body)))
PY
}

# without_self FILE: the body without the per-scrape lines.
without_self() {
    grep -Ev '^xvirt_(snapshot_age_seconds|scrapes_total) ' "$1"
}

# ---- 1. SIGTERM during a large, slow scrape ------------------------------------------

gen_node "$TMP/big.xml" 1000 16
port=$(free_port)
# a long interval: the snapshot stays the same through the test
write_config "$TMP/big.yaml" "$port" "test://$TMP/big.xml" "  write_timeout: 30s" \
    "sampling:" "  interval: 1h" "  events: false"
start_agent big --config "$TMP/big.yaml"
if ! wait_http "$port" /-/ready 200 20; then
    not_ok "1000 domains: agent becomes ready" "$AGENT_LOG"
    done_testing
fi
ok "1000 domains: agent becomes ready"
scrape "$port" "$TMP/full.om" -H "Accept: $OM" >/dev/null
full_size=$(stat -c %s "$TMP/full.om")
# more than the kernel's socket buffers (4 MB each way at most) hold
cmp_num "1000 domains: the OpenMetrics body is large ($full_size bytes)" "$full_size" ">" 8000000
is "1000 domains: 16000 vcpus in it" "$(count_series "$TMP/full.om" 'xvirt_vcpu_state\{')" 16000

# about 4.5 s at 2 MB/s
slow_get "$port" "$OM" 2000000 "$TMP/slow.om" 2>"$TMP/slow.err" &
slow_pid=$!
HELPER_PIDS+=("$slow_pid")
wait_for 5 test -s "$TMP/slow.om"
sleep 0.5
got=$(stat -c %s "$TMP/slow.om")
t_term=$(now)
kill -TERM "$AGENT_PID"
# notes when the agent is gone, while this script waits for the reader
( while kill -0 "$AGENT_PID" 2>/dev/null; do sleep 0.02; done; now >"$TMP/exit.time" ) \
    </dev/null >/dev/null 2>&1 &
HELPER_PIDS+=($!)
cmp_num "slow scrape: still in flight at SIGTERM ($got bytes in)" "$got" "<" "$full_size"
# the agent closes its listener right after it logs the signal
wait_log "$AGENT_LOG" '^<5>received SIGTERM' 10
refused() {
    [ "$(http_code "$port" /-/healthy)" = 000 ]
}
wait_for 5 refused
is "draining: a new connection is refused" "$(http_code "$port" /-/healthy)" 000
if kill -0 "$AGENT_PID" 2>/dev/null; then
    ok "draining: the agent waits for the reply in progress"
else
    not_ok "draining: the agent waits for the reply in progress" "$AGENT_LOG"
fi
wait "$slow_pid"
t_done=$(elapsed_since "$t_term")
read -r status clen blen <"$TMP/slow.om.res"
is "slow scrape: status 200" "$status" 200
is "slow scrape: the whole body, as announced" "$blen" "$clen"
cmp_num "slow scrape: took its time after SIGTERM ($t_done s)" "$t_done" ">" 1
is "slow scrape: ends with # EOF" "$(tail -n 1 "$TMP/slow.om.body")" "# EOF"
if cmp -s <(without_self "$TMP/slow.om.body") <(without_self "$TMP/full.om"); then
    ok "slow scrape: same bytes as an unthrottled scrape (but the per-scrape lines)"
else
    not_ok "slow scrape: same bytes as an unthrottled scrape (but the per-scrape lines)" \
        "$(diff <(without_self "$TMP/slow.om.body") <(without_self "$TMP/full.om") | head -n 10)"
fi
if wait_exit "$AGENT_PID" 15; then
    ok "SIGTERM: the agent exits"
else
    not_ok "SIGTERM: the agent exits" "$AGENT_LOG"
fi
wait_for 2 test -s "$TMP/exit.time"
t_exit=$(awk -v a="$t_term" -v b="$(cat "$TMP/exit.time")" 'BEGIN { printf "%.3f", b - a }')
is "SIGTERM: exit status 0" "$EXIT_STATUS" 0
# it hands its last bytes to the kernel (up to 4 MB of socket buffers)
# before the reader has them all
cmp_num "SIGTERM: exited after the reply was handed over ($t_exit s after SIGTERM)" \
    "$t_exit" ">" 0.5
cmp_num "SIGTERM: exited shortly after (the reader finished at $t_done s)" "$t_exit" "<=" \
    "$(awk -v d="$t_done" 'BEGIN { print d + 0.5 }')"
like "SIGTERM: logs the notice" "$AGENT_LOG" \
    '^<5>received SIGTERM: finishing replies in progress, then exiting$'
like "SIGTERM: logs the stop" "$AGENT_LOG" '^<5>xvirt-agent stopped$'
unlike "SIGTERM: no warnings or errors" "$AGENT_LOG" '^<[0-4]>'

# The text format the same way, with a shorter body.
start_agent big2 --config "$TMP/big.yaml"
wait_http "$port" /-/ready 200 20
scrape "$port" "$TMP/full.prom" >/dev/null
slow_get "$port" text/plain 2000000 "$TMP/slow.prom" 2>"$TMP/slow2.err" &
slow_pid=$!
HELPER_PIDS+=("$slow_pid")
wait_for 5 test -s "$TMP/slow.prom"
sleep 0.3
kill -TERM "$AGENT_PID"
wait "$slow_pid"
read -r status clen blen <"$TMP/slow.prom.res"
is "text format: status 200, whole body" "$status $blen" "200 $clen"
is "text format: ends with the last family" "$(tail -n 1 "$TMP/slow.prom.body" | cut -d' ' -f1)" \
    "$(tail -n 1 "$TMP/full.prom" | cut -d' ' -f1)"
if cmp -s <(without_self "$TMP/slow.prom.body") <(without_self "$TMP/full.prom"); then
    ok "text format: same bytes as an unthrottled scrape"
else
    not_ok "text format: same bytes as an unthrottled scrape"
fi
wait_exit "$AGENT_PID" 15
is "text format: exit status 0" "$EXIT_STATUS" 0

# ---- 2. SIGINT, with idle connections open -------------------------------------------

port=$(free_port)
write_config "$TMP/small.yaml" "$port" "test://$DATA/node-small.xml" \
    "sampling:" "  interval: 200ms" "  events: false"
start_agent int --config "$TMP/small.yaml"
wait_http "$port" /-/ready 200 10
exec {idle1}<>"/dev/tcp/127.0.0.1/$port"
exec {idle2}<>"/dev/tcp/127.0.0.1/$port"
# a keep-alive connection that has had its reply
printf 'GET /-/healthy HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n' >&"$idle2"
read -r -t 2 line <&"$idle2"
is "SIGINT: the keep-alive connection was served" "${line%$'\r'}" "HTTP/1.1 200 OK"
sleep 0.2
kill -INT "$AGENT_PID"
wait_exit "$AGENT_PID" 10
is "SIGINT: exit status 0" "$EXIT_STATUS" 0
cmp_num "SIGINT: exits at once despite idle connections ($EXIT_AFTER s)" "$EXIT_AFTER" "<" 2
like "SIGINT: logs the notice" "$AGENT_LOG" \
    '^<5>received SIGINT: finishing replies in progress, then exiting$'
like "SIGINT: logs the stop" "$AGENT_LOG" '^<5>xvirt-agent stopped$'
exec {idle1}>&- {idle2}>&-

# ---- 3. SIGTERM while the hypervisor hangs -----------------------------------------------

gen_node "$TMP/hang30.xml" 3 2 \
    "<xvirt:fault call='virDomainGetInfo' mode='hang' seconds='30' at='1' count='1'/>"
port=$(free_port)
write_config "$TMP/hang.yaml" "$port" "test://$TMP/hang30.xml" "sampling:" "  interval: 200ms" "  events: false"
start_agent hang --config "$TMP/hang.yaml"
wait_http "$port" /-/ready 200 10
age_over() {
    awk -v a="$(scrape_value "$port" xvirt_snapshot_age_seconds)" 'BEGIN { exit !(a > 1.5) }'
}
if wait_for 10 age_over; then
    ok "hang: the sampler is stuck (snapshot older than 1.5 s)"
else
    not_ok "hang: the sampler is stuck (snapshot older than 1.5 s)" "$AGENT_LOG"
fi
kill -TERM "$AGENT_PID"
if wait_exit "$AGENT_PID" 15; then
    ok "hang: the agent exits"
else
    not_ok "hang: the agent exits" "$AGENT_LOG"
fi
is "hang: exit status 0" "$EXIT_STATUS" 0
cmp_num "hang: within 5 s of SIGTERM ($EXIT_AFTER s)" "$EXIT_AFTER" "<" 5
cmp_num "hang: after waiting for the sampler a while" "$EXIT_AFTER" ">=" 2.5
like "hang: says it leaves the hung call behind" "$AGENT_LOG" \
    '^<4>sampler: a hypervisor call is still hanging; exiting without it$'
like "hang: logs the stop" "$AGENT_LOG" '^<5>xvirt-agent stopped$'

done_testing
