#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""gen-node.py: writes a simulated host for the test driver (test:///ABS/FILE.xml).

The output is deterministic: N domains named dom-0001, dom-0002..., each
with V vcpus and MEM MiB, with fixed UUIDs, so runs can be compared. The
domains run (IDs 1..N) unless --paused/--shutoff turn the last ones into
paused or defined-but-off domains. --churn adds scripted events (crashes
with restart, guest reboots) so that domains change IDs while an agent
samples (until --churn-until, default an hour), and --faults makes a few
calls fail now and then; the simulated clock then runs at real-time speed.

--demand gives each guest a memory demand (30% to 95% of its memory), for
balloon policies.

Usage: gen-node.py -n N [-v V] [-m MIB] [--paused K] [--shutoff K]
                   [--churn SECONDS [--churn-until SECONDS]] [--faults]
                   [--demand] [-o FILE]
"""
import argparse
import sys


def domain_uuid(i):
    # fixed, unique, valid: the index in the last 12 hex digits
    return f"9a7e0b52-4c1d-4e8f-a6b3-{i:012x}"


def domain_name(i, n):
    # dom-0001...: four digits at least, more for larger hosts (still sorted)
    return f"dom-{i:0{max(4, len(str(n)))}d}"


def disk_target(k):
    return "xvd" + "abcdefghijklmnopqrstuvwxyz"[k]


def write_devices(a, i, name, emit):
    emit("    <devices>")
    for k in range(a.disks):
        image = f"/srv/xen/{name}.img" if k == 0 else f"/srv/xen/{name}-{k}.img"
        emit("      <disk type='file' device='disk'>"
             f"<source file='{image}'/><target dev='{disk_target(k)}'/></disk>")
    for k in range(a.nics):
        emit("      <interface type='bridge'>"
             f"<mac address='00:16:3e:{(i >> 16) & 0xff:02x}:{(i >> 8) & 0xff:02x}:{i & 0xff:02x}'/>"
             f"<source bridge='xenbr{k}'/><target dev='vif{i}.{k}'/></interface>")
    emit("    </devices>")
    if not a.io:
        return
    # rates per simulated second, different per domain so sums are checkable
    for k in range(a.disks):
        emit(f"    <xvirt:io device='{disk_target(k)}' rd-bytes='{4096 * (i % 64 + 1)}'"
             f" rd-req='{i % 64 + 1}' wr-bytes='{2048 * (i % 32 + 1)}' wr-req='{i % 32 + 1}'"
             " errs='0'/>")
    for k in range(a.nics):
        emit(f"    <xvirt:io device='vif{i}.{k}' rx-bytes='{1500 * (i % 50 + 1)}'"
             f" rx-packets='{i % 50 + 1}' rx-errs='0' rx-drop='0'"
             f" tx-bytes='{1000 * (i % 40 + 1)}' tx-packets='{i % 40 + 1}'"
             " tx-errs='0' tx-drop='0'/>")


def write_node(a, out):
    host_cpus = 64
    emit = out.append
    emit("<?xml version='1.0'?>")
    # (no "--" inside an XML comment)
    emit(f"<!-- gen-node.py: domains={a.domains} vcpus={a.vcpus} memory_mib={a.memory_mib}"
         f" paused={a.paused} shutoff={a.shutoff} churn={a.churn}"
         f" churn_until={a.churn_until} faults={a.faults} -->")
    emit("<node xmlns:xvirt='http://xvirt.dev/schemas/test/1.0'"
         " xmlns:test='http://libvirt.org/schemas/domain/test/1.0'>")
    emit("  <cpu><mhz>2400</mhz><model>x86_64</model>"
         f"<active>{host_cpus}</active><nodes>2</nodes><sockets>1</sockets>"
         "<cores>16</cores><threads>2</threads></cpu>")
    emit(f"  <memory>{max(a.domains * a.memory_mib * 1024 * 2, 16 << 20)}</memory>")
    emit("  <xvirt:hypervisor version='4.17.0' type='Xen'/>")
    running = a.domains - a.paused - a.shutoff
    if a.churn > 0 or a.faults:
        emit("  <xvirt:clock rate='1' start='0'/>")
        emit("  <xvirt:events>")
    if a.churn > 0:
        # every CHURN seconds one running domain crashes (and is restarted
        # with a new ID) and another reboots
        for k, t in enumerate(range(a.churn, a.churn_until + 1, a.churn)):
            emit(f"    <xvirt:crash at='{t}' domain='{domain_name(k % running + 1, a.domains)}'/>")
            emit(f"    <xvirt:reboot at='{t}'"
                 f" domain='{domain_name((k + 7) % running + 1, a.domains)}'/>")
    if a.faults:
        # from time to time a call fails a few times: a domain's info,
        # vcpus or OS type, or a whole listing
        calls = ["virDomainGetInfo", "virDomainGetVcpus", "virDomainGetOSType",
                 "virConnectListDefinedDomains", "virConnectListDomains"]
        for k, t in enumerate(range(2, a.churn_until + 1, 5)):
            emit(f"    <xvirt:fault at='{t}' call='{calls[k % len(calls)]}' mode='fail'"
                 " count='3'/>")
    if a.churn > 0 or a.faults:
        emit("  </xvirt:events>")
    first_paused = a.domains - a.paused - a.shutoff + 1
    first_off = a.domains - a.shutoff + 1
    for i in range(1, a.domains + 1):
        name = domain_name(i, a.domains)
        kib = a.memory_mib * 1024
        emit("  <domain type='xen'>")
        emit(f"    <name>{name}</name><uuid>{domain_uuid(i)}</uuid>")
        emit(f"    <memory>{kib}</memory><currentMemory>{kib}</currentMemory>")
        # every other domain is pinned to the first socket
        cpuset = " cpuset='0-31'" if i % 2 == 0 else ""
        emit(f"    <vcpu{cpuset}>{a.vcpus}</vcpu>")
        if i % 3 == 0:
            emit("    <os><type>hvm</type><boot dev='hd'/></os>")
        else:
            emit("    <os><type>linux</type><kernel>/boot/vmlinuz-xen</kernel></os>")
        emit("    <on_crash>restart</on_crash><on_reboot>restart</on_reboot>")
        write_devices(a, i, name, emit)
        emit(f"    <xvirt:vcpu-load vcpu='all' load='{(i % 10) / 10 + 0.05:.2f}'/>")
        if a.demand:
            # what the guest wants: 30% to 95% of its memory, by domain
            emit(f"    <xvirt:memory-demand kib='{kib * (30 + (i * 7) % 66) // 100}'/>")
        if i >= first_off:
            emit("    <test:runstate>5</test:runstate>")
        elif i >= first_paused:
            emit("    <test:runstate>3</test:runstate>")
        emit("  </domain>")
    emit("</node>")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", "--domains", type=int, required=True)
    ap.add_argument("-v", "--vcpus", type=int, default=4)
    ap.add_argument("-m", "--memory-mib", type=int, default=512)
    ap.add_argument("--disks", type=int, default=1)
    ap.add_argument("--nics", type=int, default=0)
    ap.add_argument("--io", action="store_true")
    ap.add_argument("--paused", type=int, default=0)
    ap.add_argument("--shutoff", type=int, default=0)
    ap.add_argument("--churn", type=int, default=0, metavar="SECONDS")
    ap.add_argument("--churn-until", type=int, default=3600, metavar="SECONDS")
    ap.add_argument("--faults", action="store_true")
    ap.add_argument("--demand", action="store_true")
    ap.add_argument("-o", "--output", default="-")
    a = ap.parse_args()
    if a.domains < 1 or a.domains > 99999 or a.vcpus < 1 or a.memory_mib < 1:
        ap.error("need 1 <= N <= 99999, V >= 1, MIB >= 1")
    if not 0 <= a.disks <= 26 or a.nics < 0:
        ap.error("need 0 <= D <= 26, K >= 0")
    if a.paused < 0 or a.shutoff < 0 or a.paused + a.shutoff >= a.domains:
        ap.error("--paused + --shutoff must leave at least one running domain")
    out = []
    write_node(a, out)
    text = "\n".join(out) + "\n"
    if a.output == "-":
        sys.stdout.write(text)
    else:
        with open(a.output, "w", encoding="utf-8") as f:
            f.write(text)


if __name__ == "__main__":
    main()
