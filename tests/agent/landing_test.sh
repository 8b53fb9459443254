#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# landing_test.sh: the landing page ("/") and /-/ready of xvirt-agent, as
# TAP, on the stepped clock.
#
# 1. /-/ready: 503 with the reason while the hypervisor has never answered
#    (a node file that is not there yet), 200 once a sample reached it, and
#    still 200 after it is lost again (a reload onto a node that cannot be
#    opened): ready means the agent can serve, as Prometheus's /-/ready;
#    xen:/// on a host without Xen: the agent starts, and is not ready
# 2. the landing page rendered by headless Chromium at a phone's width
#    (412x900): version, URI, domains by state, the dry-run restart policy
#    and its last action, the last actions, a hostile domain name shown as
#    text. The screenshots are kept in the build directory
#    (tests/artefacts/landing.png, the first screen, and landing-full.png,
#    the whole page at the same width; the paths are printed as diag lines).
#
# Needs chromium (Debian package chromium, installed by scripts/deps): the
# script is skipped only when it is missing ("1..0 # SKIP", which meson's
# TAP reader counts as skipped; exit status 77 would be an error under
# protocol tap). CHROMIUM names another binary.
WATCHDOG=300
. "$(dirname "${BASH_SOURCE[0]}")/agent_common.sh"

CHROMIUM=${CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}
if [ -z "$CHROMIUM" ] || [ ! -x "$CHROMIUM" ]; then
    skip_all "chromium not installed (Debian package chromium, see scripts/deps)"
fi
ARTEFACTS=${XV_TEST_BUILDDIR:-$TMP}/tests/artefacts
mkdir -p "$ARTEFACTS"

# "xvirt-agent, version 0.1.0 (branch: ..., revision: ...)"
VERSION=$("$XVIRT_AGENT" --version | sed -n '1s/^xvirt-agent, version \([^ ]*\) .*/\1/p')

# landing PORT FILE: GET / with its headers into FILE and FILE.hdr
landing() {
    curl -s -D "$2.hdr" -o "$2" --max-time 10 "http://127.0.0.1:$1/"
}

# browser ARGS... URL: headless Chromium (root in CI: no sandbox), its own
# profile, no network of its own; bounded in time.
browser() {
    timeout 120 "$CHROMIUM" --headless=new --no-sandbox --disable-gpu \
        --user-data-dir="$TMP/chromium" --no-first-run --no-default-browser-check \
        --disable-background-networking --disable-component-update --disable-sync \
        --hide-scrollbars "$@" 2>>"$TMP/chromium.log"
}

# ---- 1. /-/ready ---------------------------------------------------------------

port=$(free_port)
write_config "$TMP/ready.yaml" "$port" "test://$TMP/later.xml" "sampling:" "  interval: 1s"
if ! start_stepped_agent ready "" --config "$TMP/ready.yaml"; then
    bail_out "the agent does not start on a node that cannot be opened: $(cat "$AGENT_LOG")"
fi
is "never answered: /-/ready 503" "$(http_code "$port" /-/ready)" 503
curl -s -o "$TMP/ready.txt" "http://127.0.0.1:$port/-/ready"
like "never answered: /-/ready says why, with the library's error" "$TMP/ready.txt" \
    "^xvirt-agent is not ready: the hypervisor has never answered: .*later\\.xml"
is "never answered: /-/healthy 200" "$(http_code "$port" /-/healthy)" 200
landing "$port" "$TMP/down.html"
like "never answered: the landing page says the hypervisor is down" "$TMP/down.html" \
    '<td id="hypervisor"><span class="bad">down</span>.*later\.xml'
like "never answered: the landing page says not ready" "$TMP/down.html" \
    '<td id="ready"><span class="bad">no</span>'

# the node appears: the next sample (the agent retries every interval) reaches it
cp "$DATA/node-small.xml" "$TMP/later.xml"
step 1s
is "answered: /-/ready 200" "$(http_code "$port" /-/ready)" 200
is "answered: /-/ready says so" "$(curl -s "http://127.0.0.1:$port/-/ready")" \
    "xvirt-agent is ready."
