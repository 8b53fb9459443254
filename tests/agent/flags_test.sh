#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# flags_test.sh: xvirt-agent's node_exporter-style flags, as TAP.
#
# Several --web.listen-address all serve and override the file's listen
# section; --web.telemetry-path moves the metrics (the old /metrics is a
# 404, the landing page links the new path); --[no-]collector.NAME beats
# sampling.collectors; --log.level and --log.format (logfmt and JSON lines
# parse, quotes and backslashes included); every flag still holds after a
# SIGHUP reload of a changed file; wrong flags exit 2 with a message;
# --version has Prometheus' fields; --help names every flag of main.c's
# option table and every collector. Scrapes run on the stepped clock.
WATCHDOG=120
. "$(dirname "${BASH_SOURCE[0]}")/agent_common.sh"

: "${XV_TEST_SRCDIR:?XV_TEST_SRCDIR must name the source tree}"
NODE=test://$DATA/node-small.xml
MAIN_C=$XV_TEST_SRCDIR/src/agent/main.c

# ---- 1. wrong flags: exit status 2 and a message naming the problem -------

# bad_flag NAME REGEX ARGS...: the agent exits 2 at once, stderr matching REGEX.
bad_flag() {
    local name=$1 re=$2 rc
    shift 2
    "$XVIRT_AGENT" "$@" </dev/null >"$TMP/bad.out" 2>"$TMP/bad.err"
    rc=$?
    if [ "$rc" = 2 ] && grep -Eq -- "$re" "$TMP/bad.err"; then
        ok "$name"
    else
        not_ok "$name" "exit status $rc, expected 2; stderr:" "$TMP/bad.err"
    fi
}

bad_flag "unknown collector: rc 2, the valid names listed" \
    "unknown collector 'gpu' in --collector.gpu \(collectors: node, domain, vcpu, memory, block, net, cpu, process\)" \
    --collector.gpu
bad_flag "unknown --no-collector: rc 2" "unknown collector 'gpu' in --no-collector.gpu" \
    --connect "$NODE" --no-collector.gpu
bad_flag "--collector.NAME takes no value" "--collector.vcpu=true takes no value" \
    --collector.vcpu=true
bad_flag "listen address without a port" \
    "^xvirt-agent: --web.listen-address: expected host:port" --web.listen-address=localhost
bad_flag "listen port out of range" "port '70000' is not a number in 1..65535" \
    --web.listen-address :70000
bad_flag "--listen (the alias) is checked the same" "port 'x' is not a number" --listen=127.0.0.1:x
bad_flag "telemetry path clashing with /-/healthy" \
    "--web.telemetry-path: telemetry path '/-/healthy' is taken by another endpoint" \
    --web.telemetry-path=/-/healthy
bad_flag "telemetry path /" "telemetry path '/' is taken" --web.telemetry-path /
bad_flag "relative telemetry path" "does not start with '/'" --web.telemetry-path=metrics
bad_flag "telemetry path with a query" "has a query or fragment" "--web.telemetry-path=/m?a=b"
bad_flag "unknown log level" "--log.level: expected debug, info, notice, warn or error" \
    --log.level=verbose
bad_flag "unknown log format" "--log.format: expected logfmt, json or syslog" --log.format xml
bad_flag "empty web config file" "--web.config.file: .*expected a path" --web.config.file=
bad_flag "unknown flag" "unrecognized option '--bogus'" --bogus
bad_flag "flag missing its value" "requires an argument" --log.level
bad_flag "stray argument" "unexpected argument 'extra'" --log.level=info extra

# A web configuration file asks for TLS or authentication: the agent never
# serves plain HTTP instead (a file it cannot read or honour stops it).
port_a=$(free_port)
"$XVIRT_AGENT" --connect "$NODE" --web.listen-address "127.0.0.1:$port_a" \
    --web.config.file="$TMP/no-such-web.yml" </dev/null >"$TMP/web.out" 2>"$TMP/web.err" &
web_pid=$!
HELPER_PIDS+=("$web_pid")
if wait_exit "$web_pid" 10 && [ "$EXIT_STATUS" = 1 ] &&
        grep -Fq -- "no-such-web.yml" "$TMP/web.err"; then
    ok "--web.config.file it cannot honour: exit 1, naming the file, nothing served"
else
    not_ok "--web.config.file it cannot honour: exit 1, naming the file, nothing served" \
        "exit status $EXIT_STATUS" "$TMP/web.err"
fi

# ---- 2. --version ---------------------------------------------------------

