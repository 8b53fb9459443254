#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# reload_test.sh: SIGHUP reloads of xvirt-agent's configuration, as TAP.
#
# A good file takes effect at once (collectors, interval, listen port), even
# when the running interval is long; a bad file is rejected with its
# file:line:col error and the running configuration stays in force; the
# reload metrics count both. The agent runs on the stepped clock (its node
# has no scripted events, so it steps alone): a reload's sample is due at
# once, and "no new sample in 1.2 s" is 1.2 s of its clock.
WATCHDOG=120
. "$(dirname "${BASH_SOURCE[0]}")/agent_common.sh"

NODE=test://$DATA/node-small.xml
CONF=$TMP/agent.yaml
port=$(free_port)
VCPU_SERIES=3          # alpha 2 + beta 1 (gamma is shut off)

# config INTERVAL VCPU-ENABLED [PORT]: rewrites $CONF.
config() {
    write_config "$CONF" "${3:-$port}" "$NODE" \
        "sampling:" "  interval: $1" "  events: false" "  collectors:" "    vcpu: $2" \
        "logging:" "  level: info"
}

# reloads SUCCESS FAILURE: true once the counters have these values.
reloads() {
    scrape "$port" "$TMP/r.prom" >/dev/null &&
        [ "$(metric "$TMP/r.prom" 'xvirt_config_reloads_total{result="success"}')" = "$1" ] &&
        [ "$(metric "$TMP/r.prom" 'xvirt_config_reloads_total{result="failure"}')" = "$2" ]
}

vcpu_series() {
    count_series "$1" 'xvirt_vcpu_[a-z_]+\{'
}

# no_vcpu_families / vcpu_families: on a fresh scrape.
no_vcpu_families() {
    scrape "$port" "$TMP/v.prom" >/dev/null && [ "$(vcpu_series "$TMP/v.prom")" -eq 0 ]
}
vcpu_families() {
    scrape "$port" "$TMP/v.prom" >/dev/null &&
        [ "$(count_series "$TMP/v.prom" 'xvirt_vcpu_state\{')" -eq "$VCPU_SERIES" ]
}

sample_ts() {
    scrape_value "$port" xvirt_sample_timestamp_seconds
}

# reload N: SIGHUP; waits for the Nth reload to be counted (success or
# failure), then for the sample a good one asks for.
reload() {
    kill -HUP "$AGENT_PID"
    wait_log_count "$AGENT_LOG" '^<[35]>config: (reloaded|reload rejected)' "$1" 10
    step 0s
}

# ---- 1. start: interval 200ms, every collector --------------------------------

config 200ms true
if ! start_stepped_agent reload "" --config "$CONF" || ! wait_http "$port" /-/ready 200 10; then
    not_ok "agent starts and becomes ready" "$AGENT_LOG"
    done_testing
fi
ok "agent starts and becomes ready"

scrape "$port" "$TMP/s1.prom" >/dev/null
is "start: vcpu_state series of the 3 running vcpus" \
    "$(count_series "$TMP/s1.prom" 'xvirt_vcpu_state\{')" "$VCPU_SERIES"
is "start: vcpu collector reported" \
    "$(metric "$TMP/s1.prom" 'xvirt_scrape_collector_success{collector="vcpu"}')" 1
is "start: reloads success 0" \
    "$(metric "$TMP/s1.prom" 'xvirt_config_reloads_total{result="success"}')" 0
is "start: reloads failure 0" \
    "$(metric "$TMP/s1.prom" 'xvirt_config_reloads_total{result="failure"}')" 0
is "start: last reload successful" \
    "$(metric "$TMP/s1.prom" xvirt_config_last_reload_successful)" 1
ts0=$(metric "$TMP/s1.prom" xvirt_config_last_reload_success_timestamp_seconds)
t1=$(sample_ts)
before=$SEQ
step 500ms
t2=$(sample_ts)
cmp_num "start: samples every 200ms (timestamp moves in 0.5 s)" "$t2" ">" "$t1"
is "start: two samples in 0.5 s" "$SEQ" $((before + 2))

# ---- 2. a long interval --------------------------------------------------------

