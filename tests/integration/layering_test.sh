#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# layering_test.sh: the house stays standing. The folders of the tree depend
# one way only, along the data flow (README.md, "Layout"): every
# `#include "..."` of their C sources resolves to a folder the rules below
# let it use, and the include graph between folders has no cycle. A
# violation is reported as file:line. The checker is also run on a small
# tree with a backward include and a cycle planted, to show it finds them.
# TAP.
#
# env: XV_TEST_SRCDIR (the source tree; default: two levels up)
set -u

SRCDIR=${XV_TEST_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$SRCDIR/tests/common/tap.sh"

# What each folder may include besides its own headers: "FOLDER: ALLOWED...".
# A file belongs to the longest FOLDER its path starts with; a FOLDER or an
# allowed entry not ending in "/" is a file-name prefix (exporters/prom_writer
# is prom_writer.[ch] and prom_writer_inline.h). "config.h" (the build's
# configuration) is allowed everywhere. lib/ is the library, which the
# programs reach through the public API (<libvirt/libvirt.h>) only.
RULES='
util/: -
lib/: util/
src/snapshot/: util/
collectors/: src/snapshot/ util/
exporters/: src/snapshot/ util/
exporters/prom_writer: util/
exporters/web_config: exporters/web_module src/conf/ util/
src/conf/: util/
src/policy/: src/snapshot/ src/conf/ exporters/prom_writer util/
src/agent/: src/snapshot/ collectors/ exporters/ src/conf/ src/policy/ src/nodedump/ src/apiutil/ util/
src/apiutil/: util/
src/nodedump/: src/apiutil/ util/
src/xvirsh/: src/nodedump/ src/apiutil/ util/
'
# Where the checked sources are (relative to the tree).
SCAN='util lib src collectors exporters'

# rule_of RULES PATH: the rule PATH falls under (its FOLDER), or nothing.
rule_of() {
    local best='' folder
    while read -r folder _; do
        folder=${folder%:}
        [ -n "$folder" ] || continue
        case $2 in
        "$folder"*) [ ${#folder} -gt ${#best} ] && best=$folder ;;
        esac
    done <<<"$1"
    printf '%s' "$best"
}

# allowed_of RULES FOLDER: what FOLDER may include, its own prefix first.
allowed_of() {
    local folder rest
    while read -r folder rest; do
        [ "${folder%:}" = "$2" ] || continue
        printf '%s %s' "$2" "${rest/-/}"
        return
    done <<<"$1"
}

# dir_of FOLDER: the folder (directory) of a rule, for the graph.
dir_of() {
    case $1 in
    */) printf '%s' "$1" ;;
    *) printf '%s/' "${1%/*}" ;;
    esac
}

# resolve ROOT FILE NAME: the path (relative to ROOT) an `#include "NAME"` in
# FILE reads: NAME next to FILE, else in FILE's parent directories up to
# ROOT, the way the build's include paths find it; nothing if none.
resolve() {
    local root=$1 dir name=$3
    dir=$(dirname "$2")
    while :; do
        if [ -f "$root/$dir/$name" ]; then
            local p="$dir/$name"
            printf '%s' "${p#./}"
            return
        fi
        [ "$dir" = . ] && return
        dir=$(dirname "$dir")
    done
}

