#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# check_config_test.sh: xvirt-agent --check-config on good and bad files,
# and the agent refusing to start on a bad --config, as TAP.
#
# Each bad file in tests/data/agent/check-config/ has one mistake; the
# verdict must be exactly "FILE:LINE:COLUMN: message" on stderr (nothing on
# stdout) with exit status 1. The positions were counted by hand from the
# files: a message at the wrong place is a failure.
WATCHDOG=120
. "$(dirname "${BASH_SOURCE[0]}")/agent_common.sh"

CC=$DATA/check-config

# run_check FILE: runs --check-config FILE; sets RC, OUT, ERR.
run_check() {
    "$XVIRT_AGENT" --check-config "$1" >"$TMP/out" 2>"$TMP/err" </dev/null
    RC=$?
    OUT=$(cat "$TMP/out")
    ERR=$(cat "$TMP/err")
}

# ---- valid files ----------------------------------------------------------

while IFS='|' read -r file verdict; do
    run_check "$file"
    is "valid $(basename "$file"): exit status" "$RC" 0
    is "valid $(basename "$file"): verdict on stdout" "$OUT" "$file: $verdict"
    is "valid $(basename "$file"): nothing on stderr" "$ERR" ""
done <<EOF
$CC/good-full.yaml|configuration is valid (3 policies)
$CC/good-one-policy.yaml|configuration is valid (1 policy)
$CC/good-empty.yaml|configuration is valid (0 policies)
${XV_TEST_SRCDIR:-$DATA/../../..}/config/xvirt-agent.yaml|configuration is valid (0 policies)
EOF

# The shipped example tells how to check a file: that command must work.
example=${XV_TEST_SRCDIR:-$DATA/../../..}/config/xvirt-agent.yaml
cmdline=$(sed -n 's/^# Check a file without starting the agent: *//p' "$example")
if [ -z "$cmdline" ]; then
    not_ok "the example's check command works" "no 'Check a file' line in $example"
else
    read -r -a words <<<"${cmdline/FILE/$example}"
    words[0]=$XVIRT_AGENT
    "${words[@]}" >"$TMP/out" 2>"$TMP/err" </dev/null
    RC=$?
    if [ "$RC" -eq 0 ] && grep -q "configuration is valid" "$TMP/out"; then
        ok "the example's check command works: $cmdline"
    else
        not_ok "the example's check command works: $cmdline" "exit status $RC" "$TMP/err"
    fi
fi

# ---- invalid files: exact position and expectation ---------------------------

while IFS='|' read -r name where message; do
    run_check "$CC/$name"
    is "$name: exit status 1" "$RC" 1
    is "$name: error at $where" "$ERR" "$CC/$name:$where: $message"
    is "$name: nothing on stdout" "$OUT" ""
done <<'EOF'
bad-unknown-key.yaml|4:3|unknown key 'max_conections' in 'listen' (expected one of: address, port, max_connections, max_header_bytes, read_timeout, write_timeout, header_timeout, max_connections_per_address, web_config_file, health_without_auth)
bad-unknown-top-key.yaml|3:1|unknown key 'exporter' at the top level (expected one of: connection, listen, sampling, logging, policies, policies_dir, state_dir, state_retention)
bad-collector.yaml|3:5|unknown key 'disk' in 'sampling.collectors' (expected one of: node, domain, vcpu, memory, block, net, cpu, process)
bad-duration.yaml|2:13|expected a duration like 15s or 500ms, got '15' (add a unit: ms, s, m or h)
bad-duration-unit.yaml|2:17|expected a duration like 15s or 500ms, got 'fast'
bad-interval-min.yaml|2:15|interval 50ms is below the minimum of 100ms
bad-port.yaml|3:9|port 70000 is out of range 1..65535
bad-port-word.yaml|1:17|expected an integer, got 'http'
bad-duplicate-key.yaml|5:3|duplicate key 'interval' (first defined at line 2)
bad-yaml-syntax.yaml|4:1|YAML syntax error: found unexpected end of stream (while scanning a quoted scalar at line 2, column 12)
bad-yaml-indent.yaml|3:2|YAML syntax error: did not find expected key (while parsing a block mapping at line 1, column 1)
bad-policy-type.yaml|5:11|unknown policy type 'migrate' (expected one of: autopin, balloon, restart)
bad-policy-key.yaml|4:5|unknown key 'backof' in 'policies' (expected one of: name, type, enabled, dry_run, domains, max_actions_per_interval, min_action_interval, backoff, backoff_max, burst, burst_interval)
bad-policy-burst.yaml|4:12|burst 0 is out of range 1..100
bad-bool.yaml|3:11|expected a boolean (true/false, yes/no, on/off), got 'maybe'
bad-log-level.yaml|2:10|unknown logging level 'verbose' (expected one of: debug, info, notice, warning, error)
bad-state-retention.yaml|1:18|state_retention 30m is below the minimum of 1h
EOF

# ---- policies across files: the error names the file it is in -----------------
# (policies_dir is read next to the file; the default policies.d may be
# missing, one set explicitly may not)

DISJOINT="enabled policies of one type must select disjoint domains (name globs no name$(
    ) matches both of, other uuids, or exclude), or they act against each other"
while IFS='|' read -r name errfile where message; do
    run_check "$CC/$name"
    is "$name: exit status 1" "$RC" 1
    is "$name: error in $errfile at $where" "$ERR" "$CC/$errfile:$where: $message"
    is "$name: nothing on stdout" "$OUT" ""
