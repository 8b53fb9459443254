#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# deb_test.sh: the Debian packages (debian/), as TAP.
#
# 1. Builds them from a copy of the source tree (build directories, .git and
#    .notes left out) with dpkg-buildpackage -us -uc -b, DEB_BUILD_OPTIONS
#    and DEB_BUILD_PROFILES nocheck: the test suite is then not configured.
#    The symbols file must match the library's exports.
# 2. lintian (bookworm's) on the .changes: no error and no warning; the
#    overridden tags are listed with the reason their override gives.
# 3. Contents (dpkg-deb -c) and control data: library, headers, pkg-config
#    file, unit, conffiles, man pages, rules and dashboard, state directory,
#    dependencies, maintainer scripts.
# 4. Installs them for real with dpkg -i into a throwaway root: an overlay
#    on / whose writes land in a tmpfs, in a private mount namespace
#    (unshare -m), entered with chroot; nothing reaches the real system, and
#    services are not started (no systemd in the chroot, and a policy-rc.d
#    that forbids it). There it checks dpkg's view (installed, conffile,
#    unit enabled, state directory), runs the installed xvirsh and agent on
#    test:///default, builds and runs a program against libxvirt-dev with
#    pkg-config, verifies the unit with systemd-analyze, runs the unit's
#    ExecStart with a web configuration (gzip over TLS), then purges the
#    packages and checks that they leave nothing behind.
# dpkg-buildpackage, debhelper and lintian come from scripts/deps; a missing
# one is a failure. Takes about 40 s.
#
# Environment: XVIRT_AGENT, XV_TEST_DATADIR, XV_TEST_SRCDIR (from meson).

WATCHDOG=400
# shellcheck source=../agent/agent_common.sh
. "$(dirname "$0")/../agent/agent_common.sh"

# meson test points LD_LIBRARY_PATH at the build tree and sets sanitizer
# and malloc options: none of that may reach the package build or the
# installed programs.
unset LD_LIBRARY_PATH LD_PRELOAD MALLOC_PERTURB_ ASAN_OPTIONS UBSAN_OPTIONS MSAN_OPTIONS

SRCDIR=${XV_TEST_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
MA=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null)
ARCH=$(dpkg --print-architecture)
VERSION=$(dpkg-parsechangelog -l "$SRCDIR/debian/changelog" -S Version 2>/dev/null)
UPSTREAM=${VERSION%-*}
PACKAGES=(libxvirt0 libxvirt-dev xvirsh xvirt-agent)

missing=
for t in dpkg-buildpackage dpkg-architecture dpkg-parsechangelog dh lintian unshare mountpoint chroot; do
    command -v "$t" >/dev/null || missing="$missing $t"
done
if [ -n "$missing" ] || [ -z "$VERSION" ]; then
    not_ok "the packaging tools are installed" "missing:$missing (run scripts/deps)"
    done_testing
fi
ok "the packaging tools are installed; building xvirt $VERSION for $ARCH"

# ---- 1. build -------------------------------------------------------------------

SRC=$TMP/src/xvirt-$UPSTREAM
mkdir -p "$SRC"
(cd "$SRCDIR" && tar --exclude='./build*' --exclude=./.git --exclude=./.notes \
    --exclude='./obj-*' --exclude=./debian/.debhelper --exclude=./debian/tmp \
    --exclude=./debian/files --exclude='./debian/*.substvars' --exclude='./debian/*-dbgsym' \
    --exclude='./debian/libxvirt0' --exclude='./debian/libxvirt-dev' \
    --exclude='./debian/xvirsh' --exclude='./debian/xvirt-agent' -cf - .) |
    tar -xf - -C "$SRC"
start=$(now)
(cd "$SRC" && DEB_BUILD_OPTIONS="nocheck parallel=$(nproc)" DEB_BUILD_PROFILES=nocheck \
    dpkg-buildpackage -us -uc -b) </dev/null >"$TMP/build.log" 2>&1
rc=$?
if [ "$rc" -ne 0 ]; then
    not_ok "dpkg-buildpackage -us -uc -b succeeds" "exit status $rc; the end of the log:" \
        "$(tail -n 40 "$TMP/build.log")"
    done_testing
