#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# hostile_files_test.sh: the files xvirt-agent and libxvirt read, made
# hostile (issue 10), as TAP.
#
# 1. a FIFO given as the configuration: --check-config answers at once
# 2. configuration and policy files other users can change: refused when
#    anyone can write them or they belong to another user, a warning when
#    their group can
# 3. a FIFO swapped in as the configuration, then SIGHUP: the reload is
#    rejected at once, /metrics keeps answering, the old configuration stays
# 4. a test driver journal writable by others: refused, its forged create
#    never replayed
# 5. an empty state file: a warning, a clean start, no "Invalid argument"
# 6. a FIFO, a directory or a device as the node file: refused at once
#
# Wall time is the behaviour under test where a FIFO could block: each such
# command runs under `timeout 20`, and must finish well within it (5 s).
WATCHDOG=150
. "$(dirname "${BASH_SOURCE[0]}")/agent_common.sh"

: "${XVIRSH:?XVIRSH must name the xvirsh binary}"
NODE=$DATA/node-small.xml

# timed OUT-FILE COMMAND...: runs COMMAND under `timeout 20` with stdout
# and stderr in OUT-FILE; sets RC and SECS (wall time).
timed() {
    local out=$1 start
    shift
    start=$(now)
    timeout 20 "$@" >"$out" 2>&1 </dev/null
    RC=$?
    SECS=$(elapsed_since "$start")
}

prompt() {
    awk -v s="$1" 'BEGIN { exit !(s < 5) }'
}

# ---- 1. a FIFO as the configuration -----------------------------------------

mkfifo "$TMP/fifo.yaml"
timed "$TMP/c1.out" "$XVIRT_AGENT" --check-config "$TMP/fifo.yaml"
check "check-config on a FIFO returns at once (${SECS}s)" prompt "$SECS"
is "check-config on a FIFO: exit status 1" "$RC" 1
like "check-config on a FIFO: says it is not a regular file" "$TMP/c1.out" \
    "^$TMP/fifo.yaml: cannot read the configuration file: not a regular file \\(a FIFO\\)$"

# ---- 2. files other users can change ----------------------------------------

mkdir -m 0700 "$TMP/c2" "$TMP/c2/policies.d"
CONF2=$TMP/c2/agent.yaml
printf 'policies:\n  - name: a\n    type: restart\n    domains: {names: [a*]}\n' >"$CONF2"
printf 'policies:\n  - name: b\n    type: restart\n    domains: {names: [b*]}\n' \
    >"$TMP/c2/policies.d/b.yaml"
chmod 0644 "$CONF2" "$TMP/c2/policies.d/b.yaml"
timed "$TMP/c2.out" "$XVIRT_AGENT" --check-config "$CONF2"
is "trusted files: valid, no warning" "$RC:$(cat "$TMP/c2.out")" \
    "0:$CONF2: configuration is valid (2 policies)"

chmod 0666 "$CONF2"
timed "$TMP/c2.out" "$XVIRT_AGENT" --check-config "$CONF2"
is "world-writable configuration: exit status 1" "$RC" 1
like "world-writable configuration: refused, saying why" "$TMP/c2.out" \
    "^$CONF2: untrusted configuration file, refused: writable by any user \\(mode 0666\\)"

chmod 0664 "$CONF2"
timed "$TMP/c2.out" "$XVIRT_AGENT" --check-config "$CONF2"
is "group-writable configuration: still valid" "$RC" 0
like "group-writable configuration: a warning naming the file" "$TMP/c2.out" \
    "^warning: $CONF2: writable by group [0-9]+ \\(mode 0664\\)"

chmod 0644 "$CONF2"
chmod 0646 "$TMP/c2/policies.d/b.yaml"
timed "$TMP/c2.out" "$XVIRT_AGENT" --check-config "$CONF2"
is "world-writable policy file: exit status 1" "$RC" 1
like "world-writable policy file: refused, named" "$TMP/c2.out" \
    "^$TMP/c2/policies.d/b.yaml: untrusted configuration file, refused: writable by any user"

chmod 0644 "$TMP/c2/policies.d/b.yaml"
chmod 0777 "$TMP/c2/policies.d"
timed "$TMP/c2.out" "$XVIRT_AGENT" --check-config "$CONF2"
is "world-writable policy directory: exit status 1" "$RC" 1
like "world-writable policy directory: refused, named" "$TMP/c2.out" \
    "^$TMP/c2/policies.d: untrusted policy directory, refused: writable by any user"
chmod 0700 "$TMP/c2/policies.d"

if [ "$(id -u)" = 0 ] && id nobody >/dev/null 2>&1; then
    chown nobody "$CONF2"
    timed "$TMP/c2.out" "$XVIRT_AGENT" --check-config "$CONF2"
    is "configuration of another user: exit status 1" "$RC" 1
    like "configuration of another user: refused" "$TMP/c2.out" \
        "refused: owned by uid $(id -u nobody), not by root"
    chown 0 "$CONF2"
else
    skip "configuration of another user: needs root and a user 'nobody'"
    skip "configuration of another user: refused"
fi

