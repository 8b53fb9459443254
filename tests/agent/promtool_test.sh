#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# promtool_test.sh: the live agent's /metrics passes Prometheus's own linter (TAP).
#
# Starts xvirt-agent on config/test-node.xml and on test:///default, scrapes
# /metrics in both formats and checks:
#   - text 0.0.4: `promtool check metrics` prints nothing and exits 0;
#   - OpenMetrics 1.0.0: the body ends with exactly one "# EOF" line, and the
#     strict parser of python3-prometheus-client accepts it;
#   - both: every family has exactly one HELP and one TYPE line, before its
#     samples, which form one group (tests/agent/expofamilies.py);
#   - a few known values, so that an empty exposition cannot pass.
# The promtool checks are skipped (and only they) when promtool is missing
# (Debian package prometheus); the OpenMetrics parser check when
# python3-prometheus-client is.
#
# Environment: XVIRT_AGENT, XV_TEST_DATADIR, XV_TEST_SRCDIR (from meson).

WATCHDOG=90
# shellcheck source=agent_common.sh
. "$(dirname "$0")/agent_common.sh"

SRCDIR=${XV_TEST_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
FAMILIES=$(dirname "$0")/expofamilies.py
PY=/usr/bin/python3     # Debian's, which has python3-prometheus-client
OM_ACCEPT='Accept: application/openmetrics-text; version=1.0.0'

PROMTOOL=$(command -v promtool || true)
have_omparser=false
"$PY" -c 'import prometheus_client.openmetrics.parser' >/dev/null 2>&1 && have_omparser=true

# promtool_clean NAME FILE: promtool accepts FILE and has nothing to say.
promtool_clean() {
    local name=$1 file=$2 rc
    if [ -z "$PROMTOOL" ]; then
        ok "$name # SKIP promtool not installed (Debian package prometheus)"
        return
    fi
    "$PROMTOOL" check metrics <"$file" >"$TMP/promtool.out" 2>&1
    rc=$?
    if [ "$rc" -eq 0 ] && [ ! -s "$TMP/promtool.out" ]; then
        ok "$name"
    else
        not_ok "$name" "promtool exit status $rc, output:" "$TMP/promtool.out"
    fi
}

# families NAME FORMAT FILE
families() {
    if python3 "$FAMILIES" "$2" "$3" >"$TMP/families.out" 2>&1; then
        ok "$1 ($(cat "$TMP/families.out"))"
    else
        not_ok "$1" "$TMP/families.out"
    fi
}

# om_parse NAME FILE: the strict OpenMetrics parser accepts FILE.
om_parse() {
    if ! $have_omparser; then
        ok "$1 # SKIP python3-prometheus-client not installed"
        return
    fi
    if "$PY" - "$2" >"$TMP/om.out" 2>&1 <<'EOF'
import sys
from prometheus_client.openmetrics.parser import text_string_to_metric_families
with open(sys.argv[1], encoding="utf-8") as f:
    fams = list(text_string_to_metric_families(f.read()))
if len(fams) < 10:
    sys.exit(f"only {len(fams)} families parsed")
EOF
    then
        ok "$1"
    else
        not_ok "$1" "$TMP/om.out"
    fi
}

# ---- the checkers can fail --------------------------------------------------

printf '# TYPE bad counter\nbad 1\n' >"$TMP/bad.prom"
if [ -z "$PROMTOOL" ]; then
    ok "promtool objects to a counter without HELP and _total # SKIP promtool not installed"
elif "$PROMTOOL" check metrics <"$TMP/bad.prom" >"$TMP/bad.out" 2>&1 &&
    [ ! -s "$TMP/bad.out" ]; then
    not_ok "promtool objects to a counter without HELP and _total" "it said nothing"
else
    ok "promtool objects to a counter without HELP and _total"
fi
printf '# HELP a x\n# TYPE a gauge\na 1\n# HELP b y\n# TYPE b gauge\nb 1\na 2\n# HELP b z\n' \
    >"$TMP/bad-families.prom"
if python3 "$FAMILIES" text "$TMP/bad-families.prom" >"$TMP/bad.out" 2>&1; then
    not_ok "the family checker objects to a second HELP and a split group" "$TMP/bad.out"
else
    is "the family checker objects to a second HELP and a split group" \
        "$(wc -l <"$TMP/bad.out")" 3
fi

# ---- the agent on two hosts -------------------------------------------------

# run_case NAME URI: starts an agent on URI, leaves the two scrapes in
# $TMP/NAME.prom and $TMP/NAME.om and checks them; the agent is stopped.
run_case() {
    local name=$1 uri=$2 port ctype status
    port=$(free_port)
    write_config "$TMP/$name.yaml" "$port" "$uri"
    start_agent "$name" --config "$TMP/$name.yaml"
    if ! wait_http "$port" /-/ready 200 20; then
        not_ok "$name: the agent is ready" "$AGENT_LOG"
        return 1
    fi
    ok "$name: the agent is ready"

    ctype=$(curl -s -o "$TMP/$name.prom" -w '%{http_code} %{content_type}' --max-time 10 \
        "http://127.0.0.1:$port/metrics")
    is "$name: text scrape is 200 text/plain 0.0.4" "$ctype" \
        "200 text/plain; version=0.0.4; charset=utf-8"
    promtool_clean "$name: promtool check metrics prints nothing and exits 0" "$TMP/$name.prom"
    families "$name: text: one HELP and one TYPE per family" text "$TMP/$name.prom"

    ctype=$(curl -s -o "$TMP/$name.om" -w '%{http_code} %{content_type}' --max-time 10 \
        -H "$OM_ACCEPT" "http://127.0.0.1:$port/metrics")
    is "$name: OpenMetrics scrape is 200 application/openmetrics-text 1.0.0" "$ctype" \
        "200 application/openmetrics-text; version=1.0.0; charset=utf-8"
    is "$name: OpenMetrics ends with '# EOF' and a newline" \
        "$(tail -c 6 "$TMP/$name.om" | od -An -c | tr -s ' ')" " # E O F \n"
    is "$name: OpenMetrics has exactly one '# EOF' line" "$(grep -c '^# EOF$' "$TMP/$name.om")" 1
    families "$name: OpenMetrics: one HELP and one TYPE per family" openmetrics "$TMP/$name.om"
    om_parse "$name: the strict OpenMetrics parser accepts the scrape" "$TMP/$name.om"
    is "$name: both formats carry the same samples" \
        "$(grep -vc '^#' "$TMP/$name.om")" "$(grep -vc '^#' "$TMP/$name.prom")"

    kill -TERM "$AGENT_PID"
    wait_exit "$AGENT_PID" 10
    status=$EXIT_STATUS
    is "$name: the agent exits 0 on SIGTERM" "$status" 0
}

NODE=test://$SRCDIR/config/test-node.xml
if run_case node "$NODE"; then
    web='domain="web01",uuid="5b1c2a7e-3f4d-4c8a-9e21-0d6f8a1b2c01"'
    build='domain="build01",uuid="5b1c2a7e-3f4d-4c8a-9e21-0d6f8a1b2c05"'
    is "node: web01 is running (1)" "$(metric "$TMP/node.prom" "xvirt_domain_state{$web}")" 1
    is "node: build01 is shut off (5)" "$(metric "$TMP/node.prom" "xvirt_domain_state{$build}")" 5
    is "node: 5 domains" "$(metric "$TMP/node.prom" xvirt_domains)" 5
    is "node: 9 vcpus of 4 running domains" \
        "$(count_series "$TMP/node.prom" 'xvirt_vcpu_cpu_seconds_total\{')" 9
fi

if run_case default test:///default; then
    t='domain="test",uuid="6695eb01-f6a4-8304-79aa-97f2502e193f"'
    is "default: domain test is running (1)" \
        "$(metric "$TMP/default.prom" "xvirt_domain_state{$t}")" 1
    is "default: domain test has 2 vcpus" \
        "$(count_series "$TMP/default.prom" "xvirt_vcpu_state\\{$t")" 2
    like "default: xvirt_build_info is there" "$TMP/default.prom" '^xvirt_build_info\{'
fi

done_testing
