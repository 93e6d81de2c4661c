#!/usr/bin/env python3
"""lint_include_graph: every #include of a project header follows an arrow of the graph.

The graph is written once, in docs/architecture.md, section "## Who may include whom": a table
`module | folder | may include` and a list of exceptions `- `from → to`: reason`. This script
reads both, maps every source file and every included header to the module whose folder holds it
(the longest folder wins, so vm/asm is asm, not vm) and fails on an include whose arrow is neither
in the table nor an exception, naming file:line and the arrow.

usage: include_graph.py <source root>
"""
import os
import re
import sys

SECTION = "## Who may include whom"
SOURCE_EXT = (".h", ".hpp", ".cpp", ".cc", ".inc")
SKIP_DIRS = {".git", "build", "node_modules"}
INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')
ARROW = re.compile(r"^\s*[-*]\s*`\s*([\w-]+)\s*(?:→|->)\s*([\w-]+)\s*`\s*:\s*(\S.*)$")


def read_graph(doc_path):
    """Returns (modules: [(name, folder)], allowed: {name: set or '*'}, exceptions: {(a, b): reason})."""
    with open(doc_path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    try:
        start = next(i for i, l in enumerate(lines) if l.strip() == SECTION)
    except StopIteration:
        sys.exit(f"{doc_path}: no section '{SECTION}'")
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
    modules, allowed, exceptions = [], {}, {}
    header = None
    for line in lines[start + 1:end]:
        m = ARROW.match(line)
        if m:
            exceptions[(m.group(1), m.group(2))] = m.group(3).strip()
            continue
        if not line.strip().startswith("|"):
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if header is None:
            header = [c.lower() for c in cells]
            for need in ("module", "folder", "may include"):
                if need not in header:
                    sys.exit(f"{doc_path}: the table in '{SECTION}' has no column '{need}'")
            continue
        if all(set(c) <= set("-: ") for c in cells):
            continue  # the |---| row
        row = dict(zip(header, cells))
        name = row["module"].strip("`")
        folder = row["folder"].strip("`").strip("/")
        targets = row["may include"]
        if targets.strip() == "*":
            allowed[name] = "*"
        else:
            allowed[name] = {t.strip().strip("`") for t in targets.split(",")
                             if t.strip() and t.strip() not in ("—", "-", "nothing")}
        modules.append((name, folder))
    if not modules:
        sys.exit(f"{doc_path}: no rows in the table of '{SECTION}'")
    names = {n for n, _ in modules}
    for name, targets in allowed.items():
        if targets != "*":
            for t in sorted(targets - names):
                sys.exit(f"{doc_path}: module '{name}' may include '{t}', which the table does not define")
    for a, b in exceptions:
        if a not in names or b not in names:
            sys.exit(f"{doc_path}: exception '{a} → {b}' names a module the table does not define")
    # Longest folder first, so that the most specific folder owns a path.
    modules.sort(key=lambda m: -len(m[1]))
    return modules, allowed, exceptions


def module_of(path, modules):
    for name, folder in modules:
        if path == folder or path.startswith(folder + "/"):
            return name
    return None


def main():
    root = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else ".")
    modules, allowed, exceptions = read_graph(os.path.join(root, "docs", "architecture.md"))
    used_exceptions = set()
    errors = []
    checked = 0
    for name, folder in modules:
        base = os.path.join(root, folder)
        if not os.path.isdir(base):
            errors.append(f"docs/architecture.md: module '{name}' names folder '{folder}', which does not exist")
            continue
        for dirpath, dirnames, filenames in os.walk(base):
            dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS)
            for fn in sorted(filenames):
                if not fn.endswith(SOURCE_EXT):
                    continue
                path = os.path.relpath(os.path.join(dirpath, fn), root)
                owner = module_of(path, modules)
                if owner != name:
                    continue  # a deeper module's file (vm/asm inside vm/): checked there
                with open(os.path.join(root, path), encoding="utf-8", errors="replace") as f:
                    for lineno, line in enumerate(f, 1):
                        m = INCLUDE.match(line)
                        if not m:
                            continue
                        target = m.group(2)
                        if m.group(1) == '"':
                            # Quoted: relative to the including file first (test helpers, generated .inc).
                            rel = os.path.normpath(os.path.join(os.path.dirname(path), target))
                            if os.path.exists(os.path.join(root, rel)):
                                target = rel
                        tmod = module_of(target, modules)
                        if tmod is None or tmod == owner:
                            continue  # a system or third-party header, or the module's own
                        checked += 1
                        rule = allowed.get(owner, set())
                        if rule == "*" or tmod in rule:
                            continue
                        if (owner, tmod) in exceptions:
                            used_exceptions.add((owner, tmod))
                            continue
                        spelled = line.strip()
                        may = ", ".join(sorted(rule)) or "nothing"
                        errors.append(f"{path}:{lineno}: {owner} → {tmod} is not an arrow of the graph"
                                      f" ({spelled}; {owner} may include: {may})")
    for a, b in sorted(set(exceptions) - used_exceptions):
        errors.append(f"docs/architecture.md: exception '{a} → {b}' is no longer used; remove it")
    for e in errors:
        print(e)
    if errors:
        print(f"lint_include_graph: {len(errors)} problem(s); the graph is docs/architecture.md, '{SECTION}'")
        return 1
    print(f"lint_include_graph: {checked} cross-module includes follow the graph "
          f"({len(modules)} modules, {len(exceptions)} exceptions)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
