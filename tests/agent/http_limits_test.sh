#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# http_limits_test.sh: the limits and routes of xvirt-agent's HTTP server,
# as TAP: the connection cap, the header size cap, the read timeout,
# methods, paths, HEAD, the landing page, and /-/ready before the first
# sample.
#
# Wall time is the behaviour under test here (timeouts, promptness), so the
# bounds are wall-clock, set to hold on a loaded machine: lower bounds count
# from before the connection exists (the agent's timers start after that),
# upper bounds are at least twice what the agent needs, and the script waits
# on what the agent did (the kernel's accept queue of its listener empty)
# rather than sleeping for it.
WATCHDOG=120
. "$(dirname "${BASH_SOURCE[0]}")/agent_common.sh"

NODE=test://$DATA/node-small.xml

# raw PORT REQUEST: sends the request (Python escapes), prints the whole
# response (until the server closes, 5 s at most) as Python repr of bytes.
raw() {
    python3 "$(dirname "${BASH_SOURCE[0]}")/http_abuse.py" raw "$@"
}

# closed_after PORT [DATA]: connects, sends DATA (may be empty), prints how
# many seconds passed from just before the connection was made until the
# server closed it, and how many bytes it sent. (Counted from before the
# connect, the read timeout can only look longer on a loaded machine, never
# shorter; a reply takes milliseconds of it.)
closed_after() {
    python3 "$(dirname "${BASH_SOURCE[0]}")/http_abuse.py" closed-after "$@"
}