done <<EOF
bad-policy-dup-name.yaml|bad-policy-dup-name.yaml|5:11|policy 'pin-web' is already defined at $CC/bad-policy-dup-name.yaml:2:11
bad-policy-two-restarts.yaml|bad-policy-two-restarts.yaml|9:7|policy 'restart-db' may act on the domains of the restart policy 'restart-web' ($CC/bad-policy-two-restarts.yaml:2:11): name 'web-db*' of 'restart-db' and name 'web*' of 'restart-web' can be the same domain; $DISJOINT
bad-policies-dir.yaml|bad-policies-dir.yaml|2:15|cannot read policies_dir '$CC/missing.d': No such file or directory
bad-policy-file.yaml|bad-policy-file.d/20-typo.yaml|5:12|burst 0 is out of range 1..100
bad-policy-file-key.yaml|bad-policy-file-key.d/10-x.yaml|2:1|unknown key 'logging' in a policy file (a file of policies_dir holds only 'policies')
bad-policy-dup-file.yaml|bad-policy-dup-file.d/10-dup.yaml|4:11|policy 'restart-all' is already defined at $CC/bad-policy-dup-file.yaml:2:11
EOF

# A policy file that cannot be read (a dangling link, as root reads anything).
mkdir -p "$TMP/dangling/policies.d"
: >"$TMP/dangling/agent.yaml"
ln -s nonexistent.yaml "$TMP/dangling/policies.d/10-gone.yaml"
run_check "$TMP/dangling/agent.yaml"
is "unreadable policy file: exit status 1" "$RC" 1
is "unreadable policy file: named with the reason" "$ERR" \
    "$TMP/dangling/policies.d/10-gone.yaml: cannot open the configuration file: No such file or directory"

# The shipped policy examples are policy files: each passes as the only
# file of a policies_dir (they are examples of different types, but one
# enabled policy per type is checked per file set, so each goes alone).
for example in "${XV_TEST_SRCDIR:-$DATA/../../..}"/config/policies/*.yaml; do
    name=$(basename "$example")
    rm -rf "$TMP/examples"
    mkdir -p "$TMP/examples/policies.d"
    : >"$TMP/examples/agent.yaml"
    cp "$example" "$TMP/examples/policies.d/$name"
    run_check "$TMP/examples/agent.yaml"
    is "config/policies/$name: valid as a policy file" "$RC $ERR" "0 "
done

# ---- files that cannot be read ------------------------------------------------

run_check "$TMP/missing.yaml"
is "missing file: exit status 1" "$RC" 1
is "missing file: named with the reason" "$ERR" \
    "$TMP/missing.yaml: cannot open the configuration file: No such file or directory"
is "missing file: nothing on stdout" "$OUT" ""

mkdir "$TMP/confdir"
run_check "$TMP/confdir"
is "directory: exit status 1" "$RC" 1
is "directory: named with the reason" "$ERR" \
    "$TMP/confdir: cannot read the configuration file: not a regular file (a directory)"

"$XVIRT_AGENT" --check-config >"$TMP/out" 2>"$TMP/err" </dev/null
RC=$?
is "--check-config without a file: usage error 2" "$RC" 2
like "--check-config without a file: says what is missing" "$TMP/err" \
    "option '--check-config' requires an argument"

# ---- the agent itself refuses a bad --config -------------------------------------

# start_bad NAME CONFIG EXPECTED-MESSAGE: the agent must exit 1 at once,
# serve nothing, and log the checker's message at error priority.
start_bad() {
    local name=$1 conf=$2 message=$3 port=$4
    start_agent "$name" --config "$conf" --listen "127.0.0.1:$port" \
        --connect test:///default
    if wait_exit "$AGENT_PID" 10; then
        is "agent with $name: exit status 1" "$EXIT_STATUS" 1
        cmp_num "agent with $name: exits at once" "$EXIT_AFTER" "<" 5
    else
        not_ok "agent with $name: exit status 1" "still running after 10 s" "$AGENT_LOG"
        not_ok "agent with $name: exits at once"
    fi
    if grep -Fxq -- "<3>config: $message" "$AGENT_LOG"; then
        ok "agent with $name: logs the error with file:line:col"
    else
        not_ok "agent with $name: logs the error with file:line:col" \
            "expected line: <3>config: $message" "$AGENT_LOG"
    fi
    unlike "agent with $name: never started" "$AGENT_LOG" "started|serving"
    is "agent with $name: nothing listens" "$(http_code "$port" /-/healthy)" "000"
}

port=$(free_port)
start_bad bad-port.yaml "$CC/bad-port.yaml" \
    "$CC/bad-port.yaml:3:9: port 70000 is out of range 1..65535" "$port"
start_bad bad-yaml-syntax.yaml "$CC/bad-yaml-syntax.yaml" \
    "$CC/bad-yaml-syntax.yaml:4:1: YAML syntax error: found unexpected end of stream$(
    ) (while scanning a quoted scalar at line 2, column 12)" "$port"
start_bad missing.yaml "$TMP/missing.yaml" \
    "$TMP/missing.yaml: cannot open the configuration file: No such file or directory" "$port"

# A good file does start (so the refusals above are about the files).
write_config "$TMP/good.yaml" "$port" test:///default "sampling:" "  interval: 200ms"
run_check "$TMP/good.yaml"
is "generated good config passes --check-config" "$RC" 0
start_agent good --config "$TMP/good.yaml"
if wait_http "$port" /-/ready 200 10; then
    ok "agent with a good config serves /-/ready"
else
    not_ok "agent with a good config serves /-/ready" "$AGENT_LOG"
fi
kill -TERM "$AGENT_PID"
wait_exit "$AGENT_PID" 10
is "agent with a good config: exit status 0 on SIGTERM" "$EXIT_STATUS" 0

done_testing
