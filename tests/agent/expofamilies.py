#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""expofamilies.py: checks the metadata structure of one exposition.

Usage: expofamilies.py text|openmetrics FILE

Checks that every metric family has exactly one HELP and exactly one TYPE
line (and, in OpenMetrics, at most one UNIT line naming a suffix of the
family), that the metadata comes before the family's samples, that every
sample belongs to a declared family (by the suffixes its type allows),
and that the samples of a family form one contiguous group. Prints one
line per problem and exits 1 if there is any; else prints a summary.
"""
import re
import sys

SUFFIXES = {
    "text": {
        "counter": [""], "gauge": [""], "untyped": [""],
        "histogram": ["_bucket", "_sum", "_count"],
        "summary": ["", "_sum", "_count"],
    },
    "openmetrics": {
        "counter": ["_total", "_created"], "gauge": [""], "unknown": [""],
        "info": ["_info"], "stateset": [""],
        "histogram": ["_bucket", "_sum", "_count", "_created"],
        "gaugehistogram": ["_bucket", "_gsum", "_gcount"],
        "summary": ["", "_sum", "_count", "_created"],
    },
}
META = re.compile(r"^# (HELP|TYPE|UNIT) ([a-zA-Z_:][a-zA-Z0-9_:]*)(?: (.*))?$")
SAMPLE = re.compile(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)[{ ]")


def check(fmt, lines):
    problems = []
    help_, type_, unit = {}, {}, {}
    closed = set()          # families whose group has ended
    current = None          # family of the group being read
    nsamples = 0
    nsamples_in_group = 0   # samples read in the current group
    for no, line in enumerate(lines, 1):
        if line == "# EOF" and fmt == "openmetrics":
            continue
        m = META.match(line)
        if m:
            kind, name, rest = m.group(1), m.group(2), m.group(3) or ""
            table = {"HELP": help_, "TYPE": type_, "UNIT": unit}[kind]
            if kind == "UNIT" and fmt == "text":
                problems.append(f"line {no}: UNIT line in the text format")
            if name in table:
                problems.append(f"line {no}: second {kind} line for {name}")
            table[name] = rest
            if kind == "TYPE" and rest not in SUFFIXES[fmt]:
                problems.append(f"line {no}: unknown type '{rest}' for {name}")
            if kind == "UNIT" and rest and not name.endswith("_" + rest):
                problems.append(f"line {no}: unit '{rest}' is not a suffix of {name}")
            if name in closed or (current == name and kind != "UNIT" and nsamples_in_group):
                problems.append(f"line {no}: {kind} of {name} after its samples")
            if current != name:
                if current is not None:
                    closed.add(current)
                current = name
                nsamples_in_group = 0
            continue
        if line.startswith("#"):
            if fmt == "openmetrics":
                problems.append(f"line {no}: comment not allowed in OpenMetrics: {line[:60]}")
            continue
        if not line.strip():
            problems.append(f"line {no}: empty line")
            continue
        m = SAMPLE.match(line)
        if not m:
            problems.append(f"line {no}: not a sample: {line[:60]}")
            continue
        nsamples += 1
        name = m.group(1)
        family = None
        for fam, typ in type_.items():
            for suffix in SUFFIXES[fmt].get(typ, []):
                if name == fam + suffix:
                    family = fam
        if family is None:
            problems.append(f"line {no}: sample {name} has no TYPE'd family")
            continue
        if family != current:
            if family in closed:
                problems.append(f"line {no}: {name} apart from the rest of {family}")
            if current is not None:
                closed.add(current)
            current = family
        nsamples_in_group = 1
    for fam in type_:
        if fam not in help_:
            problems.append(f"family {fam} has a TYPE but no HELP")
    for fam in help_:
        if fam not in type_:
            problems.append(f"family {fam} has a HELP but no TYPE")
    for fam in unit:
        if fam not in type_:
            problems.append(f"family {fam} has a UNIT but no TYPE")
    return problems, len(type_), nsamples


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in SUFFIXES:
        sys.exit("usage: expofamilies.py text|openmetrics FILE")
    with open(sys.argv[2], encoding="utf-8") as f:
        lines = f.read().split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    problems, nfam, nsamples = check(sys.argv[1], lines)
    for p in problems:
        print(p)
    if problems:
        sys.exit(1)
    print(f"{nfam} families, {nsamples} samples")


if __name__ == "__main__":
    main()
