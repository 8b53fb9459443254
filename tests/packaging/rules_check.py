#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""rules_check.py: checks of xvirt-alerts.yml for tests/packaging/rules_test.sh.

  rules_check.py conventions ALERTS RUNBOOKS URL
      every alert has a `for:` longer than 0, and a runbook_url URL#SECTION
      where SECTION is the anchor of a heading of RUNBOOKS (GitHub's rule:
      lower case, punctuation dropped, spaces to dashes); every "## Xvirt..."
      section of RUNBOOKS is an alert. Prints the problems; exit 1 if any.
  rules_check.py for-timing ALERTS UNIT-TEST
      for each alert, its `for:` set to 0s and then to twice its value (in
      place, restored afterwards): `promtool test rules UNIT-TEST` must fail
      on a case of that alert. Prints the alerts whose `for:` no case
      exercises; exit 1 if any.
"""
import os
import re
import subprocess
import sys

import yaml

ALERT_LINE = re.compile(r"\s*- alert: (\w+)")
OTHER_RULE_LINE = re.compile(r"\s*- (record|name):")
FOR_LINE = re.compile(r"(\s*)for: (\S+)")
UNITS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800, "y": 31536000}


def seconds(duration):
    """A Prometheus duration ("1h30m") in seconds."""
    parts = re.findall(r"(\d+)(ms|[smhdwy])", duration)
    if not parts or "".join(n + u for n, u in parts) != duration:
        raise ValueError(f"not a duration: {duration!r}")
    return sum(int(n) * UNITS[u] for n, u in parts)


def anchor(heading):
    """The anchor GitHub (and most Markdown renderers) give a heading."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def alerts_of(path):
    with open(path, encoding="utf-8") as f:
        groups = yaml.safe_load(f)["groups"]
    return [r for g in groups for r in g["rules"] if "alert" in r]


def conventions(alerts_path, runbooks_path, url):
    with open(runbooks_path, encoding="utf-8") as f:
        headings = [m.group(1) for m in re.finditer(r"^#{1,6} (.+)$", f.read(), re.M)]
    anchors = {anchor(h) for h in headings}
    bad = []
    names = set()
    for rule in alerts_of(alerts_path):
        name = rule["alert"]
        names.add(name)
        try:
            if seconds(str(rule.get("for", "0s"))) <= 0:
                bad.append(f"{name}: no for:")
        except ValueError as e:
            bad.append(f"{name}: {e}")
        link = rule.get("annotations", {}).get("runbook_url")
        if not link:
            bad.append(f"{name}: no runbook_url")
            continue
        base, _, section = link.partition("#")
        if base != url:
            bad.append(f"{name}: runbook_url {link} is not under {url}")
        if section not in anchors:
            bad.append(f"{name}: runbook_url {link}: no section #{section} in "
                       f"{os.path.basename(runbooks_path)}")
    for h in headings:
        if re.fullmatch(r"Xvirt\w+", h) and h not in names:
            bad.append(f"{os.path.basename(runbooks_path)}: section {h} is no alert")
    for problem in bad:
        print(problem)
    return 1 if bad else 0


def with_for(lines, alert, value):
    """The rule file's lines with the `for:` of @alert set to @value."""
    out, current = [], None
    for line in lines:
        m = ALERT_LINE.match(line)
        if m:
            current = m.group(1)
        elif OTHER_RULE_LINE.match(line):
            current = None
        f = FOR_LINE.match(line)
        if f and current == alert:
            line = f"{f.group(1)}for: {value(seconds(f.group(2)))}s"
        out.append(line)
    return out


def for_timing(alerts_path, unit_test):
    with open(alerts_path, encoding="utf-8") as f:
        original = f.read()
    lines = original.split("\n")
    missed = []
    try:
        for rule in alerts_of(alerts_path):
            name = rule["alert"]
            for how, value in (("0s", lambda s: 0), ("twice", lambda s: 2 * s)):
                with open(alerts_path, "w", encoding="utf-8") as f:
                    f.write("\n".join(with_for(lines, name, value)))
                r = subprocess.run(["promtool", "test", "rules", unit_test],
                                   capture_output=True, text=True, check=False)
                if r.returncode == 0 or f"alertname: {name}," not in r.stdout + r.stderr:
                    missed.append(f"{name}: for: {how} fails no case of it")
    finally:
        with open(alerts_path, "w", encoding="utf-8") as f:
            f.write(original)
    for m in missed:
        print(m)
    return 1 if missed else 0


def main(argv):
    if len(argv) == 5 and argv[1] == "conventions":
        return conventions(argv[2], argv[3], argv[4])
    if len(argv) == 4 and argv[1] == "for-timing":
        return for_timing(argv[2], argv[3])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
