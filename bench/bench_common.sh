# SPDX-License-Identifier: LGPL-2.1-or-later
# bench_common.sh: the prelude shared by the bench/*.sh scripts, sourced,
# not run. Sets HERE, PY, a private TMP (removed on exit) and OUT (default
# TMP/out); PIDS lists the processes to stop (by PID) on exit. The sourcing
# script sets BENCH_NAME (for die) first.
HERE=$(cd "$(dirname "$0")" && pwd)
PY=python3
[ -x /usr/bin/python3 ] && PY=/usr/bin/python3
export LC_ALL=C
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY no_proxy

TMP=$(mktemp -d "${TMPDIR:-/tmp}/xvbench.XXXXXX")
OUT=${OUT:-$TMP/out}
mkdir -p "$OUT"
PIDS=()
cleanup() {
    local p
    for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null; done
    for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
    rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log() { echo "# $*" >&2; }
die() { echo "${BENCH_NAME:-bench}: $*" >&2; exit 1; }
free_port() {
    "$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}
# cpu_ns PID: CPU time of all its threads from schedstat, in ns ("%.0f":
# mawk's "%d" stops at 2^31 - 1, 2.1 s)
cpu_ns() {
    cat /proc/"$1"/task/*/schedstat 2>/dev/null | awk '{ t += $1 } END { printf "%.0f\n", t }'
}
# calc EXPR: an awk expression, three decimals
calc() { awk "BEGIN { printf \"%.3f\", $1 }"; }
# kib PID FIELD: a /proc/PID/status field in KiB (VmRSS, VmHWM)
kib() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status"; }
# uss_kib PID: the process's private memory (USS: Private_Clean + Private_Dirty of
# smaps_rollup), what it costs the host beyond pages it shares with other processes
# (shared libraries' code and read-only data, counted in VmRSS too)
uss_kib() { awk '$1 == "Private_Clean:" || $1 == "Private_Dirty:" { s += $2 } END { print s }' \
    "/proc/$1/smaps_rollup"; }
# median: the median of the numbers on stdin, one a line (nothing when none)
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)] }'; }
# stats FILE: "median p99 min" in ms of the seconds in FILE (nearest rank)
stats() {
    "$PY" - "$1" <<'PYEOF'
import math, sys
v = sorted(float(x) * 1000 for x in open(sys.argv[1]) if x.strip())
rank = lambda p: v[max(0, math.ceil(p / 100 * len(v)) - 1)]
print(f"{rank(50):.3f} {rank(99):.3f} {v[0]:.3f}")
PYEOF
}
# ratio A B: A / B, two decimals below 10, none above; "-" when either is
# missing or B is not above 0
ratio() {
    awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b + 0 <= 0 || a == "-") print "-"
        else if (a / b < 10) printf "%.2f", a / b; else printf "%.0f", a / b }'
}
# verdict VALUE OP LIMIT: "ok" when VALUE OP LIMIT holds, else "MISS" (a
# missing value, "" or "-", misses)
verdict() {
    awk -v a="$1" -v b="$3" "BEGIN { exit !(a != \"\" && a != \"-\" && (a + 0) $2 (b + 0)) }" &&
        echo ok || echo MISS
}
# wait_ready URL SECONDS
wait_ready() {
    local end=$((SECONDS + $2))
    while [ "$SECONDS" -le "$end" ]; do
        [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$1")" = 200 ] && return 0
        sleep 0.1
    done
    return 1
}
