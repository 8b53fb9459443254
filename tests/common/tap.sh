# SPDX-License-Identifier: LGPL-2.1-or-later
# tap.sh: TAP output for the shell tests, sourced. ok/not_ok count the checks;
# tap_done prints the plan and exits non-zero when one failed.

ntests=0
nfailed=0

ok() {
    ntests=$((ntests + 1))
    echo "ok $ntests - $1"
}

# not_ok NAME [DIAGNOSTIC-FILE]: the file's first 40 lines follow as comments.
not_ok() {
    ntests=$((ntests + 1))
    nfailed=$((nfailed + 1))
    echo "not ok $ntests - $1"
    if [ -n "${2:-}" ] && [ -s "$2" ]; then
        head -n 40 "$2" | sed 's/^/# /'
    fi
}

tap_done() {
    echo "1..$ntests"
    [ "$nfailed" -eq 0 ]
    exit
}
