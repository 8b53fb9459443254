#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# promtool_test.sh: checks the rendered expositions with real parsers (TAP):
# text 0.0.4 with `promtool check metrics` (parser + lint), OpenMetrics
# 1.0.0 with the strict parser of python3-prometheus-client.
# Usage: promtool_test.sh PATH/TO/promrender
set -uo pipefail

promrender=${1:?usage: promtool_test.sh PATH/TO/promrender}
datadir=${XV_TEST_DATADIR:-$(dirname "$0")/../data}
python=/usr/bin/python3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# shellcheck source=../common/tap.sh
. "$(dirname "${BASH_SOURCE[0]}")/../common/tap.sh"

have_promtool=false
command -v promtool >/dev/null 2>&1 && have_promtool=true
have_omparser=false
"$python" -c 'import prometheus_client.openmetrics.parser' >/dev/null 2>&1 && have_omparser=true

# promtool_check NAME FILE: passes when promtool accepts FILE with no remark.
promtool_check() {
    local name=$1 file=$2
    if ! $have_promtool; then
        skip "$name" "promtool not installed (Debian package prometheus)"
        return
    fi
    if promtool check metrics <"$file" >"$tmp/out" 2>&1 && [ ! -s "$tmp/out" ]; then
        ok "$name"
    else
        not_ok "$name"
        diag_file "$tmp/out"
    fi
}

# om_check NAME FILE: passes when the OpenMetrics parser accepts FILE.
om_check() {
    local name=$1 file=$2
    if ! $have_omparser; then
        skip "$name" "python3-prometheus-client not installed"
        return
    fi
    if "$python" - "$file" >"$tmp/out" 2>&1 <<'EOF'
import sys
from prometheus_client.openmetrics.parser import text_string_to_metric_families
with open(sys.argv[1], encoding="utf-8") as f:
    families = list(text_string_to_metric_families(f.read()))
if not families:
    sys.exit("no metric family parsed")
EOF
    then
        ok "$name"
    else
        not_ok "$name"
        diag_file "$tmp/out"
    fi
}

# The checkers must reject a bad exposition, or the checks below prove nothing.
printf '# TYPE bad counter\nbad 1\n' >"$tmp/bad.prom"
if ! $have_promtool; then
    skip "promtool rejects a counter without _total and HELP" "promtool not installed"
elif promtool check metrics <"$tmp/bad.prom" >/dev/null 2>&1; then
    not_ok "promtool rejects a counter without _total and HELP"
else
    ok "promtool rejects a counter without _total and HELP"
fi
printf '# TYPE bad counter\nbad_total 1\n' >"$tmp/bad.om"
if ! $have_omparser; then
    skip "the OpenMetrics parser rejects an exposition without its EOF line" \
        "python3-prometheus-client not installed"
elif "$python" -c 'import sys
from prometheus_client.openmetrics.parser import text_string_to_metric_families
list(text_string_to_metric_families(open(sys.argv[1]).read()))' "$tmp/bad.om" >/dev/null 2>&1; then
    not_ok "the OpenMetrics parser rejects an exposition without its EOF line"
else
    ok "the OpenMetrics parser rejects an exposition without its EOF line"
fi

for fixture in golden down large; do
    for fmt in text openmetrics; do
        out="$tmp/$fixture.$fmt"
        if ! "$promrender" "$fmt" "$fixture" >"$out" 2>"$tmp/err"; then
            not_ok "promrender renders the $fixture fixture as $fmt"
            diag_file "$tmp/err"
            continue
        fi
        if [ "$fmt" = text ]; then
            promtool_check "promtool accepts the $fixture fixture as text 0.0.4" "$out"
        else
            om_check "the OpenMetrics parser accepts the $fixture fixture" "$out"
        fi
    done
done

# The goldens the unit tests compare with are valid expositions too.
promtool_check "promtool accepts the golden text exposition" "$datadir/exporters/golden.prom"
om_check "the OpenMetrics parser accepts the golden OpenMetrics exposition" \
    "$datadir/exporters/golden.om"

done_testing
