#!/usr/bin/env python3
"""The include graph between the project's libraries, and whether it points down only.

Each source file belongs to a component: cli, app, a formats/ library (formats/<folder>) or
core. An edge A -> B is drawn when a file of A includes a project header of B. The layers are
cli -> app -> formats -> core: an edge from a lower layer to a higher one, or a cycle among the
formats/ libraries, is an error. Third-party headers included by core (anything but fmt and the
standard library) are errors too. With --cmake BUILD_DIR the CMake link list of every library
target is printed beside (from `cmake --graphviz`).

  tools/include_graph.py [--cmake build/ci]      exit 1 when a rule is broken

One exception, stated in ARCHITECTURE ("OpenSSL may sit behind a small digest adapter"): the .cpp
files of core/digest include OpenSSL's EVP, so that the digests every layer needs come from one
place; no header of core includes it.
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile
from collections import defaultdict

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LAYERS = {"cli": 3, "app": 2, "formats": 1, "core": 0}
INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]', re.M)
# Standard headers have no extension (and a few C ones); fmt is the one library core may use.
CORE_ALLOWED_SYSTEM = re.compile(r"^(fmt/.*|[a-z_]+|[a-z]+\.h|sys/.*|unistd\.h|fcntl\.h|cstd.*)$")


def component(path):
    parts = path.split("/")
    if parts[0] in ("cli", "app", "core"):
        return parts[0]
    if parts[0] == "formats" and len(parts) > 2:
        return "formats/" + parts[1]
    return None


def layer(comp):
    return LAYERS[comp.split("/")[0]]


def sources():
    for top in LAYERS:
        base = os.path.join(ROOT, top)
        for dirpath, _, files in os.walk(base):
            for f in files:
                if f.endswith((".h", ".cpp", ".in")):
                    full = os.path.join(dirpath, f)
                    yield os.path.relpath(full, ROOT)


def cmake_links(build_dir):
    with tempfile.TemporaryDirectory() as tmp:
        dot = os.path.join(tmp, "deps.dot")
        subprocess.run(["cmake", "--graphviz=" + dot, "."], cwd=build_dir, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        text = open(dot).read()
    names = {node: label.split("\\n")[0] for node, label in re.findall(r'"(node\d+)" \[ label = "([^"]+)"', text)}
    links = defaultdict(set)
    for a, b in re.findall(r'"(node\d+)" -> "(node\d+)"', text):
        links[names[a]].add(names[b])
    return links


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cmake", help="a configured build folder: print each library's link list")
    args = ap.parse_args()
    edges = defaultdict(set)  # (from, to) -> files
    problems = []
    exceptions = set()
    for path in sorted(sources()):
        comp = component(path)
        if comp is None:
            continue
        text = open(os.path.join(ROOT, path), encoding="utf-8", errors="replace").read()
        for kind, header in INCLUDE.findall(text):
            target = component(header) if kind == '"' else None
            if target is None and kind == '"' and header.startswith("triage/"):
                target = "core"  # generated version header
            if kind == "<" and comp == "core" and not CORE_ALLOWED_SYSTEM.match(header):
                if path.startswith("core/digest/") and path.endswith(".cpp") and header.startswith("openssl/"):
                    exceptions.add(f"{path} includes <{header}> (the digest adapter)")
                else:
                    problems.append(f"{path}: core includes the third-party header <{header}>")
            if target is None or target == comp:
                continue
            edges[(comp, target)].add(path)
            if layer(target) > layer(comp):
                problems.append(f"{path}: {comp} -> {target} points up ({header})")
    # Cycles among components.
    graph = defaultdict(set)
    for a, b in edges:
        graph[a].add(b)
    state = {}

    def visit(node, stack):
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                problems.append("cycle: " + " -> ".join(stack[stack.index(nxt):] + [nxt]))
            elif nxt not in state:
                visit(nxt, stack + [nxt])
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    print("include graph (component -> components it includes, with the number of files):")
    for comp in sorted({a for a, _ in edges} | {b for _, b in edges}, key=lambda c: (-layer(c), c)):
        outs = sorted(((b, len(files)) for (a, b), files in edges.items() if a == comp), key=lambda x: (-layer(x[0]), x[0]))
        print(f"  {comp:18} -> " + (", ".join(f"{b} ({n})" for b, n in outs) if outs else "(nothing)"))
    if args.cmake:
        links = cmake_links(args.cmake)
        print("CMake link lists (library -> what it links):")
        for target in sorted(t for t in links if t.startswith("triage_")):
            print(f"  {target:24} -> " + ", ".join(sorted(links[target])))
    for e in sorted(exceptions):
        print("include graph: allowed: " + e)
    for p in problems:
        print("include graph: " + p, file=sys.stderr)
    print(f"include graph: {'OK: every edge points down, no cycle' if not problems else str(len(problems)) + ' problems'}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
