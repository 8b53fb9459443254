#!/usr/bin/env bash
# install_test.sh: the installed libxvirt is usable the way the README says:
# headers under <includedir>/xvirt, xvirt.pc, -lxvirt, and a program written
# for the seed API builds with pkg-config and runs against the test driver.
set -u
# shellcheck source=../common/tap.sh
. "$(dirname "${BASH_SOURCE[0]}")/../common/tap.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if meson install -C "$XV_TEST_BUILDDIR" --no-rebuild --destdir "$tmp/root" >"$tmp/install.log" 2>&1; then
  ok "meson install into a staging directory"
else
  not_ok "meson install into a staging directory" "$(tail -3 "$tmp/install.log")"
fi

pc=$(find "$tmp/root" -name xvirt.pc | head -1)
hdr=$(find "$tmp/root" -path '*/include/xvirt/libvirt/libvirt.h' | head -1)
if [ -n "$hdr" ] && [ -f "$(dirname "$hdr")/virterror.h" ]; then
  ok "headers installed as <includedir>/xvirt/libvirt/{libvirt,virterror}.h"
else
  not_ok "headers installed as <includedir>/xvirt/libvirt/{libvirt,virterror}.h"
fi

if [ -n "$pc" ]; then
  prefix=$(sed -n 's/^prefix=//p' "$pc")
  pcflags=(--define-variable=prefix="$tmp/root$prefix")
  cflags=$(PKG_CONFIG_PATH=$(dirname "$pc") pkg-config "${pcflags[@]}" --cflags xvirt)
  libs=$(PKG_CONFIG_PATH=$(dirname "$pc") pkg-config "${pcflags[@]}" --libs xvirt)
  case "$cflags" in
    *"/include/xvirt"*) ok "xvirt.pc points cflags at <includedir>/xvirt" ;;
    *) not_ok "xvirt.pc points cflags at <includedir>/xvirt" "cflags: $cflags" ;;
  esac
else
  not_ok "xvirt.pc installed"
  cflags="" libs=""
fi

# A seed-API program, compiled with the system libvirt's headers also on
# the include path: the -I from pkg-config must win.
cat >"$tmp/prog.c" <<'C'
#include <stdio.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

int
main(void)
{
    virConnectPtr conn = virConnectOpenReadOnly("test:///default");
    virNodeInfo info;
    unsigned long ver = 0;

    if (!conn || virNodeGetInfo(conn, &info) < 0)
        return 1;
    virGetVersion(&ver, "Test", NULL);
    printf("%s %u %lu %d\n", virConnectGetType(conn), info.cpus, ver,
           LIBVIR_VERSION_NUMBER);
    return virConnectClose(conn) == 0 ? 0 : 1;
}
C
# A sanitizer build of libxvirt needs its runtime first in the program.
libso=$(find "$tmp/root" -name 'libxvirt.so.0' | head -1)
san=""
if [ -n "$libso" ] && ldd "$libso" | grep -q libasan; then
  san="-fsanitize=address,undefined"
fi
# shellcheck disable=SC2086
if gcc $san -std=c99 -Wall -Werror $cflags -o "$tmp/prog" "$tmp/prog.c" $libs 2>"$tmp/cc.log"; then
  ok "a seed-API program builds with pkg-config --cflags --libs xvirt"
else
  not_ok "a seed-API program builds with pkg-config --cflags --libs xvirt" "$(head -5 "$tmp/cc.log")"
fi

# virGetVersion("Xen") answers from the Xen driver module, which the
# installed libxvirt loads for it.
cat >"$tmp/xenver.c" <<'C'
#include <stdio.h>
#include <libvirt/libvirt.h>

int
main(void)
{
    unsigned long lib = 0, ver = 0;

    if (virGetVersion(&lib, "Xen", &ver) < 0)
        return 1;
    printf("%lu\n", ver);
    return 0;
}
C
# shellcheck disable=SC2086
gcc $san -std=c99 -Wall -Werror $cflags -o "$tmp/xenver" "$tmp/xenver.c" $libs 2>>"$tmp/cc.log"

