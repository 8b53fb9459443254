#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# policy_balloon_test.sh: the balloon policy of xvirt-agent on the test
# driver, as TAP. The agent and xvirsh share one simulated node through a
# journal (test:///NODE?journal=PATH, a fresh one per agent), on the
# stepped clock, one 200 ms sample at a time: the outcome is read from the
# agent's /metrics (every sample is scraped, recorded and checked) and
# log, and with xvirsh in other processes: after every step a round of
# dominfo, freecell and dommemstat is recorded, and the script checks the
# settled states and the end with xvirsh against /metrics.
#
# node-balloon.xml, an 8 GiB host (see the file for the timeline):
# 1. host pressure rising: web01 and web02 give memory back until the host
#    is at the low watermark; db01 (priority 50) gives nothing while they
#    have slack; it settles (no action while inside the band)
# 2. more pressure than the floors allow: every domain stops at its floor
#    (256 MiB, db01 512 MiB), never below, in any scrape or xvirsh sample
# 3. pressure easing, guests content: nothing grows
# 4. the guests' demand rises: they grow back to max_memory (896 MiB),
#    never above, and settle; plain (no guest data) and tiny (maxMem below
#    its floor, warned once) are never touched; xvirsh, /metrics and the
#    policy's targets agree at the end
# 5. dry_run: nothing touched (per /metrics and per xvirsh), actions counted
#    as dry_run, targets shown
WATCHDOG=150
. "$(dirname "${BASH_SOURCE[0]}")/agent_common.sh"

: "${XVIRSH:?XVIRSH must name the xvirsh binary}"
PDATA=$DATA/policy
NODE=$PDATA/node-balloon.xml
U=f0000000-0000-4000-8000-0000000000
MIB=1048576
KIB=1024
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

STEP_BY=200ms

# start_balloon_agent NAME URI [POLICY-LINES...]
start_balloon_agent() {
    local name=$1 uri=$2
    shift 2
    port=$(free_port)
    write_config "$TMP/$name.yaml" "$port" "$uri" \
        "sampling:" "  interval: 200ms" "state_dir: $TMP/state-$name" "policies:" \
        "  - name: balloon" "    type: balloon" \
        "    domains:" "      names: [\"*\"]" \
        "    low_watermark: 1GiB" "    high_watermark: 2GiB" "    step: 64MiB" \
        "    guest_free: 64MiB" "    min_memory: 256MiB" "    max_memory: 896MiB" \
        "    overrides:" \
        "      - domains: {names: [db01]}" "        min_memory: 512MiB" "        priority: 50" \
        "      - domains: {names: [tiny]}" "        min_memory: 384MiB" \
        "$@"
    if ! start_stepped_agent "$name" "$uri" --config "$TMP/$name.yaml" ||
        ! wait_http "$port" /-/ready 200 10; then
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
#   time web01 web02 db01 plain tiny free ok seq (ok is absent until the first
#   action: seq is the last field)
record() {
    scrape "$port" "$TMP/last.prom" >/dev/null
    echo "$NOW $(value "$(mem_series web01 21)") $(value "$(mem_series web02 22)")" \
        "$(value "$(mem_series db01 23)") $(value "$(mem_series plain 24)")" \
        "$(value "$(mem_series tiny 25)") $(value "$FREE") $(value "$OK_SERIES") $SEQ" >>"$ROWS"
}

# every_sample_recorded: "N 0" when the rows show the samples 1 to N, each
# (scraped once or more), in order.
every_sample_recorded() {
    awk '{ print $NF }' "$ROWS" | uniq | awk '$1 != NR { bad++ } END { print NR, bad + 0 }'
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

# settled NAME SECONDS: records each sample of SECONDS; ok if no setmem
# action was taken.
settled() {
    local before after
    record
    before=$(value "$OK_SERIES")
    step_for "$2" record
    after=$(value "$OK_SERIES")
    is "$1: settled, no action for $2 s" "$after" "$before"
}

# ---- xvirsh, in processes of its own on the shared node -----------------------

# xv URI ARGS...: the output and errors of one xvirsh call on one line, each
# run of spaces and newlines squeezed to one space.
xv() {
    local uri=$1
    shift
    "$XVIRSH" -c "$uri" "$@" 2>&1 | tr -s ' \n' ' ' | sed 's/ $//'
}

# xv_num URI FIELD[,FIELD...] ARGS...: the numbers after "FIELD:" (dominfo,
# freecell) or "FIELD " (dommemstat) in the output of xvirsh ARGS, in the
# order asked, space-separated; "ERR" for each one absent.
xv_num() {
    local uri=$1 fields=$2
    shift 2
    "$XVIRSH" -c "$uri" "$@" 2>/dev/null | awk -v fs="$fields" '
        BEGIN { n = split(fs, f, ",") }
        {
            for (i = 1; i <= n; i++) {
                if (index($0, f[i] ":") == 1 || index($0, f[i] " ") == 1) {
                    line = $0
                    sub("^" f[i] ":? *", "", line)
                    split(line, w, " ")
                    v[i] = w[1] + 0
                }
            }
        }
        END {
            for (i = 1; i <= n; i++)
                printf "%s%s", (i in v) ? v[i] : "ERR", i < n ? " " : "\n"
        }'
}

# xv_used URI DOM, xv_max URI DOM, xv_free URI (KiB, per xvirsh)
xv_used() {
    xv_num "$1" "Used memory" dominfo "$2"
}
xv_max() {
    xv_num "$1" "Max memory" dominfo "$2"
}
xv_free() {
    xv_num "$1" Total freecell
}

# bytes KIB: KIB (a number, or "ERR") in bytes, as /metrics shows it.
bytes() {
    case $1 in
    '' | *[!0-9]*) echo "$1" ;;
    *) echo $(($1 * KIB)) ;;
    esac
}

