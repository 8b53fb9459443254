#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# http_abuse_test.sh: xvirt-agent's HTTP server under hostile clients, as
# TAP: more clients trickling their request heads than max_connections
# while a scrape is answered within a second; the request-head deadline;
# the per-address cap; running out of descriptors (no spin, no log flood);
# strict request lines and paths; Accept with q-values.
#
# Wall time is the behaviour under test here (deadlines, promptness): the
# bounds are set to hold on a loaded machine, as in http_limits_test.sh.
# The hostile clients are tests/agent/http_abuse.py.
WATCHDOG=180
. "$(dirname "${BASH_SOURCE[0]}")/agent_common.sh"

NODE=test://$DATA/node-small.xml
ABUSE=$(dirname "${BASH_SOURCE[0]}")/http_abuse.py

# cpu_seconds PID: user + system CPU time of PID so far, in seconds.
cpu_seconds() {
    local f
    read -ra f <"/proc/$1/stat"
    # fields 14 and 15 (utime, stime), after a "(comm)" without spaces
    awk -v u="${f[13]}" -v s="${f[14]}" -v t="$(getconf CLK_TCK)" \
        'BEGIN { printf "%.2f\n", (u + s) / t }'
}

# scrape_time PORT: "CODE SECONDS" of one GET /metrics (5 s at most).
scrape_time() {
    curl -s -o /dev/null -w '%{http_code} %{time_total}\n' --max-time 5 \
        "http://127.0.0.1:$1/metrics"
}

# status_of PORT DATA: the status line of the reply to a raw request.
status_of() {
    python3 "$ABUSE" raw "$1" "$2" | sed -n "s/^b'\\(HTTP[^\\\\]*\\)\\\\r.*/\\1/p"
}

stop_agent() {
    kill -TERM "$AGENT_PID"
    wait_exit "$AGENT_PID" 10
    is "$1: exit status 0" "$EXIT_STATUS" 0
}

# ---- agent 1: slow clients beyond max_connections ------------------------------------

port=$(free_port)
write_config "$TMP/slow.yaml" "$port" "$NODE" \
    "  max_connections: 8" "  max_connections_per_address: 1000" \
    "  header_timeout: 2s" "  read_timeout: 10s" "sampling:" "  interval: 200ms"
start_agent slow --config "$TMP/slow.yaml"
if ! wait_http "$port" /-/ready 200 10; then
    not_ok "agent 1 becomes ready" "$AGENT_LOG"
    done_testing
fi
ok "agent 1 becomes ready"

# 40 clients (5x the cap) each sending its head a byte a second, for 14 s,
# reconnecting whenever the agent drops them
python3 "$ABUSE" slow "$port" 40 14 --source 127.0.0.2 --ready "$TMP/slow.ready" \
    >"$TMP/slow.res" &
HELPER_PIDS+=($!)
slow_pid=$!
wait_for 10 test -e "$TMP/slow.ready"
sleep 3                 # past the first head deadline: the churn is on
worst=0
codes=
for i in 1 2 3 4 5 6; do
    read -r code secs < <(scrape_time "$port")
    codes="$codes$code "
    worst=$(awk -v a="$worst" -v b="$secs" 'BEGIN { print (b > a) ? b : a }')
    sleep 0.5