# accept_queue PORT: connections in the accept queue of the listening
# socket on 127.0.0.1:PORT, which the agent has not accepted (yet).
accept_queue() {
    local hex sl local rem st q rest
    hex=$(printf '%04X' "$1")
    while read -r sl local rem st q rest; do
        if [ "$st" = 0A ] && [ "${local##*:}" = "$hex" ]; then
            echo $((16#${q#*:}))
            return
        fi
    done </proc/net/tcp
}

# all_accepted PORT: the agent has accepted every connection made so far.
all_accepted() {
    [ "$(accept_queue "$1")" = 0 ]
}

# ---- agent 1: max_connections 4, max_header_bytes 1024 ------------------------------

port=$(free_port)
write_config "$TMP/limits.yaml" "$port" "$NODE" \
    "  max_connections: 4" "  max_header_bytes: 1024" "  read_timeout: 10s" \
    "sampling:" "  interval: 200ms"
start_agent limits --config "$TMP/limits.yaml"
if ! wait_http "$port" /-/ready 200 10; then
    not_ok "agent becomes ready" "$AGENT_LOG"
    done_testing
fi
ok "agent becomes ready"

# -- the connection cap

exec {c1}<>"/dev/tcp/127.0.0.1/$port"
exec {c2}<>"/dev/tcp/127.0.0.1/$port"
exec {c3}<>"/dev/tcp/127.0.0.1/$port"
exec {c4}<>"/dev/tcp/127.0.0.1/$port"
# the agent holds the four
wait_for 10 all_accepted "$port"
# at the cap, a new client evicts the connection that has waited longest
# for its request head, rather than waiting behind idle ones
read -r code secs < <(curl -s -o /dev/null -w '%{http_code} %{time_total}\n' --max-time 5 \
    "http://127.0.0.1:$port/-/healthy")
is "cap: with 4 idle connections open, a 5th is served" "$code" 200
cmp_num "cap: at once ($secs s)" "$secs" "<" 1
# closed_by_agent FD: the agent closed it (EOF at once, not a read timeout)
closed_by_agent() {
    local line
    read -r -t 2 -u "$1" line
    [ $? -eq 1 ]
}
if closed_by_agent "$c1"; then
    ok "cap: the oldest idle connection was evicted"
else
    not_ok "cap: the oldest idle connection was evicted"
fi
read -r -t 0.3 -u "$c2" _
if [ $? -gt 128 ]; then
    ok "cap: the younger idle connections stay open"
else
    not_ok "cap: the younger idle connections stay open"
fi
exec {c1}>&-
curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$port/-/healthy"
is "cap: with 3 idle connections left, a new request is served" "$?" 0
exec {c2}>&- {c3}>&- {c4}>&-
sleep 0.5
: >"$TMP/par.res"
for i in 1 2 3 4; do
    curl -s -o /dev/null -w '%{http_code}\n' --max-time 5 "http://127.0.0.1:$port/metrics" \
        >>"$TMP/par.res" &
    HELPER_PIDS+=($!)
done
wait "${HELPER_PIDS[@]: -4}"
is "cap: 4 parallel scrapes once all are closed" "$(sort "$TMP/par.res" | tr '\n' ' ')" \
    "200 200 200 200 "

# -- the header size cap

hdr() {
    head -c "$1" /dev/zero | tr '\0' a
}
is "headers: a 600-byte header is fine" \
    "$(http_code "$port" /metrics -H "X-Pad: $(hdr 600)")" 200
out=$(curl -s -i --max-time 5 -H "X-Pad: $(hdr 4096)" "http://127.0.0.1:$port/metrics")
rc=$?
code=$(printf '%s\n' "$out" | head -n 1 | tr -d '\r' | cut -d' ' -f2)
if [ "$rc" -ne 0 ] || [ "$code" = 400 ] || [ "$code" = 431 ]; then
    ok "headers: 4 KiB of header refused (status ${code:-none}, curl $rc)"
else
    not_ok "headers: 4 KiB of header refused" "curl $rc" "$out"
fi
unlike_text() {
    if printf '%s\n' "$2" | grep -q "$3"; then not_ok "$1"; else ok "$1"; fi
}
unlike_text "headers: no metrics in the refusal" "$out" '^xvirt_'
code=$(printf '%s\n' "$out" | grep -i '^connection:' | tr -d '\r' | cut -d' ' -f2)
is "headers: the refused connection is closed" "$code" close
out=$(raw "$port" "GET /metrics HTTP/1.1\\r\\nHost: x\\r\\nX-Pad: $(hdr 65536)\\r\\n\\r\\n")
case $out in
    "b''" | "b'HTTP/1.1 400"* | "b'HTTP/1.1 431"*) ok "headers: 64 KiB of header refused" ;;
    *) not_ok "headers: 64 KiB of header refused" "${out:0:200}" ;;
esac
is "headers: the agent keeps serving" "$(http_code "$port" /metrics)" 200

# -- methods and paths

is "POST: 405 Method Not Allowed" "$(http_code "$port" /metrics -X POST)" 405
allow=$(curl -s -D - -o /dev/null -X POST "http://127.0.0.1:$port/metrics" | tr -d '\r' |
        sed -n 's/^[Aa]llow: //p')
is "POST: the 405 names the methods allowed" "$allow" "GET, HEAD"
code=$(http_code "$port" /metrics -X POST -d 'a=b')
case $code in
    413 | 405 | 501) ok "POST with a body: refused ($code)" ;;
    *) not_ok "POST with a body: refused" "status $code" ;;
esac
is "PUT: 405" "$(http_code "$port" /metrics -X PUT)" 405
is "DELETE: 405" "$(http_code "$port" /metrics -X DELETE)" 405
is "OPTIONS: 405" "$(http_code "$port" /metrics -X OPTIONS)" 405
is "POST to an unknown path: 405 too" "$(http_code "$port" /nope -X POST)" 405
is "unknown path: 404" "$(http_code "$port" /nope)" 404
is "unknown path: says where to go" "$(curl -s "http://127.0.0.1:$port/nope")" \
    "not found: try /metrics"