landing "$port" "$TMP/up.html"
like "answered: the landing page says up" "$TMP/up.html" \
    '<td id="hypervisor"><span class="ok">up</span>'

# lost again: a reload onto a node that cannot be opened
write_config "$TMP/ready.yaml" "$port" "test://$TMP/gone.xml" "sampling:" "  interval: 1s"
kill -HUP "$AGENT_PID"
wait_log "$AGENT_LOG" '^<5>config: reloaded' 10
step 0s
is "lost: xvirt_hypervisor_up 0" "$(scrape_value "$port" xvirt_hypervisor_up)" 0
is "lost: /-/ready still 200 (it answered once)" "$(http_code "$port" /-/ready)" 200
landing "$port" "$TMP/lost.html"
like "lost: the landing page says down, and why" "$TMP/lost.html" \
    '<td id="hypervisor"><span class="bad">down</span>.*gone\.xml'
kill -TERM "$AGENT_PID"
wait_exit "$AGENT_PID" 10
is "part 1: exit status 0" "$EXIT_STATUS" 0

# xen:/// on a host that is no Xen dom0 (CI): the agent starts, not ready
if [ -e /proc/xen ] || [ -e /dev/xen/privcmd ]; then
    skip "no Xen: /-/ready 503 with the Xen driver's reason" "this host runs on Xen"
else
    port=$(free_port)
    write_config "$TMP/xen.yaml" "$port" "xen:///"
    start_stepped_agent xen "" --config "$TMP/xen.yaml"
    code=$(curl -s -o "$TMP/xen.txt" -w '%{http_code}' "http://127.0.0.1:$port/-/ready")
    like "no Xen: /-/ready 503 with the Xen driver's reason" "$TMP/xen.txt" \
        '^xvirt-agent is not ready: the hypervisor has never answered: .*Xen'
    is "no Xen: the reason came with a 503" "$code" 503
    kill -TERM "$AGENT_PID"
    wait_exit "$AGENT_PID" 10
fi

# ---- 2. the landing page in a browser ---------------------------------------------

port=$(free_port)
uri="test://$DATA/node-landing.xml?journal=$TMP/journal-landing"
write_config "$TMP/landing.yaml" "$port" "$uri" \
    "sampling:" "  interval: 200ms" "  events: false" "state_dir: $TMP/state" "policies:" \
    "  - name: restart-dry" "    type: restart" "    dry_run: true" \
    "    domains:" "      names: [\"web*\", \"<b>*\"]" "    backoff: 5s"
STEP_BY=200ms
# 2026-12-06 03:00:00Z: the actions' times are known to the second
CLOCK_START=1796526000000
if ! start_stepped_agent landing "$uri" --config "$TMP/landing.yaml"; then
    bail_out "the agent does not start: $(cat "$AGENT_LOG")"
fi
CLOCK_START=
DRY='xvirt_policy_actions_total{policy="restart-dry",action="restart",result="dry_run"}'
# both crash at 1 s: one dry run each in the sample that sees it
if ! step_until 3 metric_is "$port" "$DRY" 2; then
    not_ok "the dry run acts on both crashed domains" "$AGENT_LOG"
fi
is "the dry run acted in the sample at 1 s" "$NOW" 1.000

landing "$port" "$TMP/landing.html"
like "GET /: text/html; charset=utf-8" "$TMP/landing.html.hdr" \
    '^Content-Type: text/html; charset=utf-8'

url="http://127.0.0.1:$port/"
browser --dump-dom "$url" >"$TMP/dom.html"
if [ ! -s "$TMP/dom.html" ]; then
    diag_file "$TMP/chromium.log"
    bail_out "chromium rendered nothing"
fi
D=$TMP/dom.html
like "rendered: the title" "$D" '<h1>xvirt agent</h1>'
like "rendered: the version" "$D" "<td id=\"version\">$VERSION <span"
like "rendered: the URI" "$D" \
    "<code id=\"uri\">test://$DATA/node-landing\\.xml\\?journal=$TMP/journal-landing</code>"
