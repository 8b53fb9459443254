#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# unit_test.sh: the systemd unit meson generates (packaging/
# xvirt-agent.service.in -> build/packaging/xvirt-agent.service), as TAP.
#
#   - `systemd-analyze verify` finds nothing to say about it (ExecStart
#     pointed at the agent just built, its man page on a private MANPATH,
#     as they are once installed);
#   - `systemd-analyze security --offline=true` rates its exposure at most
#     MAX_EXPOSURE, the figure the unit reached (README, "The systemd
#     unit"), and what it still reports exposed is the README's list:
#     removing a hardening setting fails this test;
#   - Type=notify and WatchdogSec= when the agent speaks sd_notify (not
#     built with -Dsystemd=disabled), Type=exec without it (a Type=notify unit would wait
#     for a READY=1 that never comes).
# systemd-analyze comes from Debian's systemd package (scripts/deps); a
# missing one is a failure.
#
# Environment: XVIRT_AGENT, XV_TEST_BUILDDIR, XV_TEST_SRCDIR, XV_WITH_SYSTEMD.

WATCHDOG=120
# shellcheck source=../agent/agent_common.sh
. "$(dirname "$0")/../agent/agent_common.sh"

MAX_EXPOSURE=1.9
UNIT_IN=$XV_TEST_BUILDDIR/packaging/xvirt-agent.service
UNIT=$TMP/xvirt-agent.service

if ! command -v systemd-analyze >/dev/null; then
    bail_out "systemd-analyze is missing: install systemd (scripts/deps)"
fi
check "the generated unit exists" test -f "$UNIT_IN"
sed "s|^ExecStart=[^ ]*|ExecStart=$XVIRT_AGENT|" "$UNIT_IN" >"$UNIT"
mkdir -p "$TMP/man/man8"
cp "$XV_TEST_SRCDIR/packaging/xvirt-agent.8" "$TMP/man/man8/"

out=$(MANPATH=$TMP/man SYSTEMD_LOG_LEVEL=notice systemd-analyze verify "$UNIT" 2>&1)
rc=$?
is "systemd-analyze verify: exit 0" "$rc" 0
is "systemd-analyze verify: nothing to say" "$out" ""

# (LC_ALL=C: "-" marks an exposure, "+" a setting that passed)
systemd-analyze security --offline=true --no-pager "$UNIT" >"$TMP/security.out" 2>&1
score=$(sed -nE 's/.*Overall exposure level for xvirt-agent\.service: ([0-9]+\.[0-9]+).*/\1/p' \
    "$TMP/security.out")
if [ -z "$score" ]; then
    not_ok "systemd-analyze security rates the unit" "$TMP/security.out"
else
    cmp_num "exposure $score at most $MAX_EXPOSURE" "$score" "<=" "$MAX_EXPOSURE"
fi
# The score moves in tenths: one setting removed may not show in it. The
# exposures themselves, each explained in the README, are the list below:
# any other one is a setting gone.
EXPECTED_EXPOSURES='DeviceAllow=
IPAddressDeny=
PrivateDevices=
PrivateNetwork=
PrivateUsers=
ProcSubset=
RestrictAddressFamilies=~AF_(INET|INET6)
RestrictAddressFamilies=~AF_UNIX
RootDirectory=/RootImage=
SystemCallFilter=~@resources
User=/DynamicUser='
exposures=$(awk '$1 == "-" { print $2 }' "$TMP/security.out" | LC_ALL=C sort)
is "the exposures are the documented ones" "$exposures" "$EXPECTED_EXPOSURES"

# the ordering after Debian's Xen (Wants= and After= of units that may be absent)
like "ordered after Debian 12's xen.service" "$UNIT" '^After=.*\bxen\.service\b'
like "ordered after proc-xen.mount" "$UNIT" '^After=.*\bproc-xen\.mount\b'
unlike "no unit Debian does not ship" "$UNIT" 'xenstored\.service|xen-init-dom0\.service'

if [ "${XV_WITH_SYSTEMD:-0}" = 1 ]; then
    like "Type=notify (the agent speaks sd_notify)" "$UNIT" '^Type=notify$'
    like "WatchdogSec= set" "$UNIT" '^WatchdogSec=[0-9]+s$'
else
    like "Type=exec (an agent without sd_notify)" "$UNIT" '^Type=exec$'
    unlike "no WatchdogSec=" "$UNIT" '^WatchdogSec='
fi
done_testing