done
is "slow clients: every scrape answered" "$codes" "200 200 200 200 200 200 "
cmp_num "slow clients: each within 1 s (slowest $worst s)" "$worst" "<" 1
wait "$slow_pid"
read -r res <"$TMP/slow.res"
diag "slow clients: $res"
closed=${res#*closed=}
closed=${closed%% *}
cmp_num "slow clients: the agent cut trickling heads ($closed closed)" "$closed" ">=" 8

# one trickling client alone: cut at the head deadline (2 s), long before
# the read timeout (10 s) that its steady bytes keep resetting
read -r res < <(python3 "$ABUSE" slow "$port" 1 9)
maxlife=${res#*maxlife=}
closed=${res#*closed=}
closed=${closed%% *}
cmp_num "head deadline: a lone trickling client is cut ($res)" "$closed" ">=" 1
cmp_num "head deadline: at about 2 s, not later" "$maxlife" "<" 4.5
cmp_num "head deadline: not before" "$maxlife" ">=" 1.5
read -r code secs < <(scrape_time "$port")
is "head deadline: a normal scrape is unaffected" "$code" 200
stop_agent "agent 1"

# ---- agent 2: the per-address cap ----------------------------------------------------

port=$(free_port)
write_config "$TMP/peraddr.yaml" "$port" "$NODE" \
    "  max_connections: 64" "  max_connections_per_address: 4" "sampling:" "  interval: 200ms"
start_agent peraddr --config "$TMP/peraddr.yaml"
wait_http "$port" /-/ready 200 10
read -r res < <(python3 "$ABUSE" idle "$port" 10 3 --source 127.0.0.2)
is "per address: 10 idle connections from one address, 4 kept" "$res" \
    "open=4 closed=6 refused=0"
read -r res < <(python3 "$ABUSE" idle "$port" 10 2 --source 127.0.0.3)
is "per address: another address has its own 4" "$res" "open=4 closed=6 refused=0"
python3 "$ABUSE" idle "$port" 4 4 --source 127.0.0.2 --ready "$TMP/pa.ready" \
    >"$TMP/pa.res" &
HELPER_PIDS+=($!)
wait_for 10 test -e "$TMP/pa.ready"
read -r code secs < <(scrape_time "$port")
is "per address: a scrape from another address is served meanwhile" "$code" 200
wait "${HELPER_PIDS[@]: -1}"
stop_agent "agent 2"

# ---- agent 3: out of descriptors -----------------------------------------------------

# under a 64-descriptor limit, max_connections 500 does not fit: the agent
# says so and serves fewer; 300 idle clients then cannot make it spin
port=$(free_port)
write_config "$TMP/fd.yaml" "$port" "$NODE" \
    "  max_connections: 500" "  max_connections_per_address: 1000" \
    "  read_timeout: 30s" "  header_timeout: 30s" "sampling:" "  interval: 200ms"
AGENT_LOG=$TMP/fd.log
bash -c 'ulimit -n 64 && exec "$@"' _ "$XVIRT_AGENT" --config "$TMP/fd.yaml" \
    </dev/null >"$TMP/fd.out" 2>"$AGENT_LOG" &
AGENT_PID=$!
AGENT_PIDS+=("$AGENT_PID")
wait_http "$port" /-/ready 200 10
like "fd limit: max_connections clamped with a warning" "$AGENT_LOG" \
    '^<4>.*max_connections 500 does not fit the open-file limit 64'
python3 "$ABUSE" idle "$port" 300 8 --ready "$TMP/fd.ready" >"$TMP/fd.res" &
HELPER_PIDS+=($!)
idle_pid=$!
wait_for 15 test -e "$TMP/fd.ready"
cpu0=$(cpu_seconds "$AGENT_PID")
lines0=$(wc -l <"$AGENT_LOG")
sleep 3
cpu1=$(cpu_seconds "$AGENT_PID")
lines1=$(wc -l <"$AGENT_LOG")
cpu=$(awk -v a="$cpu0" -v b="$cpu1" 'BEGIN { printf "%.2f", b - a }')
cmp_num "fd limit: no spin with 300 clients ($cpu s of CPU in 3 s)" "$cpu" "<" 0.3
cmp_num "fd limit: no log flood ($((lines1 - lines0)) lines in 3 s)" "$((lines1 - lines0))" "<=" 2
read -r code secs < <(scrape_time "$port")
is "fd limit: a scrape is still served" "$code" 200
wait "$idle_pid"

# now take descriptors away from the running agent: accept(2) fails with
# EMFILE, the listener rests, one log line, and it recovers
if prlimit --pid "$AGENT_PID" --nofile=24:24 2>/dev/null; then
    python3 "$ABUSE" idle "$port" 100 6 --ready "$TMP/emfile.ready" >"$TMP/emfile.res" &
    HELPER_PIDS+=($!)
    idle_pid=$!
    wait_for 15 test -e "$TMP/emfile.ready"
    sleep 1
    cpu0=$(cpu_seconds "$AGENT_PID")
    sleep 3
    cpu1=$(cpu_seconds "$AGENT_PID")
    cpu=$(awk -v a="$cpu0" -v b="$cpu1" 'BEGIN { printf "%.2f", b - a }')
    cmp_num "EMFILE: no spin ($cpu s of CPU in 3 s)" "$cpu" "<" 0.3
    is "EMFILE: one rate-limited log line" \
        "$(grep -c 'cannot accept connections: Too many open files' "$AGENT_LOG")" 1
    is "EMFILE: nothing from libevent's own accept warning" \
        "$(grep -c 'Error from accept' "$AGENT_LOG")" 0
    wait "$idle_pid"
    prlimit --pid "$AGENT_PID" --nofile=64:64
    read -r code secs < <(scrape_time "$port")
    is "EMFILE: serving again once descriptors are back" "$code" 200
else
    skip "EMFILE: prlimit cannot lower the agent's limit here" 4
fi
stop_agent "agent 3"

# ---- agent 4: strict request lines, paths, Accept --------------------------------------

port=$(free_port)
write_config "$TMP/strict.yaml" "$port" "$NODE" "sampling:" "  interval: 200ms"
start_agent strict --config "$TMP/strict.yaml"
wait_http "$port" /-/ready 200 10

while IFS='|' read -r want req; do
    is "request line: $want for ${req:0:56}" "$(status_of "$port" "$req")" "$want"
done <<'EOF'
HTTP/1.1 505 HTTP Version Not Supported|GET / HTTP/99999999999999999999.1\r\nHost: x\r\n\r\n
HTTP/1.1 505 HTTP Version Not Supported|GET / HTTP/1.2\r\nHost: x\r\n\r\n
HTTP/1.1 505 HTTP Version Not Supported|GET / HTTP/2.0\r\nHost: x\r\n\r\n
HTTP/1.1 400 Bad Request|GET / HTTP/1\r\nHost: x\r\n\r\n
HTTP/1.1 400 Bad Request|GET / HTTP/-1.1\r\nHost: x\r\n\r\n
HTTP/1.1 400 Bad Request|GET / http/1.1\r\nHost: x\r\n\r\n
HTTP/1.1 400 Bad Request|GET /\r\n\r\n
HTTP/1.1 400 Bad Request|GET http://x/metrics HTTP/1.1\r\nHost: x\r\n\r\n
HTTP/1.1 400 Bad Request|GET metrics HTTP/1.1\r\nHost: x\r\n\r\n
HTTP/1.1 400 Bad Request|GET /metrics HTTP/1.1\r\n\r\n
HTTP/1.1 400 Bad Request|GET /metrics HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n
HTTP/1.1 400 Bad Request|GET  /metrics HTTP/1.1\r\nHost: x\r\n\r\n
HTTP/1.1 501 Not Implemented|get /metrics HTTP/1.1\r\nHost: x\r\n\r\n
HTTP/1.1 404 Not Found|GET //metrics HTTP/1.1\r\nHost: x\r\n\r\n
HTTP/1.1 404 Not Found|GET /metrics/../metrics HTTP/1.1\r\nHost: x\r\n\r\n
HTTP/1.1 404 Not Found|GET /%6detrics HTTP/1.1\r\nHost: x\r\n\r\n
HTTP/1.1 200 OK|GET /metrics?a=//b HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n
EOF
case $(status_of "$port" 'GET /metrics HTTP/1.0\r\n\r\n') in
    "HTTP/1.0 200 OK" | "HTTP/1.1 200 OK") ok "request line: HTTP/1.0 without Host is served" ;;
    *) not_ok "request line: HTTP/1.0 without Host is served" ;;
esac
out=$(python3 "$ABUSE" raw "$port" 'GET /-/healthy HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET /-/healthy HTTP/1.0\r\n\r\n')
case $out in
    *'Connection: keep-alive\r\n'*'healthy.\n'*'HTTP/1.'*'Connection: close\r\n'*'healthy.\n'"'")
        ok "request line: HTTP/1.0 keep-alive is kept, and said so" ;;
    *) not_ok "request line: HTTP/1.0 keep-alive is kept, and said so" "$out" ;;