fi
ok "dpkg-buildpackage -us -uc -b succeeds ($(elapsed_since "$start") s)"
like "nocheck: the test suite is not configured (-Dtests=false)" "$TMP/build.log" \
    "meson setup .*-Dtests=false"
unlike "nocheck: no test is run" "$TMP/build.log" '^[[:space:]]*cd obj-[^ ]* && .*meson test'
# A symbol exported or dropped without the symbols file saying so: the
# diff shows which ('+' new: add it with the version that adds it).
if grep -q 'dpkg-gensymbols: warning' "$TMP/build.log"; then
    not_ok "the symbols file lists exactly the library's exports (dpkg-gensymbols)" \
        "$(sed -n '/dpkg-gensymbols: warning/,/^[[:space:]]*dh_/p' "$TMP/build.log" | head -n 40)"
else
    ok "the symbols file lists exactly the library's exports (dpkg-gensymbols)"
fi
unlike "dh_missing: every installed file is in a package" "$TMP/build.log" 'dh_missing: (warning|error)'

CHANGES=$TMP/src/xvirt_${VERSION}_$ARCH.changes
deb() {
    echo "$TMP/src/$1_${VERSION}_$ARCH.deb"
}
for p in "${PACKAGES[@]}"; do
    check "${p}_${VERSION}_$ARCH.deb is built" test -f "$(deb "$p")"
done

# ---- 2. lintian -----------------------------------------------------------------

lintian --display-info --pedantic --show-overrides --fail-on none "$CHANGES" >"$TMP/lintian.out" 2>"$TMP/lintian.err"
is "lintian: no error" "$(grep -E '^E: ' "$TMP/lintian.out")" ""
is "lintian: no warning" "$(grep -E '^W: ' "$TMP/lintian.out")" ""
grep -E '^[IP]: ' "$TMP/lintian.out" | sed 's/^/lintian info: /' | while read -r l; do diag "$l"; done
for f in "$SRC"/debian/*.lintian-overrides; do
    [ -f "$f" ] || continue
    diag "override $(basename "$f"): $(grep -v '^#' "$f" | tr '\n' ' ')"
    diag "  reason: $(grep '^#' "$f" | sed 's/^# *//' | tr '\n' ' ')"
done
like "lintian: the overrides apply ($(grep -cE '^O: ' "$TMP/lintian.out") tags overridden)" \
    "$TMP/lintian.out" '^O: '
unused=$(grep -E 'unused-override|mismatched-override' "$TMP/lintian.out")
is "lintian: no unused or mismatched override" "$unused" ""

# ---- 3. contents and control data ------------------------------------------------

# like_value NAME VALUE REGEX: VALUE matches REGEX (grep -E).
like_value() {
    if printf '%s\n' "$2" | grep -Eq -- "$3"; then ok "$1"; else not_ok "$1" "got: $2" "expected to match: $3"; fi
}

# has PACKAGE PATH...: every PATH is in the package (dpkg-deb -c, "./" dropped).
has() {
    local p=$1 f miss=
    shift
    dpkg-deb -c "$(deb "$p")" | awk '{ print $6 }' | sed 's|^\./|/|; s|/$||' >"$TMP/$p.list"
    for f in "$@"; do
        grep -qxF "$f" "$TMP/$p.list" || miss="$miss $f"
    done
    is "$p contains $*" "$miss" ""
}
has libxvirt0 "/usr/lib/$MA/libxvirt.so.0" "/usr/lib/$MA/libxvirt.so.$UPSTREAM" \
    /usr/share/doc/libxvirt0/copyright
unlike "libxvirt0 has no development files" "$TMP/libxvirt0.list" '(\.h|\.pc|libxvirt\.so)$'
has libxvirt-dev /usr/include/xvirt/libvirt/libvirt.h /usr/include/xvirt/libvirt/virterror.h \
    "/usr/lib/$MA/libxvirt.so" "/usr/lib/$MA/pkgconfig/xvirt.pc"
has xvirsh /usr/bin/xvirsh /usr/share/man/man1/xvirsh.1.gz /usr/share/doc/xvirsh/copyright \
    /usr/share/bash-completion/completions/xvirsh
