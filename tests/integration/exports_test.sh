#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# exports_test.sh: libxvirt.so exports the public API and nothing else: only
# vir* symbols, each declared in a public header, every function of the seed
# API (shared/seed/libvirt-api.txt, found beside the source tree) and the
# later libvirt calls libvirt.h declares beyond it. TAP.
#
# env: XV_TEST_SRCDIR, XV_TEST_BUILDDIR (the .so is $XV_TEST_BUILDDIR/lib/libxvirt.so)
set -u

SRCDIR=${XV_TEST_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILDDIR=${XV_TEST_BUILDDIR:-$SRCDIR/build}
SO=$BUILDDIR/lib/libxvirt.so
SEED=$SRCDIR/../shared/seed/libvirt-api.txt
NM=${NM:-nm}

# shellcheck source=../common/tap.sh
. "$(dirname "${BASH_SOURCE[0]}")/../common/tap.sh"

result() { # result DESCRIPTION OFFENDERS...: passes when there are none
    local desc=$1
    shift
    if [ $# -eq 0 ]; then
        ok "$desc"
    else
        not_ok "$desc" "$@"
    fi
}

if [ ! -f "$SO" ]; then
    not_ok "$SO exists"
    done_testing
fi
ok "libxvirt.so exists"

# "TYPE NAME" for every defined dynamic symbol of the public version node,
# version suffix removed. The version nodes themselves (absolute symbols
# named like XVIRT_0.1) are not exports; the XVIRT_PRIVATE_0.1 node (the
# driver modules' private calls, lib/driver.h) is checked on its own below.
mapfile -t syms < <("$NM" -D --defined-only "$SO" |
                    awk '{ t = $(NF-1); s = $NF; if (s ~ /@XVIRT_PRIVATE_/) next;
                           sub(/@.*/, "", s); if (t != "A") print t, s }' | sort -u)
mapfile -t private < <("$NM" -D --defined-only "$SO" |
                       awk '{ s = $NF; if (s !~ /@+XVIRT_PRIVATE_/) next;
                              sub(/@.*/, "", s); print s }' | sort -u)
names=()
funcs=()
for line in "${syms[@]}"; do
    names+=("${line#* }")
    case ${line%% *} in
        T|t|W|i) funcs+=("${line#* }") ;;
    esac
done
if [ ${#names[@]} -gt 0 ]; then
    ok "libxvirt.so exports symbols (${#names[@]})"
else
    not_ok "libxvirt.so exports symbols"
fi

bad=()
for s in "${names[@]}"; do
    [[ $s == vir* ]] || bad+=("$s")
done
result "only vir* symbols are exported" "${bad[@]}"

bad=()
for s in "${names[@]}"; do
    [[ $s == xv* || $s == XV* || $s == _xv* ]] && bad+=("$s")
done
result "no xv* symbols are exported" "${bad[@]}"

bad=()
for s in "${names[@]}"; do
    [[ $s == test* || $s == _test* ]] && bad+=("$s")
done
result "no test* symbols are exported" "${bad[@]}"

# Every export is part of the public API: declared in a public header.
bad=()
for s in "${names[@]}"; do
    grep -qE "[^A-Za-z0-9_]${s}[[:space:]]*\(" "$SRCDIR"/include/libvirt/*.h || bad+=("$s")
done
result "every export is declared in include/libvirt/" "${bad[@]}"

# Every function the seed documents is exported, as a function.
if [ ! -f "$SEED" ]; then
    skip "every seed function is exported" "seed API text not found at $SEED"
else
    mapfile -t seed < <(sed -nE 's/^Function: (vir[A-Za-z0-9_]+)[[:space:]]*$/\1/p' "$SEED" |
                        sort -u)
    if [ ${#seed[@]} -lt 30 ]; then
        not_ok "seed API text lists its functions (found ${#seed[@]})"
    else
        missing=()
        for f in "${seed[@]}"; do
            printf '%s\n' "${funcs[@]}" | grep -qxF "$f" || missing+=("$f")
        done
        result "every seed function is exported (${#seed[@]})" "${missing[@]}"
    fi
fi

# The later calls of the "Beyond the seed" section of libvirt.h are
# exported, and none of them is a seed function (the section stays honest).
mapfile -t later < <(sed -n '/Beyond the seed: later libvirt calls/,$p' \
                     "$SRCDIR"/include/libvirt/libvirt.h |
                     sed -nE 's/^[A-Za-z_][A-Za-z0-9_ *]*[ *](vir[A-Za-z0-9_]+)\(.*/\1/p' |
                     sort -u)
if [ ${#later[@]} -lt 2 ]; then
    not_ok "libvirt.h declares later calls beyond the seed (found ${#later[@]})"
else
    missing=()
    for f in "${later[@]}"; do
        printf '%s\n' "${funcs[@]}" | grep -qxF "$f" || missing+=("$f")
        if [ -f "$SEED" ] && grep -qE "^Function: $f[[:space:]]*\$" "$SEED"; then
            missing+=("$f is a seed function")
        fi
    done
    result "the later calls are exported: ${later[*]}" "${missing[@]}"
fi

# Every function declared in the public headers is exported (nothing
# declared but missing from the version script or the build).
mapfile -t declared < <(sed -nE 's/^[A-Za-z_][A-Za-z0-9_ *]*[ *](vir[A-Za-z0-9_]+)\(.*/\1/p' \
                        "$SRCDIR"/include/libvirt/*.h | sort -u)
missing=()
for f in "${declared[@]}"; do
    printf '%s\n' "${funcs[@]}" | grep -qxF "$f" || missing+=("$f")
done
result "every function declared in the public headers is exported (${#declared[@]})" \
    "${missing[@]}"

# The private node: exactly what lib/libxvirt.syms lists there, each one a
# function the Xen driver module takes from libxvirt.so, or a test-driver
# hook the agent's what-if runs look up by name (nothing exported for no
# one).
mapfile -t listed < <(sed -n '/^XVIRT_PRIVATE_/,/^}/p' "$SRCDIR/lib/libxvirt.syms" |
                      sed -nE 's/^[[:space:]]+([A-Za-z_][A-Za-z0-9_]*);$/\1/p' | sort -u)
if [ "${private[*]}" = "${listed[*]}" ]; then
    ok "the XVIRT_PRIVATE_0.1 exports are the ones lib/libxvirt.syms lists (${#private[@]})"
else
    not_ok "the XVIRT_PRIVATE_0.1 exports are the ones lib/libxvirt.syms lists" \
        "exported: ${private[*]}" "listed: ${listed[*]}"
fi
MODULE=$BUILDDIR/lib/xen/libxvirt_driver_xen.so
if [ ! -f "$MODULE" ]; then
    skip "every private export is used by the Xen driver module or the agent's what-if" "built without the Xen driver"
else
    mapfile -t used < <("$NM" -D --undefined-only "$MODULE" |
                        awk '{ s = $NF; if (s ~ /@XVIRT_PRIVATE_/) { sub(/@.*/, "", s); print s } }' |
                        sort -u)
    # the what-if's hooks: their names are in the agent, for dlsym
    mapfile -t -O "${#used[@]}" used < <(grep -aoE 'xvTestDriver[A-Za-z]+' \
                                             "$BUILDDIR/xvirt-agent" | sort -u)
    unused=()
    for s in "${private[@]}"; do
        printf '%s\n' "${used[@]}" | grep -qxF "$s" || unused+=("$s")
    done
    result "every private export is used by the Xen driver module or the agent's what-if" \
        "${unused[@]}"
fi

done_testing
