# SPDX-License-Identifier: LGPL-2.1-or-later
# shellcheck shell=sh
# lab_common.sh: what the two dom0 scripts of the Xen lab (in-dom0.sh and
# policy-in-dom0.sh) share, sourced from /inject (the current directory), where
# run-lab-suite ships it with tests/common/tap.sh. POSIX sh (dom0 has only busybox).
# The script sets TAP_FILE (its clean TAP copy) and W (its work folder, made
# anew here) first, and ends with lab_end.

HERE=$(pwd)
[ -f ./lab.env ] && . ./lab.env
PATH=$HERE/bin:$PATH
export PATH
# shellcheck disable=SC2034  # TRACE and WAITED: for the scripts
TRACE=${XVIRT_LAB_TRACE:-0}
rm -rf "$W"
mkdir -p "$W"

# ------------------------------------------------------------------ TAP
# ok, not_ok, skip, todo, check, is, diag...; every line goes to TAP_FILE too.
: >"$TAP_FILE"
# shellcheck source=../common/tap.sh
. ./tap.sh

# lab_end [DIAG...]: the last section: xl list, the plan, the DIAG lines and the
# counts, then the whole TAP stream again between XVIRT-TAP-BEGIN and
# XVIRT-TAP-END (Xen shares the serial line: the copy is the clean one); ends
# the script, 1 when a check failed.
lab_end() {
    section "end"
    diag "xl list at the end:" "$(xl list)"
    tap_plan
    for le_ in "$@"; do diag "$le_"; done
    diag "$((ntests - nfailed - nskipped - ntodo)) passed, $nfailed failed, $nskipped skipped," \
        "$ntodo known gaps (TODO); checks took $(since "$T_START")s"
    echo "XVIRT-TAP-BEGIN"
    cat "$TAP_FILE"
    echo "XVIRT-TAP-END"
    [ "$nfailed" = 0 ]
    exit
}

# ------------------------------------------------------------------ time
up() { cut -d' ' -f1 /proc/uptime; }
since() { echo "$(up) $1" | awk '{printf "%.1f", $1 - $2}'; }
T_START=$(up)
T_SECTION=$T_START
SECTION=""
# section NAME: a diagnostic line at each section, with the time the last one took
section() {
    [ -z "$SECTION" ] || diag "($SECTION took $(since "$T_SECTION")s)"
    SECTION=$1; T_SECTION=$(up)
    diag "--- $1 (t=$(since "$T_START")s)"
}
# waitfor SECS COMMAND...: polls COMMAND every 0.5 s for up to SECS seconds; WAITED =
# seconds taken
waitfor() {
    ws_=$1; shift; wt_=$(up)
    # bounded by the time passed, not by a count of tries: a slow COMMAND (xl
    # under TCG on a busy host takes seconds) must not stretch SECS tenfold
    while :; do
        if "$@" >/dev/null 2>&1; then WAITED=$(since "$wt_"); return 0; fi
        awk -v a="$wt_" -v b="$(up)" -v s="$ws_" 'BEGIN {exit !(b - a >= s)}' && break
        sleep 0.5
    done
    # shellcheck disable=SC2034
    WAITED=$(since "$wt_"); return 1
}

# ------------------------------------------------------------------ xl
xlf() { xl list "$1" 2>/dev/null | awk -v f="$2" 'NR == 2 {print $f}'; }  # 2 id 3 MiB 4 vcpus 5 state
xluuid() { xl list -v "$1" 2>/dev/null | awk 'NR == 2 {print $7}'; }
xlhas() { xl list "$1" >/dev/null 2>&1; }
xlgone() { ! xlhas "$1"; }
xlstate_has() { case $(xlf "$1" 5) in *"$2"*) return 0 ;; esac; return 1; }
# banners NAME: how many times the domU's init printed its banner
banners() { bc_=$(grep -c "XENLAB-DOMU: $1 up," "/var/log/xen/console/guest-$1.log" 2>/dev/null); echo "${bc_:-0}"; }
booted() { [ "$(banners "$1")" -ge "$2" ]; }   # booted NAME COUNT: COUNT init banners
# xl vcpu-list DOM -> "vcpu cpu state hard-affinity" lines
xlvcpus() { xl vcpu-list "$1" 2>/dev/null | awk 'NR > 1 {print $3, $4, $5, $7}'; }
# an xl or agent CPU list ("all", "1", "0-1", "0,2-3") -> a "y-" map of NCPU
ynmap() {
    echo "$1" | awk -v n="$NCPU" '{
        for (i = 0; i < n; i++) m[i] = 0
        if ($0 == "all") for (i = 0; i < n; i++) m[i] = 1
        else { k = split($0, p, ",")
            for (j = 1; j <= k; j++)
                if (split(p[j], r, "-") == 2) { for (i = r[1]; i <= r[2]; i++) m[i] = 1 }
                else m[p[j] + 0] = 1 }
        s = ""; for (i = 0; i < n; i++) s = s (m[i] ? "y" : "-"); print s }'
}

# ------------------------------------------------------------------ the agent's /metrics
# scrape: the agent at AGENT_URL, into $W/metrics
# (busybox 1.35's static wget crashes with -T, so timeout bounds it)
scrape() {
    timeout 10 wget -q -O - "$AGENT_URL/metrics" >"$W/metrics.new" 2>/dev/null &&
        mv "$W/metrics.new" "$W/metrics"
}
# metric NAME [LABEL=VALUE]...: the value of the first series of the last scrape
# that has all these labels ("" if none)
metric() {
    mn_=$1; shift
    awk -v name="$mn_" -v want="$*" '
        index($0, name "{") == 1 || index($0, name " ") == 1 {
            k = split(want, w, " "); hit = 1
            for (i = 1; i <= k; i++) {
                split(w[i], kv, "="); if (index($0, kv[1] "=\"" kv[2] "\"") == 0) hit = 0 }
            if (hit) {print $NF; exit} }' "$W/metrics" 2>/dev/null
}
num() { awk -v v="$1" 'BEGIN {printf "%.0f", v}'; }   # 1.3e+08 -> 130000000
