#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# policy_balloon_test.sh: the balloon policy of xvirt-agent on the test
# driver, as TAP. The simulated node lives inside the agent process, so the
# outcome is read from the agent's /metrics (every scrape is recorded and
# checked) and log; xvirsh reads the same node file in its own process to
# check the starting picture the scenario relies on.
#
# node-balloon.xml, an 8 GiB host (see the file for the timeline):
# 1. host pressure rising: web01 and web02 give memory back until the host
#    is at the low watermark; db01 (priority 50) gives nothing while they
#    have slack; it settles (no action while inside the band)
# 2. more pressure than the floors allow: every domain stops at its floor
#    (256 MiB, db01 512 MiB), never below, in any scrape
# 3. pressure easing, guests content: nothing grows
# 4. the guests' demand rises: they grow back to max_memory (896 MiB),
#    never above, and settle; plain (no guest data) and tiny (maxMem below
#    its floor, warned once) are never touched
# 5. dry_run: nothing touched, actions counted as dry_run, targets shown
WATCHDOG=150
. "$(dirname "${BASH_SOURCE[0]}")/agent_common.sh"

PDATA=$DATA/policy
NODE=$PDATA/node-balloon.xml
U=f0000000-0000-4000-8000-0000000000
MIB=1048576
lbl() {
    echo "domain=\"$1\",uuid=\"$U$2\""
}
mem_series() {
    echo "xvirt_domain_memory_bytes{$(lbl "$1" "$2")}"
}
target_series() {
    echo "xvirt_policy_balloon_target_bytes{policy=\"balloon\",$(lbl "$1" "$2")}"
}
actions_series() {
    echo "xvirt_policy_actions_total{policy=\"balloon\",action=\"setmem\",result=\"$1\"}"
}
FREE=xvirt_node_memory_free_bytes
OK_SERIES=$(actions_series ok)

# start_balloon_agent NAME [POLICY-LINES...]
start_balloon_agent() {
    local name=$1
    shift
    port=$(free_port)
    write_config "$TMP/$name.yaml" "$port" "test://$NODE" \
        "sampling:" "  interval: 200ms" "state_dir: $TMP/state-$name" "policies:" \
        "  - name: balloon" "    type: balloon" \
        "    domains:" "      names: [\"*\"]" \
        "    low_watermark: 1GiB" "    high_watermark: 2GiB" "    step: 64MiB" \
        "    guest_free: 64MiB" "    min_memory: 256MiB" "    max_memory: 896MiB" \
        "    overrides:" \
        "      - domains: {names: [db01]}" "        min_memory: 512MiB" "        priority: 50" \
        "      - domains: {names: [tiny]}" "        min_memory: 384MiB" \
        "$@"
    t0=$(now)
    start_agent "$name" --config "$TMP/$name.yaml"
    if ! wait_http "$port" /-/ready 200 10; then
        not_ok "$name: agent becomes ready" "$AGENT_LOG"
        done_testing
    fi
}

stop_agent() {
    kill -TERM "$AGENT_PID"
    wait_exit "$AGENT_PID" 10
    is "$1: exit status 0" "$EXIT_STATUS" 0
}

value() {
    metric "$TMP/last.prom" "$1"
}

# record: scrapes once and appends a row to $ROWS:
#   elapsed web01 web02 db01 plain tiny free ok
record() {
    scrape "$port" "$TMP/last.prom" >/dev/null
    echo "$(elapsed_since "$t0") $(value "$(mem_series web01 21)") $(value "$(mem_series web02 22)")" \
        "$(value "$(mem_series db01 23)") $(value "$(mem_series plain 24)")" \
        "$(value "$(mem_series tiny 25)") $(value "$FREE") $(value "$OK_SERIES")" >>"$ROWS"
}

# mem_is WEB01 WEB02 DB01 (MiB): records a scrape; true if they have these sizes.
mem_is() {
    record
    [ "$(value "$(mem_series web01 21)")" = $(($1 * MIB)) ] &&
        [ "$(value "$(mem_series web02 22)")" = $(($2 * MIB)) ] &&
        [ "$(value "$(mem_series db01 23)")" = $(($3 * MIB)) ]
}