has xvirt-agent /usr/sbin/xvirt-agent /lib/systemd/system/xvirt-agent.service \
    /etc/xvirt/xvirt-agent.yaml /usr/share/man/man8/xvirt-agent.8.gz \
    /usr/share/man/man5/xvirt-agent.yaml.5.gz /var/lib/xvirt \
    /usr/share/xvirt/prometheus/xvirt-alerts.yml /usr/share/xvirt/prometheus/xvirt-recording.yml \
    /usr/share/xvirt/grafana/xvirt-host.json /etc/xvirt/policies.d \
    /usr/share/xvirt/examples/policies/autopin.yaml \
    /usr/share/xvirt/examples/policies/balloon.yaml \
    /usr/share/xvirt/examples/policies/restart.yaml \
    /usr/share/doc/xvirt-agent/runbooks.md \
    /usr/share/xvirt/examples/prometheus/prometheus-file-sd.yml \
    /usr/share/xvirt/examples/prometheus/xvirt-targets.yml \
    /usr/share/xvirt/examples/prometheus/prometheus-federate.yml

# The alerts' runbook_url point at the packaged runbooks.md, uncompressed.
dpkg-deb --fsys-tarfile "$(deb xvirt-agent)" |
    tar -xOf - ./usr/share/xvirt/prometheus/xvirt-alerts.yml >"$TMP/alerts.yml"
links=$(sed -nE 's/^ *runbook_url: "([^#"]*)#.*/\1/p' "$TMP/alerts.yml" | sort | uniq -c |
    sed 's/^ *//')
is "every alert's runbook_url is in the packaged runbooks.md" "$links" \
    "$(grep -c '^ *- alert: ' "$TMP/alerts.yml") file:///usr/share/doc/xvirt-agent/runbooks.md"

# The library's private helpers (<libexecdir>/xvirt/, e.g. xvirt-xen-monitor)
# go with the library, whenever the build installs any; the agent's web
# module (<libdir>/xvirt/agent/) with the agent, where the agent looks for it.
helpers=$(cd "$SRC/debian/tmp" 2>/dev/null && find "usr/lib/$MA/xvirt" -type f \
    -not -path "usr/lib/$MA/xvirt/agent/*" 2>/dev/null | sed 's|^|/|')
miss=
for f in $helpers; do
    grep -qxF "$f" "$TMP/libxvirt0.list" || miss="$miss $f"
done
is "libxvirt0 carries the library's private helpers ($(echo "$helpers" | grep -c .) built)" "$miss" ""
if [ -n "$helpers" ]; then
    # the directory the library loads its Xen driver module from, and the
    # path the module starts its Xen monitor from, are the packaged ones
    unpacked() { dpkg-deb --fsys-tarfile "$(deb libxvirt0)" | tar -xOf - "$1"; }
    moddir=$(unpacked "./usr/lib/$MA/libxvirt.so.$UPSTREAM" | strings |
        grep -E '^/.*/xvirt/connection-driver$')
    like_value "libxvirt0 loads the packaged Xen driver module (${moddir:-no directory found})" \
        "$(grep -xF "${moddir:-none}/libxvirt_driver_xen.so" "$TMP/libxvirt0.list")" .
    started=$(unpacked "./usr/lib/$MA/xvirt/connection-driver/libxvirt_driver_xen.so" 2>/dev/null |
        strings | grep -E '^/.*/xvirt-xen-monitor$')
    like_value "the Xen driver module starts the packaged xvirt-xen-monitor (${started:-no path found})" \
        "$(grep -xF "${started:-none}" "$TMP/libxvirt0.list")" .
fi

webdir=$(dpkg-deb --fsys-tarfile "$(deb xvirt-agent)" | tar -xOf - ./usr/sbin/xvirt-agent |
    strings | grep -E '^/.*/xvirt/agent$')
like_value "xvirt-agent carries its web module where the agent loads it from (${webdir:-no directory found})" \
    "$(grep -xF "${webdir:-none}/libxvirt_agent_web.so" "$TMP/xvirt-agent.list")" .
unlike "libxvirt0 does not carry the agent's web module" "$TMP/libxvirt0.list" 'libxvirt_agent_web'

field() {
    dpkg-deb -f "$(deb "$1")" "$2"
}
like_value "libxvirt0 is Multi-Arch: same" "$(field libxvirt0 Multi-Arch)" '^same$'
like_value "xvirsh depends on libxvirt0 (>= $UPSTREAM) through the symbols file" \
    "$(field xvirsh Depends)" "libxvirt0 \(>= $UPSTREAM\)"
