#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# xvirsh_completion_test.sh: xvirsh's completion (the hidden "complete"
# command and packaging/bash-completion/xvirsh, called as bash calls it and
# driven by a real bash on a terminal), -q, -V and the interactive mode
# (piped, and on a terminal with the line editor), as TAP.
#
# Environment: XVIRSH (the binary), XV_TEST_DATADIR (tests/data), XV_LIBVIRT
# ("system" when xvirsh is linked with the system libvirt).
set -u

: "${XVIRSH:?XVIRSH must name the xvirsh binary}"
: "${XV_TEST_DATADIR:?XV_TEST_DATADIR must name tests/data}"

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
COMPLETION=$HERE/../../packaging/bash-completion/xvirsh
PTY_SESSION=$HERE/pty_session.py
NODE=test://$XV_TEST_DATADIR/xvirsh/node.xml
DEFAULT=test:///default
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

unset XVIRSH_DEFAULT_CONNECT_URI LIBVIRT_DEFAULT_URI
export LC_ALL=C

# shellcheck source=../common/tap.sh
. "$HERE/../common/tap.sh"

# sorted WORD...: the words, one a line, sorted (the order is the shell's).
sorted() {
    printf '%s\n' "$@" | sed '/^$/d' | sort
}

# The facts the candidates are checked against come from xvirsh's other
# commands: the command list of "help", the options of "help CMD" and the
# domains of "list --all".
"$XVIRSH" help | awk '/^    [a-z]/ { print $1 }' | sort >"$TMP/commands"
"$XVIRSH" -c "$NODE" list --all | awk 'NR > 2 && NF { print $2 }' | sort >"$TMP/node-domains"
options_of() {
    "$XVIRSH" help "$1" | sed -nE 's/^    (\[)?--([a-z-]+).*/--\2/p' | sort
}
is "the node has the five domains the checks below count on" \
    "$(wc -l <"$TMP/node-domains")" 5

# ---- The complete command -------------------------------------------------
# complete_is NAME WANT-FILE URI WORDS...: xvirsh -q -c URI complete -- WORDS
complete_is() {
    local name=$1 want=$2 uri=$3
    shift 3
    "$XVIRSH" -q -c "$uri" complete -- "$@" 2>"$TMP/err" | sort >"$TMP/got"
    if [ -s "$TMP/err" ]; then
        not_ok "complete: $name: stderr" "$TMP/err"
    elif diff -u "$want" "$TMP/got" >"$TMP/diff"; then
        ok "complete: $name"
    else
        not_ok "complete: $name" "$TMP/diff"
    fi
}
complete_is "every command for an empty word" "$TMP/commands" "$DEFAULT" ""
grep '^dom' "$TMP/commands" >"$TMP/want"
complete_is "the commands starting with dom" "$TMP/want" "$DEFAULT" dom
{ cat "$TMP/node-domains"; options_of dominfo; } | sort >"$TMP/want"
complete_is "a domain argument: the node's domains, and the options" "$TMP/want" \
    "$NODE" dominfo ""
grep '^b' "$TMP/node-domains" >"$TMP/want"
complete_is "domain names by prefix" "$TMP/want" "$NODE" dominfo b
# each lifecycle command offers the domains it can act on, as virsh does;
# the states come from "list --all"
"$XVIRSH" -c "$NODE" list --all | awk 'NR > 2 && NF { print $2, $3 }' >"$TMP/node-states"
in_state() {   # in_state REGEX: the node's domains whose state matches
    awk -v re="$1" '$2 ~ re { print $1 }' "$TMP/node-states" | sort
}
domains_for() {   # domains_for COMMAND: what completion offers, options left out
    "$XVIRSH" -q -c "$NODE" complete -- "$1" "" | grep -v '^--' | sort
}
in_state '^shut$' >"$TMP/want"
is "start offers the inactive domains ($(tr '\n' ' ' <"$TMP/want"))" \
    "$(domains_for start)" "$(cat "$TMP/want")"
in_state '^(running|idle)$' >"$TMP/want"
is "suspend offers the running ones" "$(domains_for suspend)" "$(cat "$TMP/want")"
in_state '^paused$' >"$TMP/want"
is "resume offers the paused ones ($(tr '\n' ' ' <"$TMP/want"))" \
    "$(domains_for resume)" "$(cat "$TMP/want")"