# free_above BYTES: records a scrape; true if the host's free memory is above.
free_above() {
    record
    [ "$(value "$FREE")" -gt "$1" ] 2>/dev/null
}

# settled NAME SECONDS: records for SECONDS; ok if no setmem action was taken.
settled() {
    local before after start
    record
    before=$(value "$OK_SERIES")
    start=$(now)
    while awk -v e="$(elapsed_since "$start")" -v l="$2" 'BEGIN { exit !(e < l) }'; do
        record
        sleep 0.05
    done
    after=$(value "$OK_SERIES")
    is "$1: settled, no action for $2 s" "$after" "$before"
}

# ---- the starting picture, as xvirsh reads the same node file ----------------

XVIRSH=${XVIRSH:-}
if [ -n "$XVIRSH" ] && [ -x "$XVIRSH" ]; then
    is "xvirsh: the host starts with 5.25 GiB free" \
        "$("$XVIRSH" -c "test://$NODE" freecell 2>&1)" "Total: 5505024 KiB"
    is "xvirsh: web01's guest uses 128 of its 768 MiB" \
        "$("$XVIRSH" -c "test://$NODE" dommemstat web01 2>&1 | tr '\n' ' ')" \
        "unused 655360 available 786432 actual 786432 usable 655360  "
    is "xvirsh: plain's guest reports nothing" \
        "$("$XVIRSH" -c "test://$NODE" dommemstat plain 2>&1 | tr '\n' ' ')" "actual 262144  "
else
    diag "XVIRSH not set: the starting picture is not checked with xvirsh"
fi

# ---- 1. pressure rising: the band is reached, priority respected --------------

ROWS=$TMP/rows1
: >"$ROWS"
start_balloon_agent balloon
record
is "start: 5.25 GiB free, nothing to do" "$(value "$FREE")" $((5376 * MIB))
is "start: no action" "$(value "$OK_SERIES")" ""
is "start: guest memory exported" "$(value "xvirt_domain_memory_unused_bytes{$(lbl web01 21)}")" \
    $((640 * MIB))
if wait_for 8 mem_is 512 512 768; then
    ok "pressure: web01 and web02 shrunk to 512 MiB ($(elapsed_since "$t0") s; at 2 s the host took 4.75 GiB)"
else
    not_ok "pressure: web01 and web02 shrunk to 512 MiB" "$(tail -n 3 "$ROWS")" "$AGENT_LOG"
fi
is "pressure: the host is back at the low watermark" "$(value "$FREE")" $((1024 * MIB))
is "pressure: db01 (priority 50) gave nothing" "$(value "$(mem_series db01 23)")" $((768 * MIB))
is "pressure: 8 steps of 64 MiB" "$(value "$OK_SERIES")" 8
is "pressure: web01's target is shown" "$(value "$(target_series web01 21)")" $((512 * MIB))
like "pressure: each step is logged with before -> after" "$AGENT_LOG" \
    "^<5>policy=balloon domain=web01 uuid=${U}21 action=setmem reason=host_low result=ok 786432KiB->720896KiB$"
settled "inside the band" 1.2

# ---- 2. more pressure than the floors allow -----------------------------------

if wait_for 8 mem_is 256 256 512; then
    ok "floors: every domain at its floor ($(elapsed_since "$t0") s; at 6 s the host took 5.625 GiB)"
else
    not_ok "floors: every domain at its floor" "$(tail -n 3 "$ROWS")" "$AGENT_LOG"
fi
settled "floors" 1.2
is "floors: the host stays under the low watermark" "$(value "$FREE")" $((896 * MIB))
is "floors: 20 steps in all" "$(value "$OK_SERIES")" 20
is "floors: db01's target is its floor" "$(value "$(target_series db01 23)")" $((512 * MIB))

# ---- 3. pressure easing, guests content: nothing grows ------------------------

if wait_for 8 free_above $((4 * 1024 * MIB)); then
    ok "easing: the host has $(($(value "$FREE") / MIB)) MiB free ($(elapsed_since "$t0") s)"
else
    not_ok "easing: the host has more than 4 GiB free" "$(tail -n 3 "$ROWS")"