esac
out=$(python3 "$ABUSE" raw --bytewise "$port" \
    'GET /-/healthy HTTP/1.1\r\nHost: x\r\nX-A: b\r\n\r\nGET /-/ready HTTP/1.1\nHost: x\nConnection: close\n\n')
case $out in
    "b'HTTP/1.1 200 OK"*'healthy.\n'"HTTP/1.1 200 OK"*'ready.\n'"'")
        ok "request line: two heads sent a byte at a time, both served" ;;
    *) not_ok "request line: two heads sent a byte at a time, both served" "$out" ;;
esac
is "path: //metrics is not the landing page" \
    "$(http_code "$port" //metrics --path-as-is)" 404
is "path: // is not the landing page" "$(http_code "$port" // --path-as-is)" 404
allow=$(curl -s -D - -o /dev/null -X DELETE "http://127.0.0.1:$port/-/ready" | tr -d '\r' |
        sed -n 's/^[Aa]llow: //p')
is "method: DELETE /-/ready is a 405 naming GET, HEAD" "$allow" "GET, HEAD"

# content_type ACCEPT: the Content-Type of /metrics for that Accept header.
content_type() {
    curl -s -o /dev/null -w '%{content_type}' -H "Accept: $1" "http://127.0.0.1:$port/metrics"
}
OM="application/openmetrics-text; version=1.0.0; charset=utf-8"
TEXT="text/plain; version=0.0.4; charset=utf-8"
while IFS='|' read -r want accept; do
    case $want in om) want=$OM ;; text) want=$TEXT ;; esac
    is "Accept: $accept" "$(content_type "$accept")" "$want"
done <<'EOF'
om|application/openmetrics-text;version=1.0.0;q=0.5,application/openmetrics-text;version=0.0.1;q=0.4,text/plain;version=0.0.4;q=0.3,*/*;q=0.2
om|application/openmetrics-text
om|text/plain;q=0.5, application/openmetrics-text
text|application/openmetrics-text;q=0.2,text/plain;q=0.9
text|application/openmetrics-text;q=0.2,*/*
text|application/openmetrics-text;q=0,text/plain
text|application/openmetrics-text;q=0
text|application/openmetrics-textual
text|application/openmetrics-text;version=2.0.0
text|application/openmetrics-text;q=2
text|*/*
EOF
unlike "agent 4: no warnings or errors" "$AGENT_LOG" '^<[0-4]>'
stop_agent "agent 4"

done_testing
