#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# man_config_test.sh: xvirt-agent.yaml(5) and the shipped example
# (config/xvirt-agent.yaml) against the configuration parser, as TAP.
#
# The keys the parser accepts are asked of the agent itself
# (confkeys.py probe: every refusal of an unknown key lists the keys of its
# mapping, from the tables the parser checks keys against), not kept here:
# - every accepted key is documented in the page (a .TP tag, or for a
#   section of the file, a section of the page named after it); the policy
#   keys per type;
# - every key the page documents is accepted (no stale entry), except the
#   keys of PENDING, documented ahead of the parser;
# - every top-level key has a section of its own in the page;
# - the example mentions every key of the main file (policy entries aside),
#   commented-out ones included, and only keys the parser accepts (or
#   PENDING ones);
# - the files of the page's EXAMPLE section pass --check-config, the policy
#   file read from the main file's policies_dir.
#
# Environment: XVIRT_AGENT, XV_TEST_DATADIR, XV_TEST_SRCDIR (from meson).

WATCHDOG=120
# shellcheck source=../agent/agent_common.sh
. "$(dirname "$0")/../agent/agent_common.sh"

SRCDIR=${XV_TEST_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
PAGE=$SRCDIR/packaging/xvirt-agent.yaml.5
EXAMPLE=$SRCDIR/config/xvirt-agent.yaml
CONFKEYS=$SRCDIR/tests/packaging/confkeys.py

# Keys documented before the parser has them (issue 12: --web.config.file,
# --web.telemetry-path and --log.format with their keys, on another branch).
# Each must go once the parser accepts it: this script then fails until it
# does.
PENDING="listen.telemetry_path logging.format"

if ! python3 "$CONFKEYS" probe "$XVIRT_AGENT" >"$TMP/accepted" 2>"$TMP/probe.err"; then
    not_ok "the agent names the keys it accepts" "$TMP/probe.err"
    done_testing
fi
ok "the agent names the keys it accepts ($(wc -l <"$TMP/accepted") key paths)"
# shellcheck disable=SC2086  # one key a word
printf '%s\n' $PENDING | sort >"$TMP/pending"
sort -u "$TMP/accepted" "$TMP/pending" >"$TMP/known"

for p in $PENDING; do
    if grep -qxF "$p" "$TMP/accepted"; then
        not_ok "pending key $p is not accepted yet" \
            "the parser accepts it now: remove it from PENDING in $0"
    else
        ok "pending key $p is not accepted yet"
    fi
done

# ---- the page ----------------------------------------------------------------

python3 "$CONFKEYS" page "$PAGE" >"$TMP/tags"
python3 "$CONFKEYS" sections "$PAGE" >"$TMP/sections"
sort -u "$TMP/tags" "$TMP/sections" >"$TMP/documented"

is "every key the parser accepts is documented in xvirt-agent.yaml(5)" \
    "$(comm -23 "$TMP/accepted" "$TMP/documented" | tr '\n' ' ')" ""
is "every key xvirt-agent.yaml(5) documents is accepted" \
    "$(comm -23 "$TMP/tags" "$TMP/known" | tr '\n' ' ')" ""

missing=
for k in $(grep -Ev '[.[]' "$TMP/accepted"); do
    grep -qxF "$k" "$TMP/sections" || missing="$missing ${k^^}"
done
is "every top-level key has a section of its own" "$missing" ""

# ---- the example ----------------------------------------------------------------

python3 "$CONFKEYS" example "$EXAMPLE" >"$TMP/example"
grep -v '^policies\[' "$TMP/accepted" >"$TMP/main"
is "config/xvirt-agent.yaml mentions every key of the main file" \
    "$(comm -23 "$TMP/main" "$TMP/example" | tr '\n' ' ')" ""
is "config/xvirt-agent.yaml mentions only keys the parser accepts" \
    "$(comm -23 "$TMP/example" "$TMP/known" | tr '\n' ' ')" ""

# ---- the page's EXAMPLE -------------------------------------------------------------

mkdir "$TMP/etc" "$TMP/etc/policies.d"
if ! python3 "$CONFKEYS" examples "$PAGE" "$TMP/etc" >"$TMP/files" 2>&1; then
    not_ok "the page's EXAMPLE has its files" "$TMP/files"
    done_testing
fi
is "the page's EXAMPLE has the main file and a policy file" "$(tr '\n' ' ' <"$TMP/files")" \
    "xvirt-agent.yaml trial.yaml "
mv "$TMP/etc/trial.yaml" "$TMP/etc/policies.d/"
"$XVIRT_AGENT" --check-config "$TMP/etc/xvirt-agent.yaml" >"$TMP/check.out" 2>&1 </dev/null
is "the page's EXAMPLE passes --check-config, with its policy directory" \
    "$(cat "$TMP/check.out")" "$TMP/etc/xvirt-agent.yaml: configuration is valid (3 policies)"

done_testing