# start_sampler URI FILE: samples the node with xvirsh now and after every
# step, a row per round appended to FILE, until stop_sampler:
#   time web01 web01max web02 web02max db01 db01max plain plainmax
#   tiny tinymax free  (KiB; "ERR" when a call failed)
#   web01's dommemstat: unused available actual usable
start_sampler() {
    SAMPLER_URI=$1
    SAMPLER_FILE=$2
    : >"$SAMPLER_FILE"
    sampler_round
    AFTER_STEP=sampler_round
}

sampler_round() {
    local row=$NOW d
    for d in web01 web02 db01 plain tiny; do
        row="$row $(xv_num "$SAMPLER_URI" "Used memory,Max memory" dominfo $d)"
    done
    row="$row $(xv_free "$SAMPLER_URI")"
    row="$row $(xv_num "$SAMPLER_URI" unused,available,actual,usable dommemstat web01)"
    echo "$row" >>"$SAMPLER_FILE"
}

# stop_sampler: no more rounds.
stop_sampler() {
    AFTER_STEP=
}

# samples_where FILE AWK-CONDITION: the first 3 sampled rows matching the
# condition (fields as start_sampler writes them; m is a MiB in KiB).
samples_where() {
    awk -v m=$KIB "$2" "$1" | head -n 3
}

# samples_moving FILE FROM TO down|up: the sampled rows of [FROM, TO) s in
# which web01, web02 or db01 moved against the direction (grew while going
# down, shrank while going up); the first 3, each after the row before it.
samples_moving() {
    awk -v from="$2" -v to="$3" -v dir="$4" '
        $1 < from || $1 >= to { next }
        n++ {
            for (c = 2; c <= 6; c += 2) {
                if ((dir == "down" && $c > p[c]) || (dir == "up" && $c < p[c])) {
                    print prev; print; bad++; break
                }
            }
        }
        { for (c = 2; c <= 6; c += 2) p[c] = $c; prev = $0 }
        bad >= 3 { exit }' "$1"
}

# xv_agrees URI NAME UUID-SUFFIX: "xvirsh /metrics target" for the domain's
# current memory in bytes (the target, if the policy shows one).
xv_agrees() {
    local used
    used=$(xv_used "$1" "$2")
    echo "$(bytes "$used") $(value "$(mem_series "$2" "$3")")" \
        "$(value "$(target_series "$2" "$3")")" | sed 's/ $//'
}

# ---- the starting picture, as xvirsh reads the shared node ---------------------

JOURNAL1=$TMP/journal1
URI1="test://$NODE?journal=$JOURNAL1"
# xvirsh opens the journal first (the node's clock is frozen until the
# agent's steps move it)
is "xvirsh: the host starts with 5.25 GiB free" "$(xv "$URI1" freecell)" "Total: 5505024 KiB"
is "xvirsh: web01's guest uses 128 of its 768 MiB" \
    "$(xv "$URI1" dommemstat web01)" "unused 655360 available 786432 actual 786432 usable 655360"
