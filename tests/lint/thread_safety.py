#!/usr/bin/env python3
"""lint_thread_safety: the annotated locking (node/core/thread_annotations.h, node/core/sync.h)
is checked by clang's -Wthread-safety analysis.

Compiles every file listed in CHECKED (globs, relative to the source root) with
`clang++ -std=c++20 -fsyntax-only -Wthread-safety -Werror` and the source root as the include
root. Fails — never skips — when clang++ is missing (scripts/install-deps installs `clang`).

usage: thread_safety.py <source root> [clang++]
"""
import glob
import os
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

# The annotated code: every engine part, and the chain shell's mempool and verify pool.
CHECKED = ["node/engine/*.cpp", "node/chain/mempool.cpp", "node/chain/verify_pool.cpp"]
CANDIDATES = ["clang++", "clang++-18", "clang++-17", "clang++-16", "clang++-15", "clang++-14"]


def main():
    root = os.path.abspath(sys.argv[1])
    names = [sys.argv[2]] if len(sys.argv) > 2 and sys.argv[2] else CANDIDATES
    clang = next((p for p in (shutil.which(n) for n in names) if p), None)
    if not clang:
        print("lint_thread_safety: clang++ not found (looked for %s); scripts/install-deps installs it"
              % ", ".join(names))
        return 1
    files = sorted(f for pattern in CHECKED for f in glob.glob(os.path.join(root, pattern)))
    if not files:
        print("lint_thread_safety: no files match %s" % CHECKED)
        return 1
    def check(f):
        cmd = [clang, "-std=c++20", "-fsyntax-only", "-Wthread-safety", "-Wthread-safety-beta", "-Werror",
               "-I", root, f]
        return f, subprocess.run(cmd, capture_output=True, text=True)

    failed = []
    with ThreadPoolExecutor(max_workers=2) as pool:
        for f, r in pool.map(check, files):
            if r.returncode != 0:
                failed.append(os.path.relpath(f, root))
                sys.stdout.write(r.stdout + r.stderr)
    if failed:
        print("lint_thread_safety: %d of %d file(s) fail: %s" % (len(failed), len(files), ", ".join(failed)))
        return 1
    print("lint_thread_safety: %d file(s) pass clang -Wthread-safety (%s)" % (len(files), clang))
    return 0


if __name__ == "__main__":
    sys.exit(main())