like_value "xvirt-agent depends on libxvirt0, libevent and libyaml" "$(field xvirt-agent Depends)" \
    'libevent.*libxvirt0|libxvirt0.*libevent'
like_value "libxvirt-dev depends on libxvirt0 (= $VERSION) and libxml2-dev" \
    "$(field libxvirt-dev Depends)" "libxvirt0 \(= $VERSION\).*libxml2-dev"

for p in libxvirt0 xvirt-agent; do
    mkdir -p "$TMP/ctrl/$p"
    dpkg-deb -e "$(deb "$p")" "$TMP/ctrl/$p"
done
like "libxvirt0 ships its symbols file" "$TMP/ctrl/libxvirt0/symbols" "^ virConnectOpen@XVIRT_0\.1 $UPSTREAM$"
like "libxvirt0 ships a shlibs file" "$TMP/ctrl/libxvirt0/shlibs" "^libxvirt 0 libxvirt0 "
is "xvirt-agent's conffiles are /etc/xvirt/xvirt-agent.yaml" \
    "$(cat "$TMP/ctrl/xvirt-agent/conffiles" 2>/dev/null)" /etc/xvirt/xvirt-agent.yaml
like "xvirt-agent's postinst enables the unit (dh_installsystemd)" \
    "$TMP/ctrl/xvirt-agent/postinst" 'deb-systemd-helper .*enable .*xvirt-agent\.service'
like "xvirt-agent's postrm removes /var/lib/xvirt on purge" "$TMP/ctrl/xvirt-agent/postrm" \
    'rm -rf /var/lib/xvirt'