is "xvirsh: plain's guest reports nothing" "$(xv "$URI1" dommemstat plain)" "actual 262144"
is "xvirsh: web01 may have 1 GiB" "$(xv_max "$URI1" web01)" 1048576

# ---- 1. pressure rising: the band is reached, priority respected --------------

ROWS=$TMP/rows1
: >"$ROWS"
start_balloon_agent balloon "$URI1"
start_sampler "$URI1" "$TMP/xrows1"
is "shared: the agent adopted the journal xvirsh started" \
    "$(grep -c '^XvirtTestJournal' "$JOURNAL1") $(grep -c '^epoch ' "$JOURNAL1")" "1 1"
record
is "start: 5.25 GiB free, nothing to do" "$(value "$FREE")" $((5376 * MIB))
is "start: no action (counted from 0)" "$(value "$OK_SERIES")" 0
is "start: guest memory exported" "$(value "xvirt_domain_memory_unused_bytes{$(lbl web01 21)}")" \
    $((640 * MIB))
if step_until 8 mem_is 512 512 768; then
    ok "pressure: web01 and web02 shrunk to 512 MiB ($NOW s; at 2 s the host took 4.75 GiB)"
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
# Nothing changes until 6 s: xvirsh must see what /metrics shows.
is "pressure: xvirsh shows web01, web02 and db01 at 512, 512 and 768 MiB" \
    "$(xv_used "$URI1" web01) $(xv_used "$URI1" web02) $(xv_used "$URI1" db01)" \
    "524288 524288 786432"
is "pressure: xvirsh's freecell is the low watermark, as in /metrics" \
    "$(bytes "$(xv_free "$URI1")") $(value "$FREE")" "$((1024 * MIB)) $((1024 * MIB))"

# ---- 2. more pressure than the floors allow -----------------------------------

if step_until 8 mem_is 256 256 512; then
    ok "floors: every domain at its floor ($NOW s; at 6 s the host took 5.625 GiB)"
else
    not_ok "floors: every domain at its floor" "$(tail -n 3 "$ROWS")" "$AGENT_LOG"
fi
settled "floors" 1.2
is "floors: the host stays under the low watermark" "$(value "$FREE")" $((896 * MIB))
is "floors: 20 steps in all" "$(value "$OK_SERIES")" 20
is "floors: db01's target is its floor" "$(value "$(target_series db01 23)")" $((512 * MIB))
# Until 10 s (free memory) and 12 s (domain memory) nothing changes.
is "floors: xvirsh shows web01, web02 and db01 at their floors" \
    "$(xv_used "$URI1" web01) $(xv_used "$URI1" web02) $(xv_used "$URI1" db01)" \
    "262144 262144 524288"
is "floors: xvirsh's freecell agrees with /metrics" \
    "$(bytes "$(xv_free "$URI1")")" "$(value "$FREE")"
is "floors: xvirsh's dommemstat shows web01's guest using 128 of 256 MiB" \
    "$(xv "$URI1" dommemstat web01)" "unused 131072 available 262144 actual 262144 usable 131072"

# ---- 3. pressure easing, guests content: nothing grows ------------------------

if step_until 8 free_above $((4 * 1024 * MIB)); then
    ok "easing: the host has $(($(value "$FREE") / MIB)) MiB free ($NOW s)"
else
    not_ok "easing: the host has more than 4 GiB free" "$(tail -n 3 "$ROWS")"
fi
settled "easing, guests content" 1
is "easing: still at the floors" "$(value "$(mem_series web01 21)") $(value "$(mem_series db01 23)")" \
    "$((256 * MIB)) $((512 * MIB))"
is "easing: xvirsh shows them still at the floors" \
    "$(xv_used "$URI1" web01) $(xv_used "$URI1" db01)" "262144 524288"

# ---- 4. the guests want more: they grow back, never above max_memory -----------

if step_until 8 mem_is 896 896 896; then
    ok "demand: web01, web02 and db01 grown back to max_memory 896 MiB ($NOW s)"
else
    not_ok "demand: grown back to 896 MiB" "$(tail -n 3 "$ROWS")" "$AGENT_LOG"
