#!/usr/bin/env python3
"""lint_doc_paths: every repository path a doc names in backticks exists.

Scans docs/*.md for `code spans` that are repository paths — they start with one of the
repository's top-level folders (node/, vm/, cli/, scripts/, tests/, docs/, contracts/, ...) —
and fails, naming doc:line, when the path names nothing in the tree. `{h,cpp}` alternatives and
`*` globs are expanded; a trailing `:line`, `#anchor` or `::symbol` is ignored. Build outputs
(build/, node_modules/) and runtime paths are not repository paths and are not checked.

usage: doc_paths.py <source root>
"""
import glob
import os
import re
import sys

TOP = ["node", "vm", "cli", "scripts", "tests", "docs", "contracts", "bench", "examples", "genesis"]
SPAN = re.compile(r"`([^`\n]+)`")
PATH = re.compile(r"^(?:\./)?((?:%s)/[\w.\-/{},*]*)(?::\d+(?:-\d+)?|#[\w-]+|::[\w:]+)?/?$" % "|".join(TOP))


def expand(path):
    m = re.search(r"\{([^{}]*)\}", path)
    if not m:
        return [path]
    out = []
    for alt in m.group(1).split(","):
        out += expand(path[:m.start()] + alt + path[m.end():])
    return out


def exists(root, path):
    for p in expand(path.rstrip("/")):
        full = os.path.join(root, p)
        if ("*" in p and not glob.glob(full)) or ("*" not in p and not os.path.exists(full)):
            return False
    return True


def main():
    root = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else ".")
    errors = []
    checked = 0
    for doc in sorted(glob.glob(os.path.join(root, "docs", "*.md"))):
        rel = os.path.relpath(doc, root)
        with open(doc, encoding="utf-8") as f:
            lines = f.read().split("\n")
        fence = False
        for lineno, line in enumerate(lines, 1):
            if line.lstrip().startswith("```"):
                fence = not fence
                continue
            if fence:
                continue  # code blocks: commands and examples, not references
            for span in SPAN.findall(line):
                m = PATH.match(span.strip())
                if not m:
                    continue
                checked += 1
                if not exists(root, m.group(1)):
                    errors.append(f"{rel}:{lineno}: `{span}` names no file or folder of the repository")
    for e in errors:
        print(e)
    if errors:
        print(f"lint_doc_paths: {len(errors)} path(s) in docs/*.md point nowhere")
        return 1
    print(f"lint_doc_paths: {checked} paths in docs/*.md exist")
    return 0


if __name__ == "__main__":
    sys.exit(main())
