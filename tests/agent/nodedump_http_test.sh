#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# nodedump_http_test.sh: the agent's GET /debug/nodedump, as TAP: the host
# as a test-driver node file, what `xvirsh nodedump` writes.
#
# 1. from 127.0.0.1: 200, application/xml; the dump opens as a copy that
#    lists the host's domains and shows its free memory; its loads measured
# 2. a wrong query: 400 saying what is wrong; HEAD: the headers only
# 3. one dump at a time: 503 with Retry-After meanwhile; /metrics answers
# 4. from another address of this machine: 403, unless basic auth is on,
#    then 401 without credentials and 200 with them
# 5. SIGTERM during a long dump: the agent stops at once, status 0
WATCHDOG=180
. "$(dirname "${BASH_SOURCE[0]}")/agent_common.sh"

: "${XVIRSH:?XVIRSH must name the xvirsh binary}"
NODE=$XV_TEST_DATADIR/xvirsh/nodedump-node.xml
URI="test://$NODE"
PY=${PYTHON:-python3}

# get PORT TARGET [HOST] [CURL-ARGS...]: the status code of GET TARGET; the
# body in $TMP/body, the head in $TMP/head
get() {
    local port=$1 target=$2 host=${3:-127.0.0.1}
    shift 3 2>/dev/null || shift $#
    curl -s -o "$TMP/body" -D "$TMP/head" -w '%{http_code}' --max-time 60 "$@" \
        "http://$host:$port$target"
}

# ready PORT HOST: /-/ready answers 200 (with READY_AUTH's credentials)
ready() {
    [ "$(get "$1" /-/ready "$2" ${READY_AUTH:+-u "$READY_AUTH"})" = 200 ]
}

# start_dump_agent NAME [ARGS...]: an agent on NODE; waits until it is ready.
start_dump_agent() {
    local name=$1
    shift
    port=$(free_port)
    write_config "$TMP/$name.yaml" "$port" "$URI" "sampling:" "  interval: 1s" \
        "  events: false"
    start_agent "$name" --config "$TMP/$name.yaml" "$@"
    if ! wait_for 20 ready "${LISTEN_PORT:-$port}" "${LISTEN_HOST:-127.0.0.1}"; then
        not_ok "$name: the agent becomes ready" "$(cat "$AGENT_LOG")"
        done_testing
    fi
}

# ---- 1. a dump from this host ------------------------------------------------------------

start_dump_agent local
is "GET /debug/nodedump?samples=3&interval=200ms: 200" \
    "$(get "$port" '/debug/nodedump?samples=3&interval=200ms')" 200
like "... as XML" "$TMP/head" '^Content-Type: application/xml; charset=utf-8'
cp "$TMP/body" "$TMP/dump.xml"
like "... a node file saying who took it" "$TMP/dump.xml" \
    "Captured by xvirt-agent \\(/debug/nodedump\\) on .* from $URI"
like "... from 3 samples 200 ms apart" "$TMP/dump.xml" 'from 3 samples 200 ms apart'
"$XVIRSH" -c "$URI" list --all >"$TMP/host.list" 2>&1
"$XVIRSH" -c "test://$TMP/dump.xml" list --all >"$TMP/copy.list" 2>&1
if cmp -s "$TMP/host.list" "$TMP/copy.list"; then
    ok "the copy lists the host's domains, IDs and states"
else
    not_ok "the copy lists the host's domains, IDs and states" "$(diff "$TMP/host.list" "$TMP/copy.list")"
fi
is "the copy's free memory is the host's" \
    "$("$XVIRSH" -c "test://$TMP/dump.xml" freecell 2>&1)" "$("$XVIRSH" -c "$URI" freecell 2>&1)"
like "the vcpus' loads were measured" "$TMP/dump.xml" "<xvirt:vcpu-load vcpu='0' load='0\\.[0-9]{3}'/>"
like "the log says a dump was asked" "$AGENT_LOG" 'http: /debug/nodedump: 3 samples 200 ms apart'

# ---- 2. wrong queries -----------------------------------------------------------------------

# bad NAME TARGET REGEX: 400 and REGEX in the body
bad() {
    is "$1: 400" "$(get "$port" "$2")" 400
    like "$1: says why" "$TMP/body" "$3"
}
bad "samples=1" '/debug/nodedump?samples=1' '^samples must be a number from 2 to 60$'
bad "samples=61" '/debug/nodedump?samples=61' '^samples must be a number from 2 to 60$'
bad "samples=2x" '/debug/nodedump?samples=2x' '^samples must be a number from 2 to 60$'
bad "interval=50ms" '/debug/nodedump?interval=50ms' '^interval must be a duration from 100ms to 60s'
bad "interval=5" '/debug/nodedump?interval=5' '^interval must be a duration from 100ms to 60s'
bad "a span over 5 minutes" '/debug/nodedump?samples=60&interval=10s' \
    '^\(samples - 1\) x interval must be at most 5m$'