is "/metrics/ is not /metrics: 404" "$(http_code "$port" /metrics/)" 404
is "/metrics with a query string: 200" "$(http_code "$port" '/metrics?name=x')" 200
is "/-/healthy: 200" "$(http_code "$port" /-/healthy)" 200
is "/-/ready: 200 after the first sample" "$(curl -s "http://127.0.0.1:$port/-/ready")" \
    "xvirt-agent is ready."

curl -s -D "$TMP/land.hdr" -o "$TMP/land.html" "http://127.0.0.1:$port/"
like "landing page: HTML" "$TMP/land.hdr" '^Content-Type: text/html; charset=utf-8'
like "landing page: links to /metrics" "$TMP/land.html" '<a id="metrics-link" href="./metrics">'
is "landing page: its link resolves" \
    "$(curl -s -o /dev/null -w '%{http_code} %{content_type}' \
        "http://127.0.0.1:$port/$(grep -o 'href="./metrics"' "$TMP/land.html" | head -n 1 |
            cut -d'"' -f2)")" "200 text/plain; version=0.0.4; charset=utf-8"

# -- HEAD

curl -s -I "http://127.0.0.1:$port/metrics" >"$TMP/head.hdr"
is "HEAD /metrics: 200" "$(head -n 1 "$TMP/head.hdr" | tr -d '\r')" "HTTP/1.1 200 OK"
like "HEAD /metrics: the metrics content type" "$TMP/head.hdr" \
    '^Content-Type: text/plain; version=0.0.4; charset=utf-8'
out=$(raw "$port" 'HEAD /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')
case $out in
    *'\r\n\r\n'"'") ok "HEAD /metrics: nothing after the headers" ;;
    *) not_ok "HEAD /metrics: nothing after the headers" "${out: -200}" ;;
esac
case $out in
    "b'HTTP/1.1 200 OK"*) ok "HEAD /metrics: raw status 200" ;;
    *) not_ok "HEAD /metrics: raw status 200" "${out:0:200}" ;;
esac
out=$(raw "$port" 'HEAD /-/healthy HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')
case $out in
    *'Content-Length: 24\r\n'*'\r\n\r\n'"'")
        ok "HEAD /-/healthy: the length of the GET body, no body" ;;
    *) not_ok "HEAD /-/healthy: the length of the GET body, no body" "$out" ;;
esac
# a HEAD then a GET on one keep-alive connection: two replies, in order
out=$(raw "$port" 'HEAD /metrics HTTP/1.1\r\nHost: x\r\n\r\n'$(
    )'GET /-/healthy HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')
case $out in
    "b'HTTP/1.1 200 OK\\r\\n"*"\\r\\n\\r\\nHTTP/1.1 200 OK\\r\\n"*$(
        )"\\r\\n\\r\\nxvirt-agent is healthy.\\n'")
        ok "HEAD then GET on one connection: the GET reply follows the HEAD headers" ;;
    *) not_ok "HEAD then GET on one connection: the GET reply follows the HEAD headers" \
        "${out:0:300}" ;;
esac

# -- format negotiation

is "Accept openmetrics: OpenMetrics" \
    "$(curl -s -o /dev/null -w '%{content_type}' \
        -H 'Accept: application/openmetrics-text;version=1.0.0,text/plain;q=0.5' \
        "http://127.0.0.1:$port/metrics")" \
    "application/openmetrics-text; version=1.0.0; charset=utf-8"
is "Accept openmetrics;q=0: text" \
    "$(curl -s -o /dev/null -w '%{content_type}' \
        -H 'Accept: application/openmetrics-text;q=0,text/plain' \
        "http://127.0.0.1:$port/metrics")" "text/plain; version=0.0.4; charset=utf-8"

kill -TERM "$AGENT_PID"
wait_exit "$AGENT_PID" 10
is "agent 1: exit status 0" "$EXIT_STATUS" 0
unlike "agent 1: no warnings or errors" "$AGENT_LOG" '^<[0-4]>'

# ---- agent 2: read_timeout 500ms -----------------------------------------------------