in_state '^(running|idle|paused)$' >"$TMP/want"
for c in shutdown reboot destroy save; do
    is "$c offers the active ones" "$(domains_for "$c")" "$(cat "$TMP/want")"
done
is "undefine offers every domain" "$(domains_for undefine)" "$(cat "$TMP/node-domains")"
cp "$TMP/node-domains" "$TMP/want"
complete_is "the value of --domain" "$TMP/want" "$NODE" vcpupin --domain ""
options_of vcpupin | grep -vx -- --domain >"$TMP/want"
complete_is "options not given yet" "$TMP/want" "$NODE" vcpupin --domain web01 --
options_of vcpupin | grep -vx -e --domain -e --vcpu >"$TMP/want"
complete_is "options not given yet, after a positional domain" "$TMP/want" \
    "$NODE" vcpupin web01 --vcpu 1 --
printf '%s\n' --all >"$TMP/want"
complete_is "options by prefix" "$TMP/want" "$DEFAULT" list --a
: >"$TMP/want"
complete_is "after --, no options" "$TMP/want" "$DEFAULT" list -- --
complete_is "an unknown command: nothing" "$TMP/want" "$DEFAULT" bogus ""
complete_is "a domain on a connection that fails: nothing, silently" "$TMP/want" \
    nosuchdriver:///x domstate --domain ""
complete_is "the hidden complete command is not offered" "$TMP/want" "$DEFAULT" compl
{ grep '^li' "$TMP/commands"; } >"$TMP/want"
complete_is "help: command names" "$TMP/want" "$DEFAULT" help li
printf '%s\n' domain >"$TMP/want"
grep '^doma' "$TMP/commands" >>"$TMP/want"
sort -o "$TMP/want" "$TMP/want"
complete_is "help: group keywords too" "$TMP/want" "$DEFAULT" help doma
if "$XVIRSH" help | grep -qw complete; then
    not_ok "help does not list the hidden complete command"
else
    ok "help does not list the hidden complete command"
fi

# ---- The bash completion function, called as bash calls it ---------------
# comp_is NAME WANT-FILE [VAR=VALUE...] -- BASH-WORDS...: the words as bash
# splits them (at blanks, ':' and '=': COMP_WORDBREAKS), the cursor at the
# end of the last one. Runs _xvirsh in a clean bash; COMPREPLY sorted must
# be WANT-FILE.
comp_is() {
    local name=$1 want=$2
    local -a envs=()
    shift 2
    while [ "$1" != -- ]; do
        envs+=("$1")
        shift
    done
    shift
    # shellcheck disable=SC2016  # expanded by the inner bash
    env "${envs[@]}" bash --norc --noprofile -c '
        . "$1"; shift
        COMP_WORDS=("$@")
        COMP_CWORD=$(($# - 1))
        # COMP_LINE: the words as typed: blanks between them, none
        # around the word-break characters : and =.
        COMP_LINE=$1
        shift
        prev=$1
        for w in "$@"; do
            case $w$prev in
                [:=]* | *[:=]) COMP_LINE+=$w ;;
                *) COMP_LINE+=" $w" ;;
            esac
            prev=$w
        done
        COMP_POINT=${#COMP_LINE}
        _xvirsh "${COMP_WORDS[0]}" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]:-}"
        printf "%s\n" "${COMPREPLY[@]}"
        printf "%s\n" "$COMP_LINE" >&2
    ' comp "$COMPLETION" "$XVIRSH" "$@" 2>"$TMP/line" | sed '/^$/d' | sort >"$TMP/got"
    if diff -u "$want" "$TMP/got" >"$TMP/diff"; then
        ok "bash: $name"
    else
        not_ok "bash: $name" "line: $(cat "$TMP/line")" "$TMP/diff"
    fi
}
if ! [ -r "$COMPLETION" ]; then
    not_ok "bash: the completion script is there" "$COMPLETION"
else
    ok "bash: the completion script is there"
fi
grep '^node' "$TMP/commands" >"$TMP/want"
comp_is "command names" "$TMP/want" -- node
sorted --connect >"$TMP/want"
comp_is "xvirsh's own options" "$TMP/want" -- --c
sorted --quiet >"$TMP/want"
comp_is "xvirsh's own options, after another" "$TMP/want" -- -r --q
ND=$XV_TEST_DATADIR/xvirsh/node.xml
{ cat "$TMP/node-domains"; options_of domstate; } | sort >"$TMP/want"
comp_is "-c URI: its domains (and the options)" "$TMP/want" -- -c test : //"$ND" domstate ""
comp_is "--connect=URI: its domains" "$TMP/want" -- --connect = test : //"$ND" domstate ""
comp_is "LIBVIRT_DEFAULT_URI: its domains" "$TMP/want" LIBVIRT_DEFAULT_URI="$NODE" -- \
    domstate ""