fi
like "demand: growth is logged with its reason" "$AGENT_LOG" \
    "^<5>policy=balloon domain=web01 uuid=${U}21 action=setmem reason=host_high_guest_pressure result=ok 262144KiB->327680KiB$"
settled "at max_memory" 2
stop_sampler
is "demand: 46 steps in all" "$(value "$OK_SERIES")" 46
cmp_num "demand: the host stays above the high watermark" "$(value "$FREE")" ">" $((2048 * MIB))
is "demand: no failed or skipped action" \
    "$(value "$(actions_series failed)") $(value "$(actions_series skipped)")" "0 0"
is "demand: targets at max_memory" \
    "$(value "$(target_series web02 22)") $(value "$(target_series db01 23)")" \
    "$((896 * MIB)) $((896 * MIB))"

# the end, settled: xvirsh, /metrics and the policy's targets agree
M896=$((896 * MIB))
is "end: web01 per xvirsh, /metrics and target" "$(xv_agrees "$URI1" web01 21)" \
    "$M896 $M896 $M896"
is "end: web02 per xvirsh, /metrics and target" "$(xv_agrees "$URI1" web02 22)" \
    "$M896 $M896 $M896"
is "end: db01 per xvirsh, /metrics and target" "$(xv_agrees "$URI1" db01 23)" \
    "$M896 $M896 $M896"
is "end: plain per xvirsh and /metrics, no target" "$(xv_agrees "$URI1" plain 24)" \
    "$((256 * MIB)) $((256 * MIB))"
is "end: tiny per xvirsh and /metrics, no target" "$(xv_agrees "$URI1" tiny 25)" \
    "$((256 * MIB)) $((256 * MIB))"
is "end: xvirsh's freecell agrees with /metrics (8 GiB - 2 GiB host - 3200 MiB)" \
    "$(bytes "$(xv_free "$URI1")") $(value "$FREE")" "$((2944 * MIB)) $((2944 * MIB))"
is "end: xvirsh's dommemstat shows web01's guest wanting more than it has" \
    "$(xv "$URI1" dommemstat web01)" "unused 0 available 917504 actual 917504 usable 0"
is "end: the journal holds the agent's 46 setmem calls" \
    "$(grep -c ' virDomainSetMemory ' "$JOURNAL1")" 46

# every scrape of parts 1-4
is "every scrape: web01 and web02 never under 256 MiB, db01 never under 512 MiB" \
    "$(awk -v m=$MIB '$2 < 256 * m || $3 < 256 * m || $4 < 512 * m' "$ROWS" | head -n 3)" ""
is "every scrape: none above max_memory 896 MiB" \
    "$(awk -v m=$MIB '$2 > 896 * m || $3 > 896 * m || $4 > 896 * m' "$ROWS" | head -n 3)" ""
is "every scrape: plain (no guest data) and tiny (in conflict) untouched" \
    "$(awk '{ print $5, $6 }' "$ROWS" | sort -u)" "$((256 * MIB)) $((256 * MIB))"
is "every sample scraped and recorded (1 to $SEQ, in order)" "$(every_sample_recorded)" "$SEQ 0"

# every xvirsh sample of parts 1-4 (columns: see start_sampler)
XROWS=$TMP/xrows1
cmp_num "xvirsh: samples taken while the agent ran ($(wc -l <"$XROWS"))" "$(wc -l <"$XROWS")" ">" 40
is "xvirsh: every call answered" "$(samples_where "$XROWS" '/ERR/')" ""
is "xvirsh: the first sample, before any pressure, shows 768 MiB each" \
    "$(head -n 1 "$XROWS" | cut -d ' ' -f 2,4,6)" "786432 786432 786432"
is "xvirsh, pressure (0-11 s): web01, web02 and db01 never grow" \
    "$(samples_moving "$XROWS" 0 11 down)" ""
is "xvirsh, pressure: the band is seen (512, 512 and 768 MiB)" \
    "$(samples_where "$XROWS" '$1 < 6 && $2 == 512 * m && $4 == 512 * m && $6 == 768 * m' |
        head -n 1 | cut -d ' ' -f 2,4,6)" "524288 524288 786432"
is "xvirsh, pressure: the floors are reached by 11 s (256, 256 and 512 MiB)" \
    "$(awk '$1 < 11' "$XROWS" | tail -n 1 | cut -d ' ' -f 2,4,6)" "262144 262144 524288"
