#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# man_lint_test.sh: every man page in packaging/ formats without a warning,
# as TAP.
#
# For each page (packaging/*.[1-8]):
# - its source holds no control character but newline and tab (a "\f" of a
#   font change written out as a form feed by some tool is one);
# - groff -ww -man -z, on the PostScript device and on a UTF-8 terminal
#   (some warnings, such as a character the device lacks, come only there),
#   says nothing;
# - man -l with every groff warning on (--warnings=w) at 80 columns, as a
#   reader sees it, says nothing on standard error;
# - lexgrog reads its NAME section, as mandb and lintian do;
# - packaging/meson.build installs it (install_man), and a debian/*.install
#   file ships it.
# groff and man-db come from scripts/deps; a missing one is a failure.
#
# Environment: XV_TEST_SRCDIR (from meson; else the tree this script is in).

# shellcheck source=../common/tap.sh
. "$(dirname "$0")/../common/tap.sh"
set -u
export LC_ALL=C.UTF-8

SRCDIR=${XV_TEST_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/xvman.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

missing=
for t in groff man lexgrog; do
    command -v "$t" >/dev/null || missing="$missing $t"
done
if [ -n "$missing" ]; then
    not_ok "groff and man-db are installed" "missing:$missing (run scripts/deps)"
    done_testing
fi
ok "groff and man-db are installed"

pages=$(cd "$SRCDIR/packaging" && ls -- *.[1-8] 2>/dev/null)
if [ -z "$pages" ]; then
    not_ok "packaging/ has man pages"
    done_testing
fi
ok "packaging/ has man pages: $(echo "$pages" | tr '\n' ' ')"

for p in $pages; do
    f=$SRCDIR/packaging/$p
    section=${p##*.}

    # control characters: anything below 0x20 but tab and newline, and DEL
    if LC_ALL=C grep -nP '[\x00-\x08\x0b-\x1f\x7f]' "$f" >"$TMP/ctrl"; then
        not_ok "$p: no control character in the source" "$(cat -A "$TMP/ctrl" | head -n 5)"
    else
        ok "$p: no control character in the source"
    fi

    for dev in ps utf8; do
        groff -ww -man -z -T"$dev" "$f" >"$TMP/groff.out" 2>&1
        rc=$?
        if [ "$rc" -eq 0 ] && [ ! -s "$TMP/groff.out" ]; then
            ok "$p: groff -ww -man -z -T$dev says nothing"
        else
            not_ok "$p: groff -ww -man -z -T$dev says nothing" "exit status $rc" "$TMP/groff.out"
        fi
    done

    MANWIDTH=80 MAN_KEEP_FORMATTING=0 man --warnings=w -E UTF-8 -l "$f" \
        >"$TMP/man.out" 2>"$TMP/man.err" </dev/null
    rc=$?
    if [ "$rc" -eq 0 ] && [ ! -s "$TMP/man.err" ] && [ -s "$TMP/man.out" ]; then
        ok "$p: man --warnings=w -l at 80 columns says nothing"
    else
        not_ok "$p: man --warnings=w -l at 80 columns says nothing" "exit status $rc" "$TMP/man.err"
    fi

    name=${p%.*}
    like "$p: lexgrog reads its NAME section" <(lexgrog "$f" 2>&1) "^$f: \"$name - "

    like "$p: packaging/meson.build installs it" "$SRCDIR/packaging/meson.build" \
        "install_man\(.*'$p'"
    if grep -qxF "usr/share/man/man$section/$p" "$SRCDIR"/debian/*.install; then
        ok "$p: a debian/*.install file ships it"
    else
        not_ok "$p: a debian/*.install file ships it" \
            "no line usr/share/man/man$section/$p in debian/*.install"
    fi
done

done_testing