cp "$TMP/node-domains" "$TMP/want"
comp_is "-r -c URI, -q: its domains" "$TMP/want" -- -r -c test : //"$ND" -q dominfo --domain ""
printf '%s\n' test >"$TMP/want"
comp_is "-c test:///default: its one domain" "$TMP/want" LIBVIRT_DEFAULT_URI="$NODE" -- \
    -c test : ///default domstate t
grep '^web' "$TMP/node-domains" >"$TMP/want"
comp_is "--domain=PREFIX: bash's word is after the '='" "$TMP/want" -- \
    -c test : //"$ND" dominfo --domain = we
: >"$TMP/want"
comp_is "the URI itself: nothing" "$TMP/want" -- -c te
# Names with a ':' in them: bash's current word starts after it.
cat >"$TMP/colon.xml" <<'EOF'
<node>
  <domain type="test"><name>db:blue</name><memory>65536</memory><vcpu>1</vcpu>
    <os><type>linux</type></os></domain>
  <domain type="test"><name>db:green</name><memory>65536</memory><vcpu>1</vcpu>
    <os><type>linux</type></os></domain>
</node>
EOF
sorted blue green >"$TMP/want"
comp_is "a name with a ':': the part after it" "$TMP/want" -- \
    -c test : //"$TMP/colon.xml" domstate --domain db :
sorted green >"$TMP/want"
comp_is "a name with a ':': by prefix after it" "$TMP/want" -- \
    -c test : //"$TMP/colon.xml" domstate db : g

# ---- A real bash on a terminal: Tab completes ----------------------------
# bash --norc -i on a pty, the completion script sourced, xvirsh on PATH:
# "xvirsh -c URI dominf<Tab>web<Tab><Enter>" must run "dominfo web01", and
# "xvirsh -c URI domid db:g<Tab><Enter>" "domid db:green" (ID 2).
mkdir -p "$TMP/bin"
ln -s "$XVIRSH" "$TMP/bin/xvirsh"
cat >"$TMP/bashrc" <<EOF
PS1='ready> '
PATH=$TMP/bin:\$PATH
. '$COMPLETION'
EOF
if env TERM=dumb HOME="$TMP" python3 "$PTY_SESSION" "$TMP/bash.log" -- \
        "ready> =>xvirsh -c $NODE dominf\\tweb\\t\\r" \
        "Name:=>xvirsh -c test://$TMP/colon.xml domid db:g\\t\\r" \
        "db:green=>exit\\r" -- \
        bash --rcfile "$TMP/bashrc" --noprofile -i >"$TMP/pty.err" 2>&1 &&
    tr -d '\r' <"$TMP/bash.log" >"$TMP/bash.txt" &&
    grep -qx 'Name: *web01' "$TMP/bash.txt" && grep -qx '2' "$TMP/bash.txt"; then
    ok "bash on a terminal: Tab completes the command and the domain"
else
    not_ok "bash on a terminal: Tab completes the command and the domain" \
        "$TMP/pty.err" "$TMP/bash.log"
fi

# ---- -q and -V --------------------------------------------------------------
NL=$'\n'
run() {
    "$XVIRSH" "$@" >"$TMP/out" 2>"$TMP/err" </dev/null
    RC=$?
}
run -q -c "$NODE" "suspend web01; resume web01; domstate web01; list --inactive"
# (Quiet, the header does not widen the columns: as virsh -q.)
is "-q: no informational messages, table headers or empty lines" \
    "$RC $(cat "$TMP/out")" "0 running$NL -   backup   shut off"
run -c "$NODE" "suspend web01; list --inactive"
is "without -q: the messages, header and empty lines" "$RC $(cat "$TMP/out")" \
    "0 Domain 'web01' suspended$NL$NL Id   Name     State$NL-------------------------$NL -    backup   shut off"
run --quiet -c "$NODE" dominfo web01
"$XVIRSH" -c "$NODE" dominfo web01 | sed '$d' >"$TMP/want"
if [ "$RC" -eq 0 ] && diff -u "$TMP/want" "$TMP/out" >"$TMP/diff"; then
    ok "--quiet: the data is the same, less the empty line"