libdir=$(dirname "$(find "$tmp/root" -name 'libxvirt.so*' | head -1)")
out=$(LD_LIBRARY_PATH=$libdir "$tmp/prog" 2>&1)
if [ "$out" = "TEST 16 1000 1000" ]; then
  ok "it runs against the installed libxvirt (test:///default)"
else
  not_ok "it runs against the installed libxvirt (test:///default)" "got: $out"
fi
if LD_LIBRARY_PATH=$libdir ldd "$tmp/prog" | grep -q "libxvirt.so.0 => $libdir"; then
  ok "it links libxvirt.so.0, not a system libvirt"
else
  not_ok "it links libxvirt.so.0, not a system libvirt" "$(ldd "$tmp/prog" | grep -i virt)"
fi
unit=$(find "$tmp/root" -name xvirt-agent.service | head -1)
agent=$(find "$tmp/root" -type f -name xvirt-agent | head -1)
if [ -n "$unit" ] && [ -n "$agent" ] &&
   grep -q "^ExecStart=${agent#"$tmp/root"} --config " "$unit" &&
   [ -f "$tmp/root$(sed -n 's/^ExecStart=[^ ]* --config //p' "$unit")" ]; then
  ok "the systemd unit starts the installed agent with the installed config"
else
  not_ok "the systemd unit starts the installed agent with the installed config" "unit: ${unit:-none}"
fi
# The Xen driver is a module libxvirt.so loads from the directory compiled
# into it, and starts xvirt-xen-monitor from the path compiled into the module.
mod=$(find "$tmp/root" -type f -name libxvirt_driver_xen.so | head -1)
mon=$(find "$tmp/root" -type f -name xvirt-xen-monitor | head -1)
if [ -z "$mod" ] && [ -z "$mon" ]; then
  skip "the Xen driver module is installed where libxvirt looks for it" "built without the Xen driver"
  skip "the Xen driver's monitor is installed where the module looks for it" "built without the Xen driver"
else
  moddir=$(dirname "${mod:-/none/x}")
  xenver=$(XVIRT_DRIVER_DIR=$moddir LD_LIBRARY_PATH=$libdir "$tmp/xenver" 2>&1)
  if [ -n "$mod" ] && grep -aqF "${moddir#"$tmp/root"}" "$libso" &&
     [[ $xenver =~ ^[0-9]+$ ]] && [ "$xenver" -ge 3000000 ]; then
    ok "the Xen driver module is installed where libxvirt looks for it (${moddir#"$tmp/root"}) and loads"
  else
    not_ok "the Xen driver module is installed where libxvirt looks for it" \
      "installed: ${mod:-none}; virGetVersion(Xen): $xenver"
  fi
  if [ -n "$mon" ] && [ -x "$mon" ] && [ -n "$mod" ] && grep -aqF "${mon#"$tmp/root"}" "$mod"; then
    ok "the Xen driver's monitor is installed where the module looks for it (${mon#"$tmp/root"})"
  else
    not_ok "the Xen driver's monitor is installed where the module looks for it" "installed: ${mon:-none}"
  fi
fi
# The agent's web module (TLS, basic auth) is installed in the directory
# compiled into the agent.
web=$(find "$tmp/root" -type f -name libxvirt_agent_web.so | head -1)
if [ -n "$web" ] && [ -n "$agent" ] && grep -aqF "$(dirname "${web#"$tmp/root"}")" "$agent"; then
  ok "the agent's web module is installed where the agent looks for it (${web#"$tmp/root"})"
else
  not_ok "the agent's web module is installed where the agent looks for it" "installed: ${web:-none}"
fi
# Syntax only: the staging root has no systemd to resolve units against.
if ! command -v systemd-analyze >/dev/null; then
  skip "systemd-analyze finds no syntax error in the unit" "no systemd-analyze"
elif [ -n "$unit" ] && ! systemd-analyze verify --man=no "$unit" 2>&1 |
     grep -Ei 'unknown (key|section)|failed to parse|invalid|missing'; then
  ok "systemd-analyze finds no syntax error in the unit"
else
  not_ok "systemd-analyze finds no syntax error in the unit"
fi
done_testing 11