bad=
for s in "$TMP"/ctrl/*/{preinst,postinst,prerm,postrm}; do
    [ -f "$s" ] && ! sh -n "$s" && bad="$bad $s"
done
is "the maintainer scripts parse (sh -n)" "$bad" ""

# ---- 4. install into a throwaway root ----------------------------------------------

cat >"$TMP/prog.c" <<'EOF'
#include <stdio.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

int
main(void)
{
    virConnectPtr conn = virConnectOpenReadOnly("test:///default");
    virDomainPtr dom;
    virDomainInfo info;

    if (!conn)
        return 1;
    dom = virDomainLookupByName(conn, "test");
    if (!dom || virDomainGetInfo(dom, &info) < 0)
        return 2;
    printf("domains=%d name=%s state=%d vcpus=%d\n", virConnectNumOfDomains(conn),
           virDomainGetName(dom), info.state, info.nrVirtCpu);
    virDomainFree(dom);
    virConnectClose(conn);
    return 0;
}
EOF
for p in "${PACKAGES[@]}"; do
    cp "$(deb "$p")" "$TMP/"
done
mkdir -p "$TMP/web" && cp "$XV_TEST_DATADIR"/web/{ca.crt,server.crt,server.key} "$TMP/web/"
APORT=$(free_port)
before=$(ls /var/lib/dpkg/info/xvirt-agent.list /usr/sbin/xvirt-agent 2>&1)

# The install runs in a shell of its own mount namespace; it writes one
# result per line to $TMP/install.results: "ok NAME" or "not ok NAME", with
# "# ..." diagnostic lines after a failure.
cat >"$TMP/install.sh" <<'EOF'
set -u
T=$1 PORT=$2
R=$T/install.results
M=$T/ov/m
AGENT=
: >"$R"
res() {  # res NAME COMMAND...: runs COMMAND, output in $T/step.out
    local name=$1
    shift
    if "$@" >"$T/step.out" 2>&1; then
        echo "ok $name" >>"$R"
    else
        echo "not ok $name" >>"$R"
        head -n 30 "$T/step.out" | sed 's/^/# /' >>"$R"
    fi
}
in_root() {  # a clean environment, as a root shell would have
    env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LC_ALL=C.UTF-8 chroot "$M" "$@"
}
cleanup() {
    [ -n "$AGENT" ] && kill -KILL "$AGENT" 2>/dev/null && wait "$AGENT" 2>/dev/null
}
trap cleanup EXIT
trap 'exit 1' TERM INT

mkdir -p "$T/ov" &&
    mount -t tmpfs tmpfs "$T/ov" &&
    mkdir "$T/ov/u" "$T/ov/w" "$M" &&
    mount -t overlay overlay -o "lowerdir=/,upperdir=$T/ov/u,workdir=$T/ov/w" "$M" &&
    mount -t proc proc "$M/proc" &&
    mount --rbind /dev "$M/dev" && mount --make-rslave "$M/dev" &&
    mount -t tmpfs tmpfs "$M/run" &&
    mount -t tmpfs tmpfs "$M/tmp"
if [ $? -ne 0 ] || [ ! -x "$M/usr/bin/dpkg" ]; then
    echo "not ok a throwaway root: an overlay on / in a private mount namespace" >>"$R"
    exit 0
fi
echo "ok a throwaway root: an overlay on / in a private mount namespace" >>"$R"
printf '#!/bin/sh\nexit 101\n' >"$M/usr/sbin/policy-rc.d"
chmod 755 "$M/usr/sbin/policy-rc.d"
mkdir "$M/tmp/debs"
cp "$T"/*.deb "$T/prog.c" "$M/tmp/debs/"

res "dpkg -i installs the four packages" in_root sh -c 'dpkg -i /tmp/debs/*.deb'
res "dpkg reports them installed" in_root sh -c \
    'dpkg-query -W -f="\${db:Status-Abbrev}\${Package}\n" libxvirt0 libxvirt-dev xvirsh xvirt-agent |
     grep -c "^ii " | grep -qx 4'
res "dpkg knows /etc/xvirt/xvirt-agent.yaml as a conffile" in_root sh -c \
    'dpkg-query -W -f="\${Conffiles}\n" xvirt-agent | grep -q "^ /etc/xvirt/xvirt-agent.yaml [0-9a-f]\{32\}$"'
res "the unit is enabled (multi-user.target.wants)" test \
    "$(readlink "$M/etc/systemd/system/multi-user.target.wants/xvirt-agent.service")" = \
    /lib/systemd/system/xvirt-agent.service
res "/var/lib/xvirt exists" test -d "$M/var/lib/xvirt"
res "systemd-analyze verify accepts the installed unit" in_root \
    systemd-analyze verify /lib/systemd/system/xvirt-agent.service
res "the installed xvirsh lists test:///default through the installed library" in_root sh -c \
    'out=$(xvirsh -c test:///default list --all 2>&1); lib=$(ldd /usr/bin/xvirsh | grep libxvirt)
     printf "%s\n" "$out" "$lib"
     printf "%s\n" "$out" | grep -Eq "^ *1 +test +running" &&
     printf "%s\n" "$lib" | grep -Eq "libxvirt\.so\.0 => (/usr)?/lib/'"$4"'/libxvirt\.so\.0 "'
res "a program builds against libxvirt-dev with pkg-config and runs" in_root sh -c \
    'cc -o /tmp/prog /tmp/debs/prog.c $(pkg-config --cflags --libs xvirt) && /tmp/prog |
     tee /dev/stderr | grep -qx "domains=1 name=test state=1 vcpus=2"'
res "xvirt-agent --check-config accepts the shipped configuration" in_root \
    xvirt-agent --check-config /etc/xvirt/xvirt-agent.yaml
# not through in_root: $! must be the agent itself (env and chroot exec it)
env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LC_ALL=C.UTF-8 \
    chroot "$M" /usr/sbin/xvirt-agent --config /etc/xvirt/xvirt-agent.yaml \
    --connect test:///default --listen "127.0.0.1:$PORT" </dev/null >"$T/agent.out" 2>&1 &
AGENT=$!
ready=false
for _ in $(seq 100); do
    curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/-/ready" | grep -q 200 &&
        { ready=true; break; }
    sleep 0.1
done
curl -s "http://127.0.0.1:$PORT/metrics" >"$T/installed.prom"
res "the installed agent serves /metrics with the shipped configuration" sh -c \
    "$ready && grep -q '^xvirt_domains 1\$' '$T/installed.prom' &&
     grep -q '^xvirt_build_info{version=\"$3\"' '$T/installed.prom' || { cat '$T/agent.out'; false; }"
kill -TERM "$AGENT"
wait "$AGENT"
status=$?
AGENT=
res "the installed agent exits 0 on SIGTERM" sh -c \
    "[ $status -eq 0 ] || { echo 'exit status $status'; cat '$T/agent.out'; false; }"
# The unit's own command line (ExecStart, verbatim) with TLS and gzip: the
# shipped configuration replaced by one on the test driver that names a web
# configuration with the tests' certificate.
mkdir -p "$M/etc/xvirt/tls" && cp "$T/web/server.crt" "$T/web/server.key" "$M/etc/xvirt/tls/" &&
    chmod 600 "$M/etc/xvirt/tls/server.key"
printf 'tls_server_config:\n  cert_file: tls/server.crt\n  key_file: tls/server.key\n' \
    >"$M/etc/xvirt/web.yml"
printf 'connection:\n  uri: test:///default\nlisten:\n  address: 127.0.0.1\n  port: %s\n  web_config_file: web.yml\n' \
    "$PORT" >"$M/etc/xvirt/xvirt-agent.yaml"
exec_start=$(sed -n 's/^ExecStart=//p' "$M/lib/systemd/system/xvirt-agent.service")
# shellcheck disable=SC2086 # the unit's words, split as systemd splits them here
env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LC_ALL=C.UTF-8 \
    chroot "$M" $exec_start </dev/null >"$T/agent-tls.out" 2>&1 &
AGENT=$!
TLS=(--cacert "$T/web/ca.crt" --resolve "localhost:$PORT:127.0.0.1")
ready=false
for _ in $(seq 100); do
    curl -s "${TLS[@]}" -o /dev/null -w '%{http_code}' "https://localhost:$PORT/-/ready" |
        grep -q 200 && { ready=true; break; }
    sleep 0.1
done
curl -s "${TLS[@]}" -H 'Accept-Encoding: gzip' -D "$T/tls.head" -o "$T/tls.gz" \
    "https://localhost:$PORT/metrics"
res "the unit's ExecStart ($exec_start) serves gzip over TLS" sh -c \
    "$ready && tr -d '\r' <'$T/tls.head' | grep -qx 'Content-Encoding: gzip' &&
     gzip -dc <'$T/tls.gz' | grep -q '^xvirt_domains 1\$' || { cat '$T/agent-tls.out'; false; }"
res "... and plain HTTP to it gets no answer" sh -c \
    "[ \"\$(curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:$PORT/metrics)\" = 000 ]"
kill -TERM "$AGENT"
wait "$AGENT"
AGENT=
# an operator's own files (not the package's) would stay after a purge
rm -rf "$M/etc/xvirt/tls" "$M/etc/xvirt/web.yml"
echo "state" >"$M/var/lib/xvirt/policy-state"
res "dpkg --purge removes the four packages" in_root \
    dpkg --purge xvirt-agent xvirsh libxvirt-dev libxvirt0
res "the purge leaves no file behind" sh -c \
    "! ls -d '$M/usr/sbin/xvirt-agent' '$M/etc/xvirt' '$M/var/lib/xvirt' '$M/usr/lib/$4/libxvirt.so.0' \
        '$M/etc/systemd/system/multi-user.target.wants/xvirt-agent.service' 2>/dev/null | grep ."
EOF
# unshare -m makes every mount of the new namespace private, which needs / to
# be a mount point; in a chroot (a fresh debootstrap tree) it is not, and
# unshare fails. When no mount is shared, the mounts of the new namespace
# reach no other namespace anyway: then their propagation is left as it is.
unshare=(unshare -m)
if ! mountpoint -q / && ! grep -q ' shared:' /proc/self/mountinfo; then
    unshare+=(--propagation unchanged)
fi
timeout 120 "${unshare[@]}" bash "$TMP/install.sh" "$TMP" "$APORT" "$UPSTREAM" "$MA" \
    </dev/null >"$TMP/install.log" 2>&1
rc=$?
if [ ! -s "$TMP/install.results" ]; then
    not_ok "the install in a throwaway root ran" "unshare exit status $rc" "$TMP/install.log"
fi
while IFS= read -r line; do
    case $line in
        "ok "*) ok "install: ${line#ok }" ;;
        "not ok "*) not_ok "install: ${line#not ok }" ;;
        *) echo "$line" ;;
    esac
done <"$TMP/install.results"
is "no installed agent is left running" "$(http_code "$APORT" /-/healthy)" 000
is "the real system is untouched" "$(ls /var/lib/dpkg/info/xvirt-agent.list /usr/sbin/xvirt-agent 2>&1)" \
    "$before"

done_testing
