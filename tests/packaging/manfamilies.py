#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""manfamilies.py: the metric families of xvirt-agent(8) and of a scrape.

Usage:
  manfamilies.py page PAGE.8         the families the METRICS section lists
  manfamilies.py scrape TEXT OM      the families a scrape holds

Each prints one family a line, sorted: "NAME TYPE LABELS GROUP", LABELS the
label names joined by commas ("-": none), TYPE counter, gauge, info or
histogram (whose _bucket, _sum and _count series count as the family's,
without the buckets' le).

page: in the section METRICS, each .TP entry whose tag is a family name
(".B \\%xvirt_domain_state") and whose first line says its type and labels
("Gauge; labels domain, uuid." or "Counter; no labels."); GROUP is the
collector of the subsection (".SS \\"Collector vcpu\\"": vcpu), or the
subsection's title in lower case with "-" for spaces ("every-sample").

scrape: TEXT is /metrics in the text format 0.0.4, OM the same in
OpenMetrics 1.0.0. The families are those of TEXT's TYPE lines; a gauge is
"info" when OM declares the family without its "_info" suffix of type info.
LABELS are the label names of the family's samples; GROUP is "-".
"""
import re
import sys

TAG = re.compile(r"^\.B\s+([a-z_:][a-z0-9_:]*)$")
BODY = re.compile(r"^(Counter|Gauge|Info|Histogram); (?:no labels|labels ([a-z_, ]+))\.$")
TYPE = re.compile(r"^# TYPE (\S+) (\S+)$")
SAMPLE = re.compile(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? \S+")
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="(?:[^"\\]|\\.)*"')


def page(path):
    lines = [l.replace("\\%", "") for l in open(path, encoding="utf-8").read().split("\n")]
    out = []
    section, group = "", ""
    for i, line in enumerate(lines):
        if line.startswith(".SH"):
            section = line[3:].strip().strip('"')
            continue
        if section != "METRICS":
            continue
        if line.startswith(".SS"):
            title = line[3:].strip().strip('"')
            m = re.match(r"^Collector (\w+)$", title)
            group = m.group(1) if m else title.lower().replace(" ", "-")
            continue
        if line != ".TP" or i + 2 >= len(lines):
            continue
        tag, body = TAG.match(lines[i + 1]), BODY.match(lines[i + 2])
        if not tag:
            continue
        if not body:
            sys.exit(f"manfamilies: {path}: {tag.group(1)}: the line after the tag is not "
                     f"'Type; labels a, b.' nor 'Type; no labels.': {lines[i + 2]}")
        labels = sorted(body.group(2).split(", ")) if body.group(2) else []
        out.append((tag.group(1), body.group(1).lower(), ",".join(labels) or "-", group))
    if not out:
        sys.exit(f"manfamilies: {path}: no family in METRICS")
    return out


def scrape(text, om):
    types, labels = {}, {}
    for line in open(text, encoding="utf-8"):
        line = line.rstrip("\n")
        m = TYPE.match(line)
        if m:
            types[m.group(1)] = m.group(2)
            labels.setdefault(m.group(1), set())
            continue
        m = SAMPLE.match(line)
        if m and not line.startswith("#"):
            name, found = m.group(1), set(LABEL.findall(m.group(2) or ""))
            base = re.sub(r"_(bucket|sum|count)$", "", name)
            if name not in types and types.get(base) == "histogram":
                # a histogram's series: its buckets' le is not a label of the family
                name = base
                found.discard("le")
            if name not in types:
                sys.exit(f"manfamilies: {text}: sample of an undeclared family: {line}")
            labels[name].update(found)
    om_types = {}
    for line in open(om, encoding="utf-8"):
        m = TYPE.match(line.rstrip("\n"))
        if m:
            om_types[m.group(1)] = m.group(2)
    out = []
    for name, t in types.items():
        if t == "gauge" and name.endswith("_info") and om_types.get(name[:-5]) == "info":
            t = "info"
        out.append((name, t, ",".join(sorted(labels[name])) or "-", "-"))
    return out


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "page":
        rows = page(sys.argv[2])
    elif len(sys.argv) == 4 and sys.argv[1] == "scrape":
        rows = scrape(sys.argv[2], sys.argv[3])
    else:
        sys.exit(__doc__.split("\n\n")[1])
    for row in sorted(rows):
        print(" ".join(row))


if __name__ == "__main__":
    main()
