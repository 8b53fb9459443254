#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# public_headers_test.sh: the public headers compile standalone as C89, C99,
# C11 and C++11, their macros behave like libvirt's, and struct layouts, enum
# values and prototypes match the system libvirt's headers (binary and
# source compatibility), for the seed and for the later calls libxvirt
# declares (virNodeGetFreeMemory, virDomainMemoryStats, virDomainBlockStats,
# virDomainInterfaceStats, virNodeGetCPUStats). TAP output.
#
# env: XV_TEST_SRCDIR (source tree), XV_CC / XV_CXX (compilers, default cc
# and c++). The comparisons with libvirt are skipped when its headers
# (libvirt-dev) are not installed.
set -u

SRCDIR=${XV_TEST_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
DATADIR=${XV_TEST_DATADIR:-$SRCDIR/tests/data}/differential
INCDIR=$SRCDIR/include
read -r -a CC <<<"${XV_CC:-cc}"
read -r -a CXX <<<"${XV_CXX:-c++}"
HEADERS=(libvirt.h virterror.h)

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# shellcheck source=../common/tap.sh
. "$(dirname "${BASH_SOURCE[0]}")/../common/tap.sh"

have_cxx=0
command -v "${CXX[0]}" >/dev/null 2>&1 && have_cxx=1

# The system libvirt's headers, used as the reference.
sys_inc=""
if pkg-config --exists libvirt 2>/dev/null; then
    sys_inc=$(pkg-config --variable=includedir libvirt)
fi
[ -n "$sys_inc" ] && [ -f "$sys_inc/libvirt/libvirt.h" ] || sys_inc=""

C_WARN=(-pedantic -Wall -Wextra -Werror -Wundef -Wshadow -Wstrict-prototypes
        -Wmissing-prototypes -Wold-style-definition -Wwrite-strings)
CXX_WARN=(-pedantic -Wall -Wextra -Werror -Wundef -Wshadow -Wold-style-cast)
C_STDS=(c89 c99 c11)

c_flags() { # the flags for one C standard
    local std=$1
    echo "-std=$std ${C_WARN[*]}"
    # C89 has no long long; the seed's structs use it, as libvirt's do.
    [ "$std" = c89 ] && echo "-Wno-long-long"
}

# 1. Each header alone, in each language standard.
for h in "${HEADERS[@]}"; do
    printf '#include <libvirt/%s>\n' "$h" >"$TMP/alone-${h%.h}.c"
    for std in "${C_STDS[@]}"; do
        # shellcheck disable=SC2046
        check "$h alone compiles as $std" \
            "${CC[@]}" $(c_flags "$std") -I"$INCDIR" -fsyntax-only "$TMP/alone-${h%.h}.c"
    done
    if [ $have_cxx = 1 ]; then
        check "$h alone compiles as c++11" \
            "${CXX[@]}" -std=c++11 "${CXX_WARN[@]}" -I"$INCDIR" -fsyntax-only \
            -x c++ "$TMP/alone-${h%.h}.c"
    else
        skip "$h alone compiles as c++11" "no C++ compiler"
    fi
done

# 2. The headers include nothing but the C library and each other.
bad=$(grep -hE '^[[:space:]]*#[[:space:]]*include' "$INCDIR"/libvirt/*.h |
      grep -vE '<(stddef\.h|libvirt/virterror\.h)>' || true)
if [ -z "$bad" ]; then
    ok "public headers include only <stddef.h> and <libvirt/virterror.h>"
else
    not_ok "public headers include only <stddef.h> and <libvirt/virterror.h>" "$bad"
fi

# 3. Every macro, in every standard: same results everywhere.
macros_ref=""
for std in "${C_STDS[@]}"; do
    # shellcheck disable=SC2046
    if "${CC[@]}" $(c_flags "$std") -I"$INCDIR" -o "$TMP/macros-$std" \
            "$DATADIR/macros.c" >"$TMP/log" 2>&1 &&
            "$TMP/macros-$std" >"$TMP/macros-$std.out" 2>&1; then
        ok "macro program builds and runs as $std"
        [ -z "$macros_ref" ] && macros_ref="$TMP/macros-$std.out"
    else
        not_ok "macro program builds and runs as $std"
        diag_file "$TMP/log"
    fi
done
if [ $have_cxx = 1 ]; then
    if "${CXX[@]}" -std=c++11 -pedantic -Wall -Wextra -Werror -I"$INCDIR" \
            -o "$TMP/macros-cxx" -x c++ "$DATADIR/macros.c" >"$TMP/log" 2>&1 &&
            "$TMP/macros-cxx" >"$TMP/macros-cxx.out" 2>&1; then
        ok "macro program builds and runs as c++11"
    else
        not_ok "macro program builds and runs as c++11"
        diag_file "$TMP/log"
    fi
else
    skip "macro program builds and runs as c++11" "no C++ compiler"
fi
if [ -n "$macros_ref" ]; then
    same=1
    for out in "$TMP"/macros-*.out; do
        if ! diff -u "$macros_ref" "$out" >"$TMP/diff"; then
            same=0
            diag_file "$TMP/diff"
        fi
    done
    if [ $same = 1 ]; then ok "macro results identical in every standard"
    else not_ok "macro results identical in every standard"; fi
else
    not_ok "macro results identical in every standard"
fi
if [ -z "$sys_inc" ]; then
    skip "macro results identical to libvirt's" "libvirt headers not installed"
elif "${CC[@]}" -std=c99 -Wall -I"$sys_inc" -o "$TMP/macros-libvirt" \
        "$DATADIR/macros.c" >"$TMP/log" 2>&1 &&
        "$TMP/macros-libvirt" >"$TMP/macros-libvirt.txt" 2>&1 &&
        [ -n "$macros_ref" ] &&
        diff -u "$TMP/macros-libvirt.txt" "$macros_ref" >"$TMP/diff" 2>&1; then
    ok "macro results identical to libvirt's"
else
    not_ok "macro results identical to libvirt's"
    diag_file "$TMP/log" "$TMP/diff"
fi

# 4. Struct layouts: sizes, alignments and offsets equal libvirt's.
if [ -z "$sys_inc" ]; then
    skip "struct layouts match libvirt's" "libvirt headers not installed"
else
    # libvirt has no virDomainKernel any more: layout.c then declares the
    # seed's layout, which libxvirt's struct must match.
    if "${CC[@]}" -std=c99 -Wall -I"$INCDIR" -o "$TMP/layout-xvirt" \
            "$DATADIR/layout.c" >"$TMP/log" 2>&1 &&
            "${CC[@]}" -std=c99 -Wall -Wno-deprecated-declarations -I"$sys_inc" \
            -DLAYOUT_SEED_KERNEL -o "$TMP/layout-libvirt" "$DATADIR/layout.c" \
            >>"$TMP/log" 2>&1 &&
            "$TMP/layout-xvirt" >"$TMP/layout-xvirt.txt" &&
            "$TMP/layout-libvirt" >"$TMP/layout-libvirt.txt" &&
            diff -u "$TMP/layout-libvirt.txt" "$TMP/layout-xvirt.txt" >"$TMP/diff"; then
        nfields=$(grep -c ' size=' "$TMP/layout-xvirt.txt")
        ok "struct layouts match libvirt's ($nfields sizes/offsets)"
    else
        not_ok "struct layouts match libvirt's"
        diag_file "$TMP/log" "$TMP/diff"
    fi
    # 32-bit layouts too, when the compiler can target them.
    if echo 'int main(void){return 0;}' >"$TMP/m32.c" &&
            "${CC[@]}" -m32 -o "$TMP/m32" "$TMP/m32.c" >/dev/null 2>&1 &&
            "$TMP/m32" >/dev/null 2>&1; then
        if "${CC[@]}" -m32 -std=c99 -I"$INCDIR" -o "$TMP/layout32-xvirt" \
                "$DATADIR/layout.c" >"$TMP/log" 2>&1 &&
                "${CC[@]}" -m32 -std=c99 -Wno-deprecated-declarations -I"$sys_inc" \
                -DLAYOUT_SEED_KERNEL -o "$TMP/layout32-libvirt" "$DATADIR/layout.c" \
                >>"$TMP/log" 2>&1 &&
                diff -u <("$TMP/layout32-libvirt") <("$TMP/layout32-xvirt") >"$TMP/diff"; then
            ok "struct layouts match libvirt's with -m32"
        else
            not_ok "struct layouts match libvirt's with -m32"
            diag_file "$TMP/log" "$TMP/diff"
        fi
    else
        skip "struct layouts match libvirt's with -m32" "no 32-bit toolchain"
    fi
fi

# 5. Enum values: every constant both headers define has the same value.
if [ -z "$sys_inc" ]; then
    skip "enum values match libvirt's" "libvirt headers not installed"
else
    consts=$(sed -nE 's/^[[:space:]]+(VIR_[A-Z0-9_]+)[[:space:]]*=.*/\1/p' \
             "$INCDIR"/libvirt/*.h | sort -u)
    common=()
    seed_only=()
    for c in $consts; do
        if grep -qw -- "$c" "$sys_inc"/libvirt/*.h; then common+=("$c")
        else seed_only+=("$c"); fi
    done
    {
        echo '#include <stdio.h>'
        echo '#include <libvirt/libvirt.h>'
        echo '#include <libvirt/virterror.h>'
        echo 'int main(void) {'
        for c in "${common[@]}"; do
            printf '    printf("%s=%%d\\n", (int)%s);\n' "$c" "$c"
        done
        echo '    return 0; }'
    } >"$TMP/enums.c"
    if "${CC[@]}" -std=c99 -I"$INCDIR" -o "$TMP/enums-xvirt" "$TMP/enums.c" \
            >"$TMP/log" 2>&1 &&
            "${CC[@]}" -std=c99 -I"$sys_inc" -o "$TMP/enums-libvirt" "$TMP/enums.c" \
            >>"$TMP/log" 2>&1 &&
            diff -u <("$TMP/enums-libvirt") <("$TMP/enums-xvirt") >"$TMP/diff"; then
        ok "enum values match libvirt's (${#common[@]} constants)"
    else
        not_ok "enum values match libvirt's"
        diag_file "$TMP/log" "$TMP/diff"
    fi
    # Sentinels: VIR_DOMAIN_MEMORY_STAT_LAST exists only with VIR_ENUM_SENTINELS,
    # in both headers, with the same value.
    printf '%s\n' '#include <stdio.h>' '#include <libvirt/libvirt.h>' \
        'int main(void) { printf("%d\n", (int)VIR_DOMAIN_MEMORY_STAT_LAST); return 0; }' \
        >"$TMP/sentinel.c"
    if "${CC[@]}" -std=c99 -DVIR_ENUM_SENTINELS -I"$INCDIR" -o "$TMP/sentinel-xvirt" \
            "$TMP/sentinel.c" >"$TMP/log" 2>&1 &&
            "${CC[@]}" -std=c99 -DVIR_ENUM_SENTINELS -I"$sys_inc" -o "$TMP/sentinel-libvirt" \
            "$TMP/sentinel.c" >>"$TMP/log" 2>&1 &&
            [ "$("$TMP/sentinel-xvirt")" = "$("$TMP/sentinel-libvirt")" ] &&
            ! "${CC[@]}" -std=c99 -I"$INCDIR" -fsyntax-only "$TMP/sentinel.c" \
            >/dev/null 2>&1 &&
            ! "${CC[@]}" -std=c99 -I"$sys_inc" -fsyntax-only "$TMP/sentinel.c" \
            >/dev/null 2>&1; then
        ok "VIR_ENUM_SENTINELS shows VIR_DOMAIN_MEMORY_STAT_LAST as libvirt's"
    else
        not_ok "VIR_ENUM_SENTINELS shows VIR_DOMAIN_MEMORY_STAT_LAST as libvirt's"
        diag_file "$TMP/log"
    fi
    # Seed constants libvirt has since removed (virDomainRestart, virDeviceMode):
    # informational only.
    diag "seed-only constants (not in libvirt $(pkg-config --modversion libvirt)):" \
         "${seed_only[*]:-none}"
fi

# 6. Prototypes: the seed's, exactly (function pointer assignments, -Werror).
check "prototypes are the seed's" \
    "${CC[@]}" -std=c99 "${C_WARN[@]}" -I"$INCDIR" -fsyntax-only "$DATADIR/signatures.c"
if [ -z "$sys_inc" ]; then
    skip "libvirt differs from the seed only in the two known prototypes" \
         "libvirt headers not installed"
else
    # libvirt must accept everything but the two prototypes it changed, and
    # reject exactly those two: if that changes, differences.md is stale.
    "${CC[@]}" -std=c99 -Wall -Werror -Wno-deprecated-declarations -I"$sys_inc" \
        -fsyntax-only "$DATADIR/signatures.c" >"$TMP/log" 2>&1
    changed=""
    while read -r line; do
        changed+=$(sed -n "${line}p" "$DATADIR/signatures.c" |
                   sed -nE 's/.*SIG\([^,]+, (vir[A-Za-z]+),.*/\1 /p')
    done < <(grep -oE 'signatures\.c:[0-9]+' "$TMP/log" | cut -d: -f2 | sort -nu)
    if "${CC[@]}" -std=c99 -Wall -Werror -Wno-deprecated-declarations -I"$sys_inc" \
            -DSKIP_LIBVIRT_CHANGED -fsyntax-only "$DATADIR/signatures.c" \
            >"$TMP/log2" 2>&1 &&
            [ "$changed" = "virConnectListDefinedDomains virDomainGetXMLDesc " ]; then
        ok "libvirt differs from the seed only in the two known prototypes"
    else
        not_ok "libvirt differs from the seed only in the two known prototypes"
        diag "changed: $changed"
        diag_file "$TMP/log2"
    fi
fi

done_testing