"$XVIRT_AGENT" --version >"$TMP/version.out" 2>&1
like "--version: version, branch and revision" "$TMP/version.out" \
    '^xvirt-agent, version [0-9]+\.[0-9]+\.[0-9]+ \(branch: [^,()]+, revision: ([0-9a-f]{40}|unknown)\)$'
like "--version: build date" "$TMP/version.out" '^  build date: +([0-9]{8}-[0-9]{2}:[0-9]{2}:[0-9]{2}|unknown)$'
like "--version: compiler" "$TMP/version.out" '^  compiler: +[a-z]+ [0-9]'
like "--version: features compiled in" "$TMP/version.out" \
    '^  features: +[-+]xen-driver [-+]sd-notify [-+]tls [-+]zlib$'
is "-V is --version" "$("$XVIRT_AGENT" -V 2>&1)" "$(cat "$TMP/version.out")"

# ---- 3. --help names every flag -----------------------------------------------

"$XVIRT_AGENT" --help >"$TMP/help.out" 2>&1
is "--help exits 0" "$?" 0
# the long options of main.c's table ({ "name", has_arg, ... })
sed -n '/^static const struct option mainFixedOptions/,/^};/p' "$MAIN_C" |
    sed -En 's/^ *\{ "([^"]+)",.*/\1/p' >"$TMP/flags.list"
nflags=$(wc -l <"$TMP/flags.list")
cmp_num "main.c's option table read (config .. help)" "$nflags" '>=' 11
missing=
while read -r flag; do
    grep -Eq -- "(^|[ ,])--$flag([=, ]|$)" "$TMP/help.out" || missing="$missing --$flag"
done <"$TMP/flags.list"
for short in -c -V -h; do
    grep -Eq -- "^  $short, --" "$TMP/help.out" || missing="$missing $short"
done
# the collectors, as the error above lists them
collectors=$(sed -En 's/.*\(collectors: (.*)\)$/\1/p' <("$XVIRT_AGENT" --collector.gpu 2>&1) | tr -d ,)
for c in $collectors; do
    grep -Eq -- "--\[no-\]collector\.$c .*\(default: (enabled|disabled)\)" "$TMP/help.out" ||
        missing="$missing --[no-]collector.$c"
done
is "--help names every flag of the table and every collector" "$missing" ""
like "--help gives defaults" "$TMP/help.out" 'default "/metrics"'
like "--help groups the flags" "$TMP/help.out" '^Collectors \(sampling\.collectors\.NAME\):$'

# ---- 4. an agent with every flag over a file that says otherwise --------------

port_a=$(free_port)
port_b=$(free_port)
port_file=$(free_port)
while [ "$port_b" = "$port_a" ]; do port_b=$(free_port); done
# a file name that needs escaping in logfmt and JSON (logged at each reload)
CONF=$TMP/'we"ird\name.yaml'

# config FILE-PORT TELEMETRY-PATH LEVEL VCPU MEMORY: rewrites $CONF.
config() {
    write_config "$CONF" "$1" "$NODE" "  telemetry_path: $2" \
        "sampling:" "  interval: 200ms" "  collectors:" "    vcpu: $4" "    memory: $5" \
        "logging:" "  level: $3" "  format: syslog"
}
config "$port_file" /from-file error true false

if ! start_stepped_agent flags "" --config "$CONF" \
        --web.listen-address "127.0.0.1:$port_a" --listen="127.0.0.1:$port_b" \
        --web.telemetry-path=/probe/metrics --no-collector.vcpu --collector.memory \
        --log.level=debug --log.format=json ||
        ! wait_http "$port_a" /-/ready 200 10; then
    not_ok "agent starts with the flags" "$AGENT_LOG"
    done_testing
fi
ok "agent starts with the flags"
LOG=$AGENT_LOG

# served_everywhere TAG: the flags' state, on both addresses; TAG names
# the checks (after the start, after a reload).
served_everywhere() {
    local tag=$1 p
    for p in "$port_a" "$port_b"; do
        is "$tag: 127.0.0.1:$p serves /probe/metrics" "$(http_code "$p" /probe/metrics)" 200
        is "$tag: 127.0.0.1:$p: /metrics is 404" "$(http_code "$p" /metrics)" 404
        is "$tag: 127.0.0.1:$p: the file's path is 404" "$(http_code "$p" /from-file)" 404
    done
    is "$tag: the file's port is not listened on" "$(http_code "$port_file" /-/healthy)" 000
    curl -s --max-time 5 -o "$TMP/m.prom" "http://127.0.0.1:$port_a/probe/metrics"
    is "$tag: --no-collector.vcpu: no vcpu series" \
        "$(count_series "$TMP/m.prom" 'xvirt_vcpu_[a-z_]+\{')" 0
    is "$tag: --no-collector.vcpu: the vcpu collector did not run" \
        "$(metric "$TMP/m.prom" 'xvirt_scrape_collector_success{collector="vcpu"}')" ""
    is "$tag: --collector.memory beats the file's false" \
        "$(metric "$TMP/m.prom" 'xvirt_scrape_collector_success{collector="memory"}')" 1
    is "$tag: the other collectors run" \
        "$(metric "$TMP/m.prom" 'xvirt_scrape_collector_success{collector="domain"}')" 1
}
served_everywhere start
is "one 'serving' line per address" \
    "$(grep -Ec "http: serving /probe/metrics on 127\.0\.0\.1:($port_a|$port_b)\"" "$LOG")" 2