bad "an unknown parameter" '/debug/nodedump?samples=2&uri=xen:///' \
    "^unknown parameter 'uri': samples and interval are known$"
# (curl -I writes the head where the body would go)
is "HEAD /debug/nodedump: 200" "$(get "$port" '/debug/nodedump?samples=2&interval=100ms' \
    127.0.0.1 -I)" 200
unlike "... without a body" "$TMP/body" '<node'
like "... with the dump's length" "$TMP/head" '^Content-Length: [1-9][0-9]+'

# ---- 3. one at a time --------------------------------------------------------------------------

curl -s -o "$TMP/long.xml" -w '%{http_code}' --max-time 60 \
    "http://127.0.0.1:$port/debug/nodedump?samples=3&interval=2s" >"$TMP/long.code" &
LONG_PID=$!
wait_for 10 grep -q '3 samples 2000 ms apart' "$AGENT_LOG"
is "a second dump meanwhile: 503" "$(get "$port" /debug/nodedump)" 503
like "... with Retry-After" "$TMP/head" '^Retry-After: 5'
like "... saying why" "$TMP/body" '^a node dump is in progress'
is "/metrics answers meanwhile" "$(get "$port" /metrics)" 200
wait "$LONG_PID"
is "the first dump ends with 200" "$(cat "$TMP/long.code")" 200
is "then a new dump may start" "$(get "$port" '/debug/nodedump?samples=2&interval=100ms')" 200

kill -TERM "$AGENT_PID"
wait_exit "$AGENT_PID" 10

# ---- 4. another address of this machine --------------------------------------------------------

OTHER=$(ip -4 -o addr show scope global 2>/dev/null | awk '{ sub(/\/.*/, "", $4); print $4; exit }')
if [ -z "$OTHER" ]; then
    skip "from a non-loopback address: 403" "this machine has no global IPv4 address"
else
    LISTEN_HOST=$OTHER LISTEN_PORT=$(free_port)
    start_dump_agent remote --web.listen-address="$OTHER:$LISTEN_PORT"
    is "from $OTHER (not loopback), no auth configured: 403" \
        "$(get "$LISTEN_PORT" '/debug/nodedump?samples=2&interval=100ms' "$OTHER")" 403
    like "... saying who may" "$TMP/body" \
        '^forbidden: the node dump is served to clients on this host, or to any with basic auth'
    is "/metrics is still served there" "$(get "$LISTEN_PORT" /metrics "$OTHER")" 200
    kill -TERM "$AGENT_PID"
    wait_exit "$AGENT_PID" 10

    HASH=$("$PY" -W ignore -c 'import crypt, sys
print(crypt.crypt(sys.argv[1], crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=16)))' s3cret)
    printf 'basic_auth_users:\n  ops: %s\n' "'$HASH'" >"$TMP/web.yml"
    LISTEN_PORT=$(free_port) READY_AUTH=ops:s3cret
    start_dump_agent auth --web.listen-address="$OTHER:$LISTEN_PORT" \
        --web.config.file="$TMP/web.yml"
    is "with basic auth on, without credentials: 401" \
        "$(get "$LISTEN_PORT" '/debug/nodedump?samples=2&interval=100ms' "$OTHER")" 401
    is "with basic auth on, from $OTHER with credentials: 200" \
        "$(get "$LISTEN_PORT" '/debug/nodedump?samples=2&interval=100ms' "$OTHER" \
            -u ops:s3cret)" 200
    like "... the node file" "$TMP/body" '^<node xmlns:xvirt='
    kill -TERM "$AGENT_PID"
    wait_exit "$AGENT_PID" 10
    unset LISTEN_HOST LISTEN_PORT READY_AUTH
fi

# ---- 5. SIGTERM during a dump --------------------------------------------------------------------

start_dump_agent stopping
curl -s -o /dev/null -w '%{http_code}' --max-time 60 \
    "http://127.0.0.1:$port/debug/nodedump?samples=60&interval=5s" >"$TMP/cut.code" &
CUT_PID=$!
wait_for 10 grep -q '60 samples 5000 ms apart' "$AGENT_LOG"
kill -TERM "$AGENT_PID"
wait_exit "$AGENT_PID" 15
is "SIGTERM during a five-minute dump: the agent exits 0 at once" "$EXIT_STATUS" 0
wait "$CUT_PID"
like "... and the client is not left waiting" "$TMP/cut.code" '^(503|000)$'

done_testing