cmp_num "xvirsh, pressure: web01 seen shrinking in steps (sizes seen of 768..256 MiB)" \
    "$(awk '$1 < 11 { print $2 }' "$XROWS" | sort -u | wc -l)" ">=" 4
is "xvirsh, every sample: web01 and web02 never under 256 MiB, db01 never under 512 MiB" \
    "$(samples_where "$XROWS" '$2 < 256 * m || $4 < 256 * m || $6 < 512 * m')" ""
is "xvirsh, demand (11 s-end): web01, web02 and db01 never shrink" \
    "$(samples_moving "$XROWS" 11 1000 up)" ""
is "xvirsh, demand: grown back to max_memory 896 MiB" \
    "$(tail -n 1 "$XROWS" | cut -d ' ' -f 2,4,6)" "917504 917504 917504"
is "xvirsh, every sample: none above max_memory 896 MiB nor their Max memory" \
    "$(samples_where "$XROWS" '$2 > 896 * m || $4 > 896 * m || $6 > 896 * m ||
        $2 > $3 || $4 > $5 || $6 > $7')" ""
is "xvirsh, every sample: Max memory untouched (1 GiB; tiny 256 MiB)" \
    "$(cut -d ' ' -f 3,5,7,9,11 "$XROWS" | sort -u)" "1048576 1048576 1048576 1048576 262144"
is "xvirsh, every sample: plain and tiny untouched" \
    "$(cut -d ' ' -f 8,10 "$XROWS" | sort -u)" "262144 262144"
is "xvirsh, every sample: the host never without free memory" \
    "$(samples_where "$XROWS" '$12 <= 0')" ""
is "xvirsh, every sample: web01's dommemstat within bounds, unused = usable = actual - demand" \
    "$(samples_where "$XROWS" '$14 != $15 || $13 != $16 || $15 < 256 * m || $15 > 896 * m ||
        ($13 != $15 - 128 * m && $13 != 0)')" ""

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
JOURNAL5=$TMP/journal5
URI5="test://$NODE?journal=$JOURNAL5"
# The agent opens this fresh journal first.
start_balloon_agent dry "$URI5" "    dry_run: true"
start_sampler "$URI5" "$TMP/xrows5"
DRY=$(actions_series dry_run)
dry_seen() {
    record
    [ "$(value "$DRY")" -ge 4 ] 2>/dev/null
}
if step_until 8 dry_seen; then
    ok "dry run: actions counted as dry_run ($(value "$DRY") by $NOW s)"
else
    not_ok "dry run: actions counted as dry_run" "$AGENT_LOG"
fi
step 600ms
record
stop_sampler
is "dry run: no ok action" "$(value "$OK_SERIES")" 0
is "dry run: the target it would set is shown" "$(value "$(target_series web01 21)")" \
    $((704 * MIB))
is "dry run: every scrape shows the domains untouched" \
    "$(awk '{ print $2, $3, $4 }' "$ROWS" | sort -u)" "$((768 * MIB)) $((768 * MIB)) $((768 * MIB))"
is "dry run: the host stays under the low watermark" "$(value "$FREE")" $((512 * MIB))
like "dry run: logged" "$AGENT_LOG" \
    "^<5>policy=balloon domain=web01 uuid=${U}21 action=setmem reason=host_low result=dry_run 786432KiB->720896KiB$"
XROWS=$TMP/xrows5
cmp_num "dry run: xvirsh samples taken while the agent ran ($(wc -l <"$XROWS"))" \
    "$(wc -l <"$XROWS")" ">" 5
is "dry run: every xvirsh sample shows the memory untouched" \
    "$(cut -d ' ' -f 2-11 "$XROWS" | sort -u)" \
    "786432 1048576 786432 1048576 786432 1048576 262144 1048576 262144 262144"
is "dry run: xvirsh at the end shows web01, web02 and db01 at 768 MiB" \
    "$(xv_used "$URI5" web01) $(xv_used "$URI5" web02) $(xv_used "$URI5" db01)" \
    "786432 786432 786432"
is "dry run: xvirsh's freecell agrees with /metrics (under the low watermark)" \
    "$(bytes "$(xv_free "$URI5")") $(value "$FREE")" "$((512 * MIB)) $((512 * MIB))"
is "dry run: no setmem call in the journal" "$(grep -c ' virDomainSetMemory ' "$JOURNAL5")" 0
stop_agent "part 5"

done_testing
