#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# policy_config_test.sh: policies kept in policies.d next to the agent's
# configuration, and what SIGHUP does with them, as TAP.
#
# 1. a restart policy in policies.d/ runs like one in the main file
# 2. SIGHUP with a bad policy file (a typo, a name used twice, a second
#    restart policy on the same domains, a file that cannot be read): the
#    whole reload is refused with FILE:LINE:COL of the policy file, and the
#    running policies and their bookkeeping stay
# 3. editor leftovers and other files in policies.d/ are ignored; a good
#    reload applies the new policies without losing the bookkeeping
#
# The agent and its node (shared through a journal) run on the stepped
# clock: the crash at 1 s is restarted in the sample at 1 s.
WATCHDOG=120
. "$(dirname "${BASH_SOURCE[0]}")/agent_common.sh"

PDATA=$DATA/policy
U=f0000000-0000-4000-8000-0000000000
PD=$TMP/policies.d
CONF=$TMP/agent.yaml
ATTEMPTS="xvirt_policy_restart_attempts{domain=\"web01\",uuid=\"${U}01\"}"
OK_SERIES='xvirt_policy_actions_total{policy="restart",action="restart",result="ok"}'
URI="test://$PDATA/node-restart.xml?journal=$TMP/journal"
STEP_BY=200ms
DISJOINT="enabled policies of one type must select disjoint domains (name globs no name$(
    ) matches both of, other uuids, or exclude), or they act against each other"

# reloads SUCCESS FAILURE: true once the reload counters have these values.
reloads() {
    scrape "$port" "$TMP/r.prom" >/dev/null &&
        [ "$(metric "$TMP/r.prom" 'xvirt_config_reloads_total{result="success"}')" = "$1" ] &&
        [ "$(metric "$TMP/r.prom" 'xvirt_config_reloads_total{result="failure"}')" = "$2" ]
}

# reload_rejected NAME FAILURES EXPECTED-LOG-LINE: SIGHUP, then the reload
# must count as failure number FAILURES and log EXPECTED-LOG-LINE.
reload_rejected() {
    local name=$1 failures=$2 line=$3
    kill -HUP "$AGENT_PID"
    if wait_for 5 reloads 0 "$failures"; then ok "$name: reload refused"
    else not_ok "$name: reload refused" "$TMP/r.prom" "$AGENT_LOG"; fi
    if grep -Fxq -- "<3>config: $line" "$AGENT_LOG"; then
        ok "$name: logged with the policy file's position"
    else
        not_ok "$name: logged with the policy file's position" "expected: <3>config: $line" \
            "$AGENT_LOG"
    fi
    is "$name: the bookkeeping stays" "$(scrape_value "$port" "$ATTEMPTS")" 1
    is "$name: the running policy stays" "$(scrape_value "$port" "$OK_SERIES")" 1
}

# ---- 1. a policy from policies.d acts ----------------------------------------

port=$(free_port)
write_config "$CONF" "$port" "$URI" \
    "sampling:" "  interval: 200ms" "state_dir: $TMP/state"
mkdir "$PD"
cat >"$PD/10-restart.yaml" <<'EOF'
# the restart policy of this host
policies:
  - name: restart
    type: restart
    backoff: 5s
EOF
"$XVIRT_AGENT" --check-config "$CONF" >"$TMP/check.out" 2>&1
is "--check-config counts the policy of policies.d" "$(cat "$TMP/check.out")" \
    "$CONF: configuration is valid (1 policy)"
if ! start_stepped_agent dir "$URI" --config "$CONF" || ! wait_http "$port" /-/ready 200 10; then
    not_ok "agent becomes ready" "$AGENT_LOG"
    done_testing
fi
ok "agent becomes ready"
like "the policy of policies.d is configured" "$AGENT_LOG" '^<6>policy: 1 policy configured$'
if step_until 4 metric_is "$port" "$OK_SERIES" 1; then
    ok "the policy of policies.d restarted the crashed domain (at $NOW s, the crash at 1 s)"
else
    not_ok "the policy of policies.d restarted the crashed domain" "$AGENT_LOG"
