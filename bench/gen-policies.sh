#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# gen-policies.sh COUNT KIND [LAST]: prints an agent configuration with
# COUNT enabled restart policies p0..pCOUNT-1 of disjoint domains, on
# test:///default. KIND "names": vm-I and "tenant-I-*" alternately (exact
# names and globs with their own literal prefix); KIND "uuids": one UUID
# each (a UUID may meet any name, so the kinds are not mixed). LAST, if
# given, is the flow sequence of names the last policy selects instead.
# Used by bench/policy_bench.sh and tests/agent/policy_parse_test.sh.
set -u
count=$1 kind=$2 last=${3:-}
printf 'connection:\n  uri: "test:///default"\npolicies:\n'
for ((i = 0; i < count; i++)); do
    printf '  - name: p%d\n    type: restart\n' "$i"
    if [ -n "$last" ] && [ "$i" -eq $((count - 1)) ]; then
        printf '    domains: {names: [%s]}\n' "$last"
    elif [ "$kind" = uuids ]; then
        printf '    domains: {uuids: [ab000000-0000-4000-8000-%012d]}\n' "$i"
    elif ((i % 2 == 0)); then
        printf '    domains: {names: [vm-%d]}\n' "$i"
    else
        printf '    domains: {names: ["tenant-%d-*"]}\n' "$i"
    fi
done