fi
settled "easing, guests content" 1
is "easing: still at the floors" "$(value "$(mem_series web01 21)") $(value "$(mem_series db01 23)")" \
    "$((256 * MIB)) $((512 * MIB))"

# ---- 4. the guests want more: they grow back, never above max_memory -----------

if wait_for 8 mem_is 896 896 896; then
    ok "demand: web01, web02 and db01 grown back to max_memory 896 MiB ($(elapsed_since "$t0") s)"
else
    not_ok "demand: grown back to 896 MiB" "$(tail -n 3 "$ROWS")" "$AGENT_LOG"
fi
like "demand: growth is logged with its reason" "$AGENT_LOG" \
    "^<5>policy=balloon domain=web01 uuid=${U}21 action=setmem reason=host_high_guest_pressure result=ok 262144KiB->327680KiB$"
settled "at max_memory" 2
is "demand: 46 steps in all" "$(value "$OK_SERIES")" 46
cmp_num "demand: the host stays above the high watermark" "$(value "$FREE")" ">" $((2048 * MIB))
is "demand: no failed or skipped action" \
    "$(value "$(actions_series failed)")$(value "$(actions_series skipped)")" ""
is "demand: targets at max_memory" \
    "$(value "$(target_series web02 22)") $(value "$(target_series db01 23)")" \
    "$((896 * MIB)) $((896 * MIB))"

# every scrape of parts 1-4
is "every scrape: web01 and web02 never under 256 MiB, db01 never under 512 MiB" \
    "$(awk -v m=$MIB '$2 < 256 * m || $3 < 256 * m || $4 < 512 * m' "$ROWS" | head -n 3)" ""
is "every scrape: none above max_memory 896 MiB" \
    "$(awk -v m=$MIB '$2 > 896 * m || $3 > 896 * m || $4 > 896 * m' "$ROWS" | head -n 3)" ""
is "every scrape: plain (no guest data) and tiny (in conflict) untouched" \
    "$(awk '{ print $5, $6 }' "$ROWS" | sort -u)" "$((256 * MIB)) $((256 * MIB))"
cmp_num "scrapes recorded" "$(wc -l <"$ROWS")" ">" 100
is "no action on plain or tiny" "$(grep -c 'domain=plain\|domain=tiny.*result=' "$AGENT_LOG")" 0
like "tiny: the conflict is logged" "$AGENT_LOG" \
    "^<4>policy=balloon domain=tiny uuid=${U}25 action=setmem: left alone: its min_memory 384MiB is above its maximum memory 256MiB$"
is "tiny: logged once, not every interval" "$(grep -c 'domain=tiny' "$AGENT_LOG")" 1
if ! command -v promtool >/dev/null ||
    promtool_out=$(promtool check metrics <"$TMP/last.prom" 2>&1); then
    ok "promtool accepts the balloon families"
else
    not_ok "promtool accepts the balloon families" "$promtool_out"
fi
stop_agent "parts 1-4"

# ---- 5. dry run ------------------------------------------------------------------

ROWS=$TMP/rows5
: >"$ROWS"
start_balloon_agent dry "    dry_run: true"
DRY=$(actions_series dry_run)
dry_seen() {
    record
    [ "$(value "$DRY")" -ge 4 ] 2>/dev/null
}
if wait_for 8 dry_seen; then
    ok "dry run: actions counted as dry_run ($(value "$DRY") by $(elapsed_since "$t0") s)"
else
    not_ok "dry run: actions counted as dry_run" "$AGENT_LOG"
fi
sleep 0.5
record
is "dry run: no ok action" "$(value "$OK_SERIES")" ""
is "dry run: the target it would set is shown" "$(value "$(target_series web01 21)")" \
    $((704 * MIB))
is "dry run: every scrape shows the domains untouched" \
    "$(awk '{ print $2, $3, $4 }' "$ROWS" | sort -u)" "$((768 * MIB)) $((768 * MIB)) $((768 * MIB))"
is "dry run: the host stays under the low watermark" "$(value "$FREE")" $((512 * MIB))
like "dry run: logged" "$AGENT_LOG" \
    "^<5>policy=balloon domain=web01 uuid=${U}21 action=setmem reason=host_low result=dry_run 786432KiB->720896KiB$"
stop_agent "part 5"

done_testing