curl -s --max-time 5 -o "$TMP/landing.html" "http://127.0.0.1:$port_b/"
like "the landing page links the telemetry path" "$TMP/landing.html" '<a [^>]*href="\./probe/metrics">'
is "a 404 names the telemetry path" \
    "$(curl -s --max-time 5 "http://127.0.0.1:$port_a/nothing")" "not found: try /probe/metrics"

# ---- 5. SIGHUP: the flags hold over the new file's values ------------------

port_file=$(free_port)
config "$port_file" /from-file-2 warning true false
kill -HUP "$AGENT_PID"
wait_log "$LOG" '"msg":"config: (reloaded|reload rejected[^"]*)"' 10
like "the reload is accepted" "$LOG" '"msg":"config: reloaded"'
step 0s
served_everywhere reload

# ---- 6. the log lines: JSON, and debug shown ------------------------------

# json_lines FILE: every line is one JSON object with ts, level and msg;
# prints the levels seen and the messages naming the odd file.
json_lines() {
    python3 - "$1" <<'PY'
import json, re, sys
levels, odd = set(), []
for n, line in enumerate(open(sys.argv[1], encoding="utf-8"), 1):
    obj = json.loads(line)
    assert isinstance(obj, dict), n
    assert set(obj) == {"ts", "level", "msg"}, (n, sorted(obj))
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", obj["ts"]), obj["ts"]
    assert obj["level"] in ("debug", "info", "warn", "error"), obj["level"]
    levels.add(obj["level"])
    if "name.yaml" in obj["msg"]:
        odd.append(obj["msg"])
print(" ".join(sorted(levels)))
for m in odd:
    print(m)
PY
}
if json_lines "$LOG" >"$TMP/json.out" 2>&1; then
    ok "--log.format=json: every line is a JSON object with ts, level, msg"
else
    not_ok "--log.format=json: every line is a JSON object with ts, level, msg" "$TMP/json.out"
fi
like "--log.level=debug: debug lines" "$TMP/json.out" '^debug( |$)'
is "--log.level=debug holds over the file's level after the reload" \
    "$(sed -n '/"msg":"config: reloaded"/,$p' "$LOG" | grep -c '"level":"debug"' | awk '{ print ($1 > 0) }')" 1
grep -Fq -- "config: reloading $CONF" "$TMP/json.out"
is "JSON: quotes and backslashes in a message come back as they were" "$?" 0

# ---- 7. logfmt, and the default -----------------------------------------------

stop_agent() {
    kill -TERM "$AGENT_PID"
    wait_exit "$AGENT_PID" 10
}
stop_agent
is "the agent exits 0 on SIGTERM" "$EXIT_STATUS" 0

config "$port_file" /metrics info true true
port_a=$(free_port)
start_stepped_agent logfmt "" --config "$CONF" --log.format logfmt --log.level debug \
    --web.listen-address "127.0.0.1:$port_a"
kill -HUP "$AGENT_PID"
wait_log "$AGENT_LOG" 'msg="config: (reloaded|reload rejected)' 10
stop_agent
# logfmt FILE: every line is ts=... level=... msg="..." (keys as go-kit
# writes them; quoted values with \" \\ \n escapes); prints the messages.
logfmt_lines() {
    python3 - "$1" <<'PY'
import json, re, sys
pair = re.compile(r'([a-z]+)=("(?:[^"\\]|\\.)*"|[^ "=]+)(?: |$)')
for n, line in enumerate(open(sys.argv[1], encoding="utf-8"), 1):
    line = line.rstrip("\n")
    pos, rec = 0, {}
    while pos < len(line):
        m = pair.match(line, pos)
        assert m, (n, line[pos:])
        k, v = m.group(1), m.group(2)
        rec[k] = json.loads(v) if v.startswith('"') else v
        pos = m.end()
    assert list(rec) == ["ts", "level", "msg"], (n, list(rec))
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", rec["ts"]), rec["ts"]
    assert rec["level"] in ("debug", "info", "warn", "error"), rec["level"]
    print(rec["level"], rec["msg"])
PY
}
if logfmt_lines "$AGENT_LOG" >"$TMP/logfmt.out" 2>&1; then
    ok "--log.format logfmt: every line is ts=, level=, msg=\"...\""