# ---- 3. a FIFO swapped in, then SIGHUP ---------------------------------------

port=$(free_port)
CONF3=$TMP/agent3.yaml
write_config "$CONF3" "$port" "test://$NODE" "sampling:" "  interval: 200ms" \
    "logging:" "  level: info"
start_agent a3 --config "$CONF3"
if ! wait_http "$port" /-/ready 200 10; then
    not_ok "agent becomes ready" "$AGENT_LOG"
    done_testing
fi
mv "$CONF3" "$TMP/agent3.good"
mkfifo "$CONF3"
kill -HUP "$AGENT_PID"
check "SIGHUP with a FIFO as the configuration: rejected at once" \
    wait_log "$AGENT_LOG" '^<3>config: reload rejected' 5
like "the log says why" "$AGENT_LOG" \
    "<3>config: $CONF3: cannot read the configuration file: not a regular file \\(a FIFO\\)"
scrape "$port" "$TMP/m3.prom" >"$TMP/m3.code"
is "/metrics still answers on the old port" "$(cut -d' ' -f1 "$TMP/m3.code")" 200
is "the reload counted as a failure" \
    "$(metric "$TMP/m3.prom" 'xvirt_config_reloads_total{result="failure"}')" 1
is "the old configuration is still the last good one" \
    "$(metric "$TMP/m3.prom" 'xvirt_config_last_reload_successful')" 0
# the loop is not stuck: a good file put back reloads
rm -f "$CONF3"
mv "$TMP/agent3.good" "$CONF3"
kill -HUP "$AGENT_PID"
check "a good file put back reloads" wait_log "$AGENT_LOG" '^<5>config: reloaded' 5

# ---- 4. a journal writable by others ------------------------------------------

cat >"$TMP/forged.xml" <<'EOF'
<domain type='test'><name>forged</name><memory>65536</memory><vcpu>1</vcpu>
<os><type>linux</type></os></domain>
EOF
J=$TMP/journal
URI="test://$NODE?journal=$J"
timed "$TMP/j.out" "$XVIRSH" -c "$URI" list --all
is "a fresh journal: opened" "$RC" 0
# a forged create: a line of another journal of the same node
timed "$TMP/j.out" "$XVIRSH" -c "test://$NODE?journal=$TMP/other" create "$TMP/forged.xml"
tail -n 1 "$TMP/other" >>"$J"
for mode in 0666 0620; do
    chmod "$mode" "$J"
    timed "$TMP/j.out" "$XVIRSH" -c "$URI" list --all
    is "journal of mode $mode: refused" "$RC" 1
    like "journal of mode $mode: says why" "$TMP/j.out" \
        "journal '$J' is untrusted, not replayed: writable by"
    unlike "journal of mode $mode: the forged domain is not there" "$TMP/j.out" forged
done
chmod 0600 "$J"
chmod 0777 "$TMP"
timed "$TMP/j.out" "$XVIRSH" -c "$URI" list --all
chmod 0700 "$TMP"
is "journal in a world-writable directory: refused" "$RC" 1
like "journal in a world-writable directory: names it" "$TMP/j.out" \
    "its directory '$TMP' is writable by any user"

# ---- 5. an empty state file ----------------------------------------------------

mkdir -m 0700 "$TMP/state5"
: >"$TMP/state5/policy-state"
chmod 0600 "$TMP/state5/policy-state"
port=$(free_port)
write_config "$TMP/agent5.yaml" "$port" "test://$NODE" "sampling:" "  interval: 200ms" \
    "state_dir: $TMP/state5" "policies:" "  - name: restart" "    type: restart" \
    "    dry_run: false"
start_agent a5 --config "$TMP/agent5.yaml"
check "empty state file: the agent starts" wait_http "$port" /-/ready 200 10
check "empty state file: a warning" \
    wait_log "$AGENT_LOG" "^<4>policy: $TMP/state5/policy-state: empty, no bookkeeping yet" 5
unlike "empty state file: no 'Invalid argument'" "$AGENT_LOG" "Invalid argument"
is "empty state file: not moved aside as corrupt" \
    "$(find "$TMP/state5" -name 'policy-state.corrupt-*' | wc -l)" 0

# ---- 6. a FIFO, a directory, a device as the node file -------------------------

mkfifo "$TMP/node-fifo.xml"
timed "$TMP/n.out" "$XVIRSH" -c "test://$TMP/node-fifo.xml" list
check "FIFO as node file: refused at once (${SECS}s)" prompt "$SECS"
like "FIFO as node file: says why" "$TMP/n.out" "not a regular file \\(a FIFO\\)"
mkdir "$TMP/node-dir.xml"
timed "$TMP/n.out" "$XVIRSH" -c "test://$TMP/node-dir.xml" list
is "directory as node file: refused" "$RC" 1
like "directory as node file: says why" "$TMP/n.out" \
    "not a regular file \\(a directory\\)"
timed "$TMP/n.out" "$XVIRSH" -c "test:///dev/zero" list
check "device as node file: refused at once (${SECS}s)" prompt "$SECS"
like "device as node file: says why" "$TMP/n.out" \
    "not a regular file \\(a character device\\)"

done_testing