port=$(free_port)
write_config "$TMP/timeout.yaml" "$port" "$NODE" \
    "  max_connections: 4" "  read_timeout: 500ms" "sampling:" "  interval: 200ms"
start_agent timeout --config "$TMP/timeout.yaml"
wait_http "$port" /-/ready 200 10

read -r secs nbytes < <(closed_after "$port")
cmp_num "read timeout: an idle connection is closed after ~0.5 s ($secs s)" "$secs" ">=" 0.4
cmp_num "read timeout: not much later" "$secs" "<" 1.5
read -r secs nbytes < <(closed_after "$port" 'GET /metrics HTTP/1.1\r\nHost: x\r\n')
cmp_num "read timeout: a half-sent request is closed after ~0.5 s ($secs s)" "$secs" ">=" 0.4
cmp_num "read timeout: not much later " "$secs" "<" 1.5
read -r secs nbytes < <(closed_after "$port" 'GET /-/healthy HTTP/1.1\r\nHost: x\r\n\r\n')
cmp_num "read timeout: a keep-alive connection idle after its reply, ~0.5 s ($secs s)" \
    "$secs" ">=" 0.4
cmp_num "read timeout: not much later  " "$secs" "<" 1.5
cmp_num "read timeout: ... and it had its reply ($nbytes bytes)" "$nbytes" ">" 100

# idle connections up to the cap do not lock the agent out for long
exec {c1}<>"/dev/tcp/127.0.0.1/$port"
exec {c2}<>"/dev/tcp/127.0.0.1/$port"
exec {c3}<>"/dev/tcp/127.0.0.1/$port"
exec {c4}<>"/dev/tcp/127.0.0.1/$port"
read -r code secs < <(curl -s -o /dev/null -w '%{http_code} %{time_total}\n' --max-time 5 \
    "http://127.0.0.1:$port/-/healthy")
is "read timeout: with 4 idle connections open, a 5th is served" "$code" 200
cmp_num "read timeout: once the idle ones time out ($secs s)" "$secs" "<" 1.5
exec {c1}>&- {c2}>&- {c3}>&- {c4}>&-

kill -TERM "$AGENT_PID"
wait_exit "$AGENT_PID" 10
is "agent 2: exit status 0" "$EXIT_STATUS" 0

# ---- agent 3: before the first sample ------------------------------------------------

# connecting to the hypervisor takes 6 s of wall time: no sample before
# that (the script's four requests need far less, even on a loaded machine).
# Without the event listener, whose own connection could take the one hang.
gen_node "$TMP/slow-open.xml" 2 1 \
    "<xvirt:fault call='virConnectOpen' mode='hang' seconds='6' count='1'/>"
port=$(free_port)
write_config "$TMP/ready.yaml" "$port" "test://$TMP/slow-open.xml" \
    "sampling:" "  interval: 200ms" "  events: false"
start_agent ready --config "$TMP/ready.yaml"
wait_http "$port" /-/healthy 200 5
is "no sample yet: /-/healthy 200" "$(http_code "$port" /-/healthy)" 200
is "no sample yet: /-/ready 503" "$(http_code "$port" /-/ready)" 503
is "no sample yet: /-/ready says why" "$(curl -s "http://127.0.0.1:$port/-/ready")" \
    "xvirt-agent is not ready: no sample yet (connecting to the hypervisor)"
is "no sample yet: /metrics 503" "$(http_code "$port" /metrics)" 503
if wait_http "$port" /-/ready 200 15; then
    ok "first sample: /-/ready turns 200"
else
    not_ok "first sample: /-/ready turns 200" "$AGENT_LOG"
fi
is "first sample: /metrics 200" "$(http_code "$port" /metrics)" 200
is "first sample: 2 domains" "$(scrape_value "$port" xvirt_domains)" 2

kill -TERM "$AGENT_PID"
wait_exit "$AGENT_PID" 10
is "agent 3: exit status 0" "$EXIT_STATUS" 0

done_testing