else
    not_ok "--quiet: the data is the same, less the empty line" "$TMP/diff"
fi
version=$("$XVIRSH" -v)
run -V
is "-V: the version first" "$RC $(head -n 1 "$TMP/out")" \
    "0 Xvirsh command line tool of xvirt $version"
if [ "${XV_LIBVIRT:-xvirt}" = system ]; then
    like "-V: built against the system libvirt" "$TMP/out" \
        '^Compiled against library: libvirt [0-9]+\.[0-9]+\.[0-9]+$'
else
    like "-V: the test driver among the hypervisors" "$TMP/out" '^ Hypervisors: Test( Xen)?$'
fi
cp "$TMP/out" "$TMP/long"
run --version=long
if cmp -s "$TMP/long" "$TMP/out"; then
    ok "--version=long is -V"
else
    not_ok "--version=long is -V" "$TMP/out"
fi
run --version
is "--version is -v" "$RC $(cat "$TMP/out")" "0 $version"

# ---- Interactive mode ---------------------------------------------------
# Piped: the lines run as the same commands given as one command string do.
printf 'domstate web01\nsuspend web01 ; list\n\nlist --inactive\n' |
    "$XVIRSH" -c "$NODE" >"$TMP/piped" 2>&1
"$XVIRSH" -c "$NODE" "domstate web01; suspend web01; list; list --inactive" >"$TMP/want" 2>&1
if diff -u "$TMP/want" "$TMP/piped" >"$TMP/diff"; then
    ok "interactive, piped: as the command string"
else
    not_ok "interactive, piped: as the command string" "$TMP/diff"
fi
printf 'suspend web01\nlist' | "$XVIRSH" -q -c "$NODE" >"$TMP/piped" 2>&1
is "interactive, piped, -q; a last line without a newline runs too" \
    "$(cat "$TMP/piped")" \
    "$("$XVIRSH" -q -c "$NODE" "suspend web01; list")"

# On a terminal, with the line editor: an edit (Ctrl-A, then text put in
# front), Tab completion of a command and a domain, and the history
# (Ctrl-P: the line before). Read as plain lines these would all fail.
# HOME is $TMP, where the history file goes.
if ! grep -q 'Editline' "$TMP/long"; then
    skip "interactive, on a terminal: editing, completion, history" \
        "xvirsh is built without libedit (-Deditline)"
elif env TERM=dumb HOME="$TMP" python3 "$PTY_SESSION" "$TMP/xvirsh.log" -- \
        'xvirsh # =>state web01\x01dom\r' \
        'running=>domin\tcac\t\r' \
        'Name:=>\x10\r' \
        'Name:=>quit\r' -- \
        "$XVIRSH" -c "$NODE" >"$TMP/pty.err" 2>&1; then
    tr -d '\r' <"$TMP/xvirsh.log" >"$TMP/xvirsh.txt"
    is "interactive, on a terminal: the edited line ran" \
        "$(grep -cx 'running' "$TMP/xvirsh.txt")" 1
    is "interactive, on a terminal: the completed line ran, and again from the history" \
        "$(grep -cx 'Name: *cache' "$TMP/xvirsh.txt")" 2
    # The history outlives the session (~/.cache/xvirsh/history): two lines
    # up is "dominfo cache" again. -q: no welcome message.
    if env TERM=dumb HOME="$TMP" python3 "$PTY_SESSION" "$TMP/xvirsh2.log" -- \
            'xvirsh # =>\x10\x10\r' \
            'Name:=>quit\r' -- \
            "$XVIRSH" -q -c "$NODE" >"$TMP/pty.err" 2>&1; then
        tr -d '\r' <"$TMP/xvirsh2.log" >"$TMP/xvirsh2.txt"
        is "interactive, a new session: the last one's lines are in the history" \
            "$(grep -cx 'Name: *cache' "$TMP/xvirsh2.txt")" 1
        unlike "interactive, -q: no welcome message" "$TMP/xvirsh2.txt" 'Welcome'
    else
        not_ok "interactive, a new session: the last one's lines are in the history" \
            "$TMP/pty.err" "$TMP/xvirsh2.log"
    fi
else
    not_ok "interactive, on a terminal: editing, completion, history" \
        "$TMP/pty.err" "$TMP/xvirsh.log"
fi

done_testing
