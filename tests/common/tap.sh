# SPDX-License-Identifier: LGPL-2.1-or-later
# shellcheck shell=sh disable=SC3043  # local: bash, dash and busybox sh have it
# tap.sh: the TAP helpers of every shell test, sourced. POSIX sh plus `local`:
# bash runs the tests here, busybox sh runs the Xen lab's (tests/xen/, shipped
# beside them into dom0 by tests/xen/run-lab-suite); tests/common/tap_test.sh
# checks it under bash, dash and busybox sh.
#
# Counters: ntests (checks so far), nfailed, nskipped, ntodo (TODO checks
# that failed: known gaps, which do not fail the script).
# TAP_FILE: when set, every line is also appended to that file (the lab prints
# the clean stream again at the end, as the console mixes Xen's lines in).
#
# Locals are named tap_*: a command that check or todo runs sees them (shell
# variables are scoped dynamically).
#
# Diagnostics are TAP comments: "# text" for diag, and "#   detail" (indented)
# under a failed check. A DETAIL argument of not_ok is a line of text, or the
# name of a file, whose first 40 lines are shown.

ntests=0
nfailed=0
nskipped=0
ntodo=0

# tap_out LINE...: prints each LINE (and appends it to TAP_FILE).
tap_out() {
    if [ -n "${TAP_FILE:-}" ]; then
        printf '%s\n' "$@" | tee -a "$TAP_FILE"
    else
        printf '%s\n' "$@"
    fi
}

# tap_details DETAIL...: the DETAILs of a failed check, as indented comments.
tap_details() {
    local tap_d
    for tap_d in "$@"; do
        [ -n "$tap_d" ] || continue
        if [ -f "$tap_d" ]; then
            head -n 40 "$tap_d"
        else
            printf '%s\n' "$tap_d"
        fi
    done | sed 's/^/#   /' | tap_out_stdin
}

# tap_out_stdin: tap_out for the lines read on stdin.
tap_out_stdin() {
    if [ -n "${TAP_FILE:-}" ]; then tee -a "$TAP_FILE"; else cat; fi
}

# ok NAME: a passed check.
ok() {
    ntests=$((ntests + 1))
    tap_out "ok $ntests - $1"
}

# not_ok NAME [DETAIL...]: a failed check; each DETAIL is a line or a file.
not_ok() {
    local tap_name="$1"
    ntests=$((ntests + 1))
    nfailed=$((nfailed + 1))
    tap_out "not ok $ntests - $tap_name"
    shift
    tap_details "$@"
}

# skip NAME REASON: a check that could not run here.
skip() {
    ntests=$((ntests + 1))
    nskipped=$((nskipped + 1))
    tap_out "ok $ntests - $1 # SKIP $2"
}

# todo NAME REASON COMMAND...: a known gap. COMMAND failing is "not ok ... # TODO",
# which does not fail the script; COMMAND passing says the TODO can go.
todo() {
    local tap_name="$1" tap_why="$2"
    shift 2
    ntests=$((ntests + 1))
    if "$@" >/dev/null 2>&1; then
        tap_out "ok $ntests - $tap_name # TODO $tap_why (passes now: drop the TODO)"
    else
        ntodo=$((ntodo + 1))
        tap_out "not ok $ntests - $tap_name # TODO $tap_why"
    fi
}

# diag TEXT...: the words of TEXT as comment lines ("# ...").
diag() {
    printf '%s\n' "$*" | sed 's/^/# /' | tap_out_stdin
}

# diag_file FILE...: the whole of each FILE that exists, as comment lines.
diag_file() {
    local tap_f
    for tap_f in "$@"; do
        [ -f "$tap_f" ] && sed 's/^/# /' "$tap_f" | tap_out_stdin
    done
    return 0
}

# check NAME COMMAND...: ok if COMMAND succeeds (in a subshell: it cannot set
# variables); else not ok with the command and its output.
check() {
    local tap_name="$1" tap_got
    shift
    if tap_got=$("$@" 2>&1); then
        ok "$tap_name"
    else
        not_ok "$tap_name" "command failed: $*" "$tap_got"
    fi
}

# is NAME GOT EXPECTED: the two strings are equal.
is() {
    if [ "$2" = "$3" ]; then
        ok "$1"
    else
        not_ok "$1" "got:      '$2'" "expected: '$3'"
    fi
}

# like NAME FILE REGEX (grep -E): FILE has a line matching REGEX.
like() {
    if grep -Eq -- "$3" "$2"; then
        ok "$1"
    else
        not_ok "$1" "no line matches: $3" "$2"
    fi
}

# unlike NAME FILE REGEX: no line of FILE matches REGEX.
unlike() {
    if grep -Eq -- "$3" "$2"; then
        not_ok "$1" "unexpected line(s):" "$(grep -E -- "$3" "$2" | head -n 5)"
    else
        ok "$1"
    fi
}

# cmp_num NAME GOT OP LIMIT (OP as in awk: < <= > >= == !=); GOT and LIMIT
# are numbers, not expressions: compute a bound first.
cmp_num() {
    if [ -n "$2" ] && awk -v a="$2" -v b="$4" "BEGIN { exit !((a + 0) $3 (b + 0)) }"; then
        ok "$1"
    else
        not_ok "$1" "got '$2', expected $3 $4"
    fi
}

# bail_out REASON...: the script cannot go on; ends it with status 1.
bail_out() {
    tap_out "Bail out! $*"
    exit 1
}

# skip_all REASON...: nothing can be checked here; ends the script with status 0.
skip_all() {
    tap_out "1..0 # SKIP $*"
    exit 0
}

# tap_plan: prints the plan, "1..N", at the end of the stream.
tap_plan() {
    tap_out "1..$ntests"
}

# done_testing [N]: the plan, then ends the script: status 1 when a check
# failed. N: the number of checks the script makes whatever happens; another
# number is one more failed check.
done_testing() {
    if [ $# -gt 0 ] && [ "$ntests" -ne "$1" ]; then
        not_ok "the script made its $1 checks" "it made $ntests"
    fi
    tap_plan
    [ "$nfailed" -eq 0 ]
    exit
}
