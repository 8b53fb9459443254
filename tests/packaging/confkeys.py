#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""confkeys.py: the keys of xvirt-agent's configuration, three ways.

Usage:
  confkeys.py probe AGENT       the keys the parser accepts, asked of the agent
  confkeys.py page PAGE.5       the keys xvirt-agent.yaml(5) documents (tags)
  confkeys.py sections PAGE.5   its section titles, lowercased
  confkeys.py example FILE      the keys the commented example mentions
  confkeys.py examples PAGE.5 DIR
                                writes the files of the page's EXAMPLE
                                section into DIR, each named as the page
                                names it (the line before its block)

Each prints one key path a line, sorted: "listen.port",
"sampling.collectors.memory", "policies" and, for the keys of a policy entry
of type T, "policies[T].backoff", "policies[T].domains.names",
"policies[balloon].overrides[].priority". Mappings and lists of mappings are
paths too ("listen", "policies[T].domains", "policies[balloon].overrides").

probe: no list is kept here. The parser names the keys it accepts whenever
it refuses one ("unknown key 'x' in 'listen' (expected one of: address,
port, ...)"), from the very tables it checks keys against (agent_conf.c's
and the policy types' keys). So a key is probed by writing a file where it
holds a mapping with one unknown key and running `AGENT --check-config` on
it: the refusal lists the keys of that mapping, and each is probed in turn.
A key whose value is no mapping (the refusal is about its value) is a leaf;
one refused as a mapping is tried as a list of mappings. Policy entries
need a name and a type: the types come from the refusal of an unknown type,
and each type's entry is probed apart.