fi
is "one restart counted" "$(scrape_value "$port" "$ATTEMPTS")" 1

# ---- 2. bad policy files: the whole reload is refused --------------------------

cat >"$PD/20-web.yaml" <<'EOF'
policies:
  - name: web
    type: restart
    bakoff: 5s
EOF
reload_rejected "typo in a policy file" 1 "$PD/20-web.yaml:4:5: unknown key 'bakoff' in$(
    ) 'policies' (expected one of: name, type, enabled, dry_run, domains,$(
    ) max_actions_per_interval, min_action_interval, backoff, backoff_max, burst,$(
    ) burst_interval)"

cat >"$PD/20-web.yaml" <<'EOF'
policies:
  - type: restart
    name: restart
    enabled: false
EOF
reload_rejected "a name used twice" 2 "$PD/20-web.yaml:3:11: policy 'restart' is already$(
    ) defined at $PD/10-restart.yaml:3:11"

cat >"$PD/20-web.yaml" <<'EOF'
policies:
  - name: restart-web
    type: restart
    domains: {names: ["web*"]}
EOF
reload_rejected "a second restart policy on the same domains" 3 "$PD/20-web.yaml:4:14:$(
    ) policy 'restart-web' may act on the domains of the restart policy 'restart'$(
    ) ($PD/10-restart.yaml:3:11): name 'web*' of 'restart-web' and every domain of$(
    ) 'restart' can be the same domain; $DISJOINT"

rm "$PD/20-web.yaml"
ln -s "$TMP/nonexistent.yaml" "$PD/30-link.yaml"
reload_rejected "a policy file that cannot be read" 4 "$PD/30-link.yaml: cannot open the$(
    ) configuration file: No such file or directory"
rm "$PD/30-link.yaml"

# a policies_dir set explicitly must be there
write_config "$CONF" "$port" "$URI" \
    "sampling:" "  interval: 200ms" "state_dir: $TMP/state" "policies_dir: other.d"
reload_rejected "a missing policies_dir" 5 "$CONF:9:15: cannot read policies_dir$(
    ) '$TMP/other.d': No such file or directory"
is "refused reloads: last reload not successful" \
    "$(scrape_value "$port" xvirt_config_last_reload_successful)" 0

# ---- 3. leftovers are ignored; a good reload keeps the bookkeeping ---------------

write_config "$CONF" "$port" "$URI" \
    "sampling:" "  interval: 200ms" "state_dir: $TMP/state"
printf 'policies: [\n' >"$PD/10-restart.yaml~"
printf 'policies: [\n' >"$PD/.10-restart.yaml.swp"
printf 'policies: [\n' >"$PD/README"
mkdir "$PD/old.yaml"
cat >"$PD/20-web.yaml" <<'EOF'
policies:
  - name: restart-web
    type: restart
    enabled: false
EOF
kill -HUP "$AGENT_PID"
if wait_for 5 reloads 1 5; then ok "good reload: accepted, leftovers ignored"
else not_ok "good reload: accepted, leftovers ignored" "$TMP/r.prom" "$AGENT_LOG"; fi
is "good reload: the bookkeeping is kept" "$(scrape_value "$port" "$ATTEMPTS")" 1
"$XVIRT_AGENT" --check-config "$CONF" >"$TMP/check.out" 2>&1
is "--check-config: both policy files count" "$(cat "$TMP/check.out")" \
    "$CONF: configuration is valid (2 policies)"
grep -q "^restart uuid=${U}01 total=1 " "$TMP/state/policy-state"
check "good reload: the bookkeeping file still has the restart" test $? -eq 0

kill -TERM "$AGENT_PID"
wait_exit "$AGENT_PID" 10
is "SIGTERM: exit status 0" "$EXIT_STATUS" 0
grep -E '^<[0-4]>' "$AGENT_LOG" | grep -Ev '^<3>config: ' >"$TMP/unexpected.log"
if [ -s "$TMP/unexpected.log" ]; then
    not_ok "no warnings or errors but the refused reloads" "$TMP/unexpected.log"
else
    ok "no warnings or errors but the refused reloads"
fi

done_testing