else
    not_ok "--log.format logfmt: every line is ts=, level=, msg=\"...\"" "$TMP/logfmt.out"
fi
like "logfmt: debug lines" "$TMP/logfmt.out" '^debug '
grep -Fxq -- "info config: reloading $CONF" "$TMP/logfmt.out"
is "logfmt: quotes and backslashes in a message come back as they were" "$?" 0

port_a=$(free_port)
start_stepped_agent plain "" --config "$CONF" --web.listen-address "127.0.0.1:$port_a"
stop_agent
like "no --log.format: syslog priority prefixes, as before" "$AGENT_LOG" '^<6>http: serving /metrics on 127\.0\.0\.1:'
unlike "no --log.format, logging.level info: no debug lines" "$AGENT_LOG" '^<7>'

# ---- 8. two listeners, one connection table -----------------------------------
#
# max_connections 2 (generous deadlines, so only an eviction closes a
# connection): two silent clients on the first address fill the agent, and
# a request through the second one evicts the first of them. With a table
# per address the second address would have room of its own.

port_a=$(free_port)
port_b=$(free_port)
while [ "$port_b" = "$port_a" ]; do port_b=$(free_port); done
write_config "$CONF" "$port_file" "$NODE" "  max_connections: 2" "  header_timeout: 1h" \
    "  read_timeout: 1h"
start_agent shared --config "$CONF" --web.listen-address "127.0.0.1:$port_a" \
    --web.listen-address "127.0.0.1:$port_b"
wait_http "$port_b" /-/healthy 200 10
python3 - "$port_a" "$port_b" >"$TMP/shared.out" 2>&1 <<'PY'
import socket, sys
a, b = int(sys.argv[1]), int(sys.argv[2])
first = socket.create_connection(("127.0.0.1", a))
second = socket.create_connection(("127.0.0.1", a))
# both accepted and waiting for their heads before the third comes
for s in (first, second):
    s.settimeout(0.5)
    try:
        print("early:", s.recv(1))
    except socket.timeout:
        pass
third = socket.create_connection(("127.0.0.1", b))
third.settimeout(10)
third.sendall(b"GET /-/healthy HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
reply = b""
while True:
    chunk = third.recv(4096)
    if not chunk:
        break
    reply += chunk
print("third:", reply.split(b"\r\n")[0].decode())
first.settimeout(10)
try:
    print("first:", "closed" if first.recv(1) == b"" else "data")
except socket.timeout:
    print("first: still open")
PY
like "a request through the second address is served at the shared cap" "$TMP/shared.out" \
    '^third: HTTP/1.1 200 OK$'
like "... by evicting a waiting connection of the first address" "$TMP/shared.out" '^first: closed$'
stop_agent

# ---- 9. a reload that cannot bind keeps the running listeners -----------------

port_a=$(free_port)
port_b=$(free_port)
while [ "$port_b" = "$port_a" ]; do port_b=$(free_port); done
write_config "$CONF" "$port_a" "$NODE"
start_agent rebind --config "$CONF"
wait_http "$port_a" /-/healthy 200 10
python3 -c 'import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(1)
print("bound", flush=True); time.sleep(300)' "$port_b" >"$TMP/holder.out" 2>&1 &
HOLDER=$!
HELPER_PIDS+=("$HOLDER")
wait_log "$TMP/holder.out" '^bound$' 10
write_config "$CONF" "$port_b" "$NODE"
kill -HUP "$AGENT_PID"
wait_log "$AGENT_LOG" 'config: (reloaded|reload rejected)' 10
like "a reload onto a port in use is rejected" "$AGENT_LOG" \
    "cannot listen on 127\.0\.0\.1:$port_b: .*|config: reload rejected"
is "... and the old address still serves" "$(http_code "$port_a" /-/healthy)" 200
kill "$HOLDER"
wait "$HOLDER" 2>/dev/null
kill -HUP "$AGENT_PID"
wait_log "$AGENT_LOG" 'config: reloaded' 10
is "once the port is free, the reload moves the listener" "$(http_code "$port_b" /-/healthy)" 200
is "... and closes the old one" "$(http_code "$port_a" /-/healthy)" 000
like "... saying so" "$AGENT_LOG" "http: no longer serving /metrics on 127\.0\.0\.1:$port_a\$"
stop_agent

done_testing