config 1h true
step 100ms      # a reload timestamp distinct from the start
reload 1
if wait_for 5 reloads 1 0; then ok "interval 1h: reload counted as success"
else not_ok "interval 1h: reload counted as success" "$TMP/r.prom" "$AGENT_LOG"; fi
like "interval 1h: logged" "$AGENT_LOG" '^<5>config: reloaded$'
scrape "$port" "$TMP/s2.prom" >/dev/null
is "interval 1h: last reload successful" \
    "$(metric "$TMP/s2.prom" xvirt_config_last_reload_successful)" 1
ts1=$(metric "$TMP/s2.prom" xvirt_config_last_reload_success_timestamp_seconds)
cmp_num "interval 1h: reload success timestamp moved" "$ts1" ">" "$ts0"
cmp_num "interval 1h: reload success timestamp is now" "$ts1" ">" "$(($(date +%s) - 10))"
t1=$(sample_ts)
before=$SEQ
step 1200ms
t2=$(sample_ts)
is "interval 1h: no new sample in 1.2 s" "$t2 $SEQ" "$t1 $before"
cmp_num "interval 1h: snapshot ages past 1 s" \
    "$(scrape_value "$port" xvirt_snapshot_age_seconds)" ">" 1

# ---- 3. back to 200ms without the vcpu collector: applies at once ------------------

config 200ms false
before=$SEQ
reload 2
if wait_for 5 reloads 2 0; then ok "vcpu off: reload counted as success"
else not_ok "vcpu off: reload counted as success" "$TMP/r.prom" "$AGENT_LOG"; fi
# the sampler must not sit out the old 1h interval before using the new
# file: the reload's sample comes with no time passing
if [ "$SEQ" = $((before + 1)) ] && no_vcpu_families; then
    ok "vcpu off: vcpu families vanish at once (the reload's sample, at $NOW s)"
else
    not_ok "vcpu off: vcpu families vanish at once (the reload's sample)" \
        "seq $SEQ (before $before)" "$(vcpu_series "$TMP/v.prom") vcpu series still there"
fi
scrape "$port" "$TMP/s3.prom" >/dev/null
is "vcpu off: no vcpu collector metrics" \
    "$(count_series "$TMP/s3.prom" 'xvirt_scrape_collector_[a-z_]+\{collector="vcpu"\}')" 0
is "vcpu off: domain series stay (3 domains)" \
    "$(count_series "$TMP/s3.prom" 'xvirt_domain_state\{')" 3
cmp_num "vcpu off: snapshot is fresh again" \
    "$(metric "$TMP/s3.prom" xvirt_snapshot_age_seconds)" "<" 1
t1=$(sample_ts)
before=$SEQ
step 500ms
cmp_num "vcpu off: samples every 200ms again" "$(sample_ts)" ">" "$t1"
is "vcpu off: two samples in 0.5 s" "$SEQ" $((before + 2))

# ---- 4. a bad file: rejected, the running configuration stays ---------------------

# re-enables vcpu, then fails on line 9 (the interval): nothing of it may
# apply
write_config "$CONF" "$port" "$NODE" \
    "sampling:" "  collectors:" "    vcpu: true" "  interval: 15" "  events: false"
ts_before=$(scrape_value "$port" xvirt_config_last_reload_success_timestamp_seconds)
before=$SEQ
reload 3
is "bad file: no sample for a rejected reload" "$SEQ" "$before"
if wait_for 5 reloads 2 1; then ok "bad file: reload counted as failure"
else not_ok "bad file: reload counted as failure" "$TMP/r.prom" "$AGENT_LOG"; fi
if grep -Fxq "<3>config: $CONF:9:13: expected a duration like 15s or 500ms, got '15'$(
    ) (add a unit: ms, s, m or h)" "$AGENT_LOG"; then
    ok "bad file: log has the file:line:col error"
else
    not_ok "bad file: log has the file:line:col error" "$AGENT_LOG"
fi
like "bad file: log says the running configuration stays" "$AGENT_LOG" \
    '^<3>config: reload rejected, the running configuration stays in force$'