# check ROOT RULES VIOLATIONS EDGES: checks every include of the sources
# under ROOT; writes one line per violation to VIOLATIONS and one
# "FROM-FOLDER TO-FOLDER" line per include between folders to EDGES.
check() {
    local root=$1 rules=$2 out=$3 edges=$4
    local file line name target from to allowed prefix ok h
    local -A header=()
    : >"$out"
    : >"$edges"
    # every header by its name, to follow (and report) a bare include of
    # another folder's header, as an include path would have found it
    while read -r h; do
        if [ -n "${header[${h##*/}]:-}" ]; then
            header[${h##*/}]=ambiguous
        else
            header[${h##*/}]=$h
        fi
    done < <(cd "$root" && find $SCAN -name '*.h' 2>/dev/null | sed 's|^\./||')
    while IFS=: read -r file line name; do
        file=${file#./}
        [ "$name" = config.h ] && continue
        from=$(rule_of "$rules" "$file")
        if [ -z "$from" ]; then
            echo "$file:$line: in no folder of the layout (add its folder to the rules" \
                 "and to README.md's Layout)" >>"$out"
            continue
        fi
        target=$(resolve "$root" "$file" "$name")
        if [ -z "$target" ]; then
            target=${header[${name##*/}]:-}
            if [ -z "$target" ] || [ "$target" = ambiguous ]; then
                echo "$file:$line: #include \"$name\" names no file of the tree" >>"$out"
                continue
            fi
            echo "$file:$line: #include \"$name\" is $target: an include of another" \
                 "folder names it from the top (#include \"$target\")" >>"$out"
        fi
        to=$(rule_of "$rules" "$target")
        allowed=$(allowed_of "$rules" "$from")
        ok=
        for prefix in $allowed; do
            case $target in
            "$prefix"*) ok=1; break ;;
            esac
        done
        if [ -z "$ok" ]; then
            echo "$file:$line: #include \"$name\" ($target): $from may use only" \
                 "$allowed" >>"$out"
        fi
        if [ -n "$to" ] && [ "$(dir_of "$from")" != "$(dir_of "$to")" ]; then
            echo "$(dir_of "$from") $(dir_of "$to")" >>"$edges"
        fi
    done < <(cd "$root" && find $SCAN -name '*.[ch]' -print0 2>/dev/null | sort -z |
             xargs -0 grep -nH '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' |
             sed 's/^\([^:]*\):\([0-9]*\):.*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1:\2:\3/')
    sort -u -o "$edges" "$edges"
}

# cycle EDGES OUT: writes the folders of each cycle to OUT (empty: none).
cycle() {
    if tsort "$1" >/dev/null 2>"$2.raw"; then
        : >"$2"
    else
        sed -e 's/^tsort: .*input contains a loop:$/a cycle between:/' -e 's/^tsort: /  /' \
            "$2.raw" >"$2"
    fi
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# ---- the tree ----------------------------------------------------------------

check "$SRCDIR" "$RULES" "$tmp/violations" "$tmp/edges"
if [ -s "$tmp/violations" ]; then
    not_ok "every include goes along the allowed arrows ($(wc -l <"$tmp/violations") do not)" \
        "$tmp/violations"
else
    ok "every include goes along the allowed arrows ($(wc -l <"$tmp/edges") arrows between folders)"
fi
cycle "$tmp/edges" "$tmp/cycle"
if [ -s "$tmp/cycle" ]; then
    not_ok "the folders' include graph has no cycle" "$tmp/cycle"
else
    ok "the folders' include graph has no cycle"
fi
# every folder of the house is where the rules say, and holds sources
missing=
for folder in util lib src/snapshot collectors exporters src/conf src/policy src/agent src/xvirsh; do
    ls "$SRCDIR/$folder"/*.c >/dev/null 2>&1 || missing="$missing $folder"
done
if [ -z "$missing" ]; then
    ok "every folder of the layout holds its sources"
else
    echo "#${missing}" >"$tmp/missing"
    not_ok "every folder of the layout holds its sources" "$tmp/missing"
fi

# ---- the checker finds what it must -------------------------------------------

plant="$tmp/tree"
mkdir -p "$plant/src/snapshot" "$plant/src/agent" "$plant/collectors" "$plant/exporters"
printf '#include "snapshot.h"\n#include "util/xvalloc.h"\n' >"$plant/src/snapshot/snapshot.c"
printf '#pragma once\n#include "src/agent/agent.h"\n' >"$plant/src/snapshot/snapshot.h"
printf '#pragma once\n#include "src/snapshot/snapshot.h"\n' >"$plant/src/agent/agent.h"
printf '#include "collector.h"\n#include "snapshot.h"\n' >"$plant/collectors/collector.c"
printf '#pragma once\n' >"$plant/collectors/collector.h"
printf '#include "prometheus.h"\n' >"$plant/exporters/prom_writer.c"
printf '#pragma once\n' >"$plant/exporters/prometheus.h"
mkdir -p "$plant/util" && printf '#pragma once\n' >"$plant/util/xvalloc.h"
check "$plant" "$RULES" "$tmp/pv" "$tmp/pe"
want="src/snapshot/snapshot.h:2: #include \"src/agent/agent.h\" (src/agent/agent.h): src/snapshot/ may use only src/snapshot/ util/"
if grep -qxF "$want" "$tmp/pv"; then
    ok "a backward include is reported at its file:line"
else
    echo "# expected: $want" >>"$tmp/pv"
    not_ok "a backward include is reported at its file:line" "$tmp/pv"
fi
if grep -q '^collectors/collector.c:2: #include "snapshot.h" is src/snapshot/snapshot.h: ' "$tmp/pv"; then
    ok "a bare include of another folder's header is reported"
else
    not_ok "a bare include of another folder's header is reported" "$tmp/pv"
fi
if grep -q '^exporters/prom_writer.c:1: #include "prometheus.h" (exporters/prometheus.h): exporters/prom_writer may use only' "$tmp/pv"; then
    ok "the metrics writer may not use the other exporters"
else
    not_ok "the metrics writer may not use the other exporters" "$tmp/pv"
fi
if [ "$(wc -l <"$tmp/pv")" -eq 3 ]; then
    ok "allowed includes are not reported"
else
    not_ok "allowed includes are not reported" "$tmp/pv"
fi
# rules that allow both ways: only the cycle check stands in the way
LOOSE=$(sed 's|^src/snapshot/: util/|src/snapshot/: util/ src/agent/|' <<<"$RULES")
check "$plant" "$LOOSE" "$tmp/pv" "$tmp/pe"
cycle "$tmp/pe" "$tmp/pc"
if [ -s "$tmp/pc" ] && grep -q 'src/agent/' "$tmp/pc" && grep -q 'src/snapshot/' "$tmp/pc"; then
    ok "a cycle between folders is reported with its folders"
else
    not_ok "a cycle between folders is reported with its folders" "$tmp/pc"
fi

done_testing