page: the bold tags of the page's .TP/.TQ entries (".B listen.port",
".BR domains.names \", \" domains.uuids"), italic ones being value types;
the tags in the sections "POLICY ENTRIES" (every type's keys) and "<TYPE>
POLICY" (one type's) are relative to a policy entry. A section titled
after a top-level key ("LISTEN", "STATE_DIR") documents that key: that is
what `sections` is for.

example: the keys of the file, commented-out settings ("#uri: ...",
"  #state_dir: ...": a '#' right before the key) counted as mentioned;
comments ("# text", "#   enabled: true   meaning") and list items are not
read.
"""
import os
import re
import shlex
import subprocess
import sys
import tempfile

PROBE = "xv_probe"
KEY = re.compile(r"^[a-z_]+(\[\])?(\.[a-z_]+(\[\])?)*$")
UNKNOWN_KEY = re.compile(r"unknown key '" + PROBE + r"' (?:in '[^']*'|at the top level) "
                         r"\(expected one of: ([^)]*)\)")
UNKNOWN_TYPE = re.compile(r"unknown policy type '" + PROBE + r"' \(expected one of: ([^)]*)\)")


def emit(node, indent=0):
    """Block YAML for nested dicts, lists and scalar strings."""
    pad = " " * indent
    out = []
    if isinstance(node, dict):
        for k, v in node.items():
            if isinstance(v, (dict, list)):
                out.append(f"{pad}{k}:")
                out.extend(emit(v, indent + 2))
            else:
                out.append(f"{pad}{k}: {v}")
    else:
        for item in node:
            lines = emit(item, indent + 2)
            out.append(pad + "- " + lines[0].lstrip())
            out.extend(lines[1:])
    return out


class Prober:
    def __init__(self, agent, tmpdir):
        self.agent = agent
        self.file = os.path.join(tmpdir, "probe.yaml")
        self.runs = 0

    def check(self, doc):
        """The agent's verdict on @doc (stderr), '' if it is valid."""
        with open(self.file, "w") as f:
            f.write("\n".join(emit(doc)) + "\n")
        self.runs += 1
        r = subprocess.run([self.agent, "--check-config", self.file], stdin=subprocess.DEVNULL,
                           capture_output=True, text=True, timeout=60)
        if r.returncode not in (0, 1):
            sys.exit(f"confkeys: {self.agent} --check-config exited {r.returncode}: {r.stderr}")
        return r.stderr if r.returncode else ""

    def keys_of(self, wrap):
        """The keys of the mapping wrap(m) puts m at, or None if it is no mapping."""
        m = UNKNOWN_KEY.search(self.check(wrap({PROBE: "1"})))
        return m.group(1).split(", ") if m else None

    def walk(self, wrap, prefix, out):
        """Every path under the mapping at wrap(), named from prefix."""
        keys = self.keys_of(wrap)
        if keys is None:
            sys.exit(f"confkeys: {prefix or 'the top level'} is not a mapping")
        for k in keys:
            path = f"{prefix}.{k}" if prefix else k
            out.add(path)
            if prefix == "" and k == "policies":
                self.walk_policies(out)
                continue
            below = (lambda w, k: lambda m: w({k: m}))(wrap, k)
            if self.keys_of(below) is not None:
                self.walk(below, path, out)
                continue
            items = (lambda w, k: lambda m: w({k: [m]}))(wrap, k)
            if self.keys_of(items) is not None:
                self.walk(items, path + "[]", out)

    def walk_policies(self, out):
        m = UNKNOWN_TYPE.search(self.check({"policies": [{"name": "p", "type": PROBE}]}))
        if not m:
            sys.exit("confkeys: the agent named no policy type")
        for t in m.group(1).split(", "):
            entry = (lambda t: lambda m: {"policies": [dict({"name": "p", "type": t}, **m)]})(t)
            self.walk(entry, f"policies[{t}]", out)


def probe(agent):
    with tempfile.TemporaryDirectory() as tmp:
        p = Prober(agent, tmp)
        out = set()
        p.walk(lambda m: m, "", out)
    if not out or "policies" not in out:
        sys.exit("confkeys: the probe found no keys")
    return out


def tag_words(line):
    """The bold words of a tag line (.B, .BR, .RB, .BI, .IB), '' for others."""
    m = re.match(r"^\.(B|BR|RB|BI|IB)\s+(.*)$", line)
    if not m:
        return []
    macro, words = m.group(1), shlex.split(m.group(2).replace("\\-", "-"))
    if macro == "B":
        return [" ".join(words)]
    first = 0 if macro[0] == "B" else 1
    return words[first::2]


def section_title(line):
    """The title of a .SH line, or None."""
    if not line.startswith(".SH"):
        return None
    return line[3:].strip().strip('"')


def sections(path):
    return {t.lower() for t in map(section_title, open(path, encoding="utf-8")) if t}


def unroff(line):
    """A line of an .EX block as the reader sees it (the escapes used there)."""
    for esc, char in (("\\-", "-"), ("\\(dq", '"'), ("\\(aq", "'"), ("\\e", "\\"),
                      ("\\&", "")):
        line = line.replace(esc, char)
    return line


def examples(path, outdir):
    """The .EX blocks of EXAMPLE, each into the file named by the .I line before it."""
    section, name, block, written = "", None, None, []
    for line in open(path, encoding="utf-8").read().split("\n"):
        title = section_title(line)
        if title is not None:
            section = title
        elif section != "EXAMPLE":
            continue
        elif line.startswith(".I ") and block is None:
            name = os.path.basename(line[3:].strip().strip('"').replace("\\-", "-"))
        elif line == ".EX":
            block = []
        elif line == ".EE":
            if not name:
                sys.exit("confkeys: an EXAMPLE block without a file name before it")
            with open(os.path.join(outdir, name), "w") as f:
                f.write("\n".join(block) + "\n")
            written.append(name)
            block, name = None, None
        elif block is not None:
            block.append(unroff(line))
    if not written:
        sys.exit("confkeys: no EXAMPLE block")
    return written


def page(path):
    types_seen = set()
    out = set()
    section = ""
    lines = open(path, encoding="utf-8").read().split("\n")
    for i, line in enumerate(lines):
        title = section_title(line)
        if title is not None:
            section = title
            continue
        if line not in (".TP", ".TQ") or i + 1 >= len(lines):
            continue
        m = re.match(r"^([A-Z]+) POLICY$", section)
        for word in tag_words(lines[i + 1]):
            if not KEY.match(word):
                continue
            if section == "POLICY ENTRIES":
                out.add("policies[*]." + word)
            elif m:
                types_seen.add(m.group(1).lower())
                out.add(f"policies[{m.group(1).lower()}].{word}")
            else:
                out.add(word)
    # the common keys hold for every type documented
    for key in [k for k in out if k.startswith("policies[*].")]:
        out.discard(key)
        for t in types_seen:
            out.add(key.replace("[*]", f"[{t}]", 1))
    return out


def example(path):
    out = set()
    stack = []   # (indent, key)
    for line in open(path, encoding="utf-8"):
        line = line.rstrip("\n")
        m = re.match(r"^(\s*)#?([a-z_]+):(\s|$)", line)
        if not m:
            continue
        indent = len(m.group(1))
        while stack and stack[-1][0] >= indent:
            stack.pop()
        stack.append((indent, m.group(2)))
        out.add(".".join(k for _, k in stack))
    return out


def main():
    cmds = {"probe": probe, "page": page, "sections": sections, "example": example}
    if len(sys.argv) == 4 and sys.argv[1] == "examples":
        for name in examples(sys.argv[2], sys.argv[3]):
            print(name)
        return
    if len(sys.argv) != 3 or sys.argv[1] not in cmds:
        sys.exit(__doc__.split("\n\n")[1])
    for k in sorted(cmds[sys.argv[1]](sys.argv[2])):
        print(k)


if __name__ == "__main__":
    main()