scrape "$port" "$TMP/s4.prom" >/dev/null
is "bad file: last reload not successful" \
    "$(metric "$TMP/s4.prom" xvirt_config_last_reload_successful)" 0
is "bad file: success timestamp unchanged" \
    "$(metric "$TMP/s4.prom" xvirt_config_last_reload_success_timestamp_seconds)" "$ts_before"
step 1s         # 5 intervals of the old configuration
scrape "$port" "$TMP/s5.prom" >/dev/null
is "bad file: still no vcpu families (old config in force)" "$(vcpu_series "$TMP/s5.prom")" 0
is "bad file: domain series intact" "$(count_series "$TMP/s5.prom" 'xvirt_domain_state\{')" 3
cmp_num "bad file: still sampling every 200ms" \
    "$(metric "$TMP/s5.prom" xvirt_snapshot_age_seconds)" "<" 1
is "bad file: /-/healthy 200" "$(http_code "$port" /-/healthy)" 200

# A file that is gone is a failure too.
mv "$CONF" "$CONF.away"
reload 4
if wait_for 5 reloads 2 2; then ok "missing file: reload counted as failure"
else not_ok "missing file: reload counted as failure" "$TMP/r.prom"; fi
like "missing file: logged with its name" "$AGENT_LOG" \
    "^<3>config: $CONF: cannot open the configuration file: No such file or directory$"

# ---- 5. fixed: vcpu back -------------------------------------------------------

config 200ms true
reload 5
if wait_for 5 reloads 3 2; then ok "fixed file: reload counted as success (3)"
else not_ok "fixed file: reload counted as success (3)" "$TMP/r.prom" "$AGENT_LOG"; fi
is "fixed file: last reload successful again" \
    "$(scrape_value "$port" xvirt_config_last_reload_successful)" 1
if vcpu_families; then ok "fixed file: vcpu families are back (the reload's sample)"
else not_ok "fixed file: vcpu families are back (the reload's sample)" "$TMP/v.prom"; fi

# ---- 6. a new listen port ---------------------------------------------------------

port2=$(free_port)
config 200ms true "$port2"
kill -HUP "$AGENT_PID"
if wait_http "$port2" /-/ready 200 5; then ok "new port: served after SIGHUP"
else not_ok "new port: served after SIGHUP" "$AGENT_LOG"; fi
is "new port: the old one is closed" "$(http_code "$port" /-/healthy)" 000
is "new port: reloads success 4" \
    "$(scrape_value "$port2" 'xvirt_config_reloads_total{result="success"}')" 4

# A port taken by someone else: rejected, the current port stays.
python3 -c 'import socket, sys, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(1); print("bound", flush=True); time.sleep(60)' \
    "$port" >"$TMP/blocker.out" 2>&1 &
HELPER_PIDS+=($!)
wait_for 5 grep -q bound "$TMP/blocker.out"
config 200ms true "$port"
kill -HUP "$AGENT_PID"
if wait_for 5 grep -q "<3>http: cannot listen on 127.0.0.1:$port" "$AGENT_LOG"; then
    ok "busy port: the bind error is logged"
else
    not_ok "busy port: the bind error is logged" "$AGENT_LOG"
fi
port_save=$port
port=$port2
if wait_for 5 reloads 4 3; then ok "busy port: reload counted as failure"
else not_ok "busy port: reload counted as failure" "$TMP/r.prom"; fi
is "busy port: still served on the current port" "$(http_code "$port2" /metrics)" 200
port=$port_save

# ---- the end ---------------------------------------------------------------------

kill -TERM "$AGENT_PID"
wait_exit "$AGENT_PID" 10
is "SIGTERM: exit status 0" "$EXIT_STATUS" 0
grep -E '^<[0-4]>' "$AGENT_LOG" | grep -Ev '^<3>(config: |http: cannot listen on )' \
    >"$TMP/unexpected.log"
if [ -s "$TMP/unexpected.log" ]; then
    not_ok "no warnings or errors but the expected ones" "$TMP/unexpected.log"
else
    ok "no warnings or errors but the expected ones"
fi

done_testing