like "rendered: the hypervisor up" "$D" '<td id="hypervisor"><span class="ok">up</span>'
like "rendered: ready" "$D" '<td id="ready"><span class="ok">yes</span></td>'
like "rendered: the snapshot" "$D" '<td id="snapshot">sample [0-9]+, '
like "rendered: 5 domains" "$D" '<p id="domains-total">5 domains\.</p>'
like "rendered: 1 running" "$D" 'id="domains-running">1<'
like "rendered: 0 blocked" "$D" 'id="domains-blocked">0<'
like "rendered: 1 paused" "$D" 'id="domains-paused">1<'
like "rendered: 0 shutdown" "$D" 'id="domains-shutdown">0<'
like "rendered: 1 shutoff" "$D" 'id="domains-shutoff">1<'
like "rendered: 2 crashed" "$D" 'id="domains-crashed">2<'
like "rendered: the domain collector succeeded" "$D" \
    '<td>domain</td><td class="ok">succeeded</td>'
# the policy: name, type, selection (a glob with markup, as text), mode, its
# last action (web01 sorts after the other)
# (the cells' labels: their columns' heads, for a narrow screen)
like "rendered: the policy row" "$D" \
    '<tr><td class="name" data-label="Policy">restart-dry</td><td data-label="Type">restart</td><td data-label="Domains">names: web\*, &lt;b&gt;\*</td><td class="dry" data-label="Mode">dry run</td><td data-label="Last action">2026-12-06 03:00:01Z <span class="dry">restart dry_run</span> on web01</td></tr>'
like "rendered: the action on web01" "$D" \
    '<tr><td class="t name" data-label="Time">2026-12-06 03:00:01Z</td><td data-label="Policy">restart-dry</td><td data-label="Domain">web01</td><td data-label="Action">restart</td><td class="dry" data-label="Result">dry_run</td><td class="d" data-label="Detail">reason=crashed crashed\(id [0-9]+\)-&gt;running\(dry run\)</td></tr>'
like "rendered: the action on the hostile name, as text" "$D" \
    "<td data-label=\"Domain\">&lt;b&gt;\"x'&amp;</td><td data-label=\"Action\">restart</td>"
is "rendered: two actions" "$(grep -c '<tr><td class="t name"' "$D")" 2
unlike "rendered: no element made of a name" "$D" '<b[^a-z]'
unlike "rendered: no script" "$D" '<script'
like "rendered: the metrics link" "$D" '<a id="metrics-link" href="\./metrics">'

browser --screenshot="$ARTEFACTS/landing.png" --window-size=412,900 "$url" >/dev/null
if [ -s "$ARTEFACTS/landing.png" ]; then
    ok "screenshot at a phone's width"
    diag "screenshot kept: $ARTEFACTS/landing.png"
else
    not_ok "screenshot at a phone's width" "$(cat "$TMP/chromium.log")"
fi
# png_size FILE: "WIDTHxHEIGHT" of a PNG, or "not a PNG"
png_size() {
    python3 - "$1" <<'PY'
import struct, sys
try:
    data = open(sys.argv[1], "rb").read(24)
except OSError:
    data = b""
ok = data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
print("%dx%d" % struct.unpack(">II", data[16:24]) if ok else "not a PNG")
PY
}
is "screenshot: a 412x900 PNG" "$(png_size "$ARTEFACTS/landing.png")" 412x900
# the whole page at the same width, for a person to look at
browser --screenshot="$ARTEFACTS/landing-full.png" --window-size=412,2400 "$url" >/dev/null
is "screenshot of the whole page: a 412x2400 PNG" "$(png_size "$ARTEFACTS/landing-full.png")" \
    412x2400
diag "whole page: $ARTEFACTS/landing-full.png"

kill -TERM "$AGENT_PID"
wait_exit "$AGENT_PID" 10
is "part 2: exit status 0" "$EXIT_STATUS" 0

done_testing
