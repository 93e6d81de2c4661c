#!/usr/bin/env python3
"""lint_pure: the pure modules do no I/O and stay deterministic.

Scans node/core, node/protocol, vm (not vm/asm), node/state and node/consensus — comments and
string literals removed — for file and console I/O, clocks, randomness, floating point,
unordered containers, threads and the shell's libraries (LevelDB, nlohmann/json, Boost.Asio).
A hit fails, naming file:line and the rule, unless ALLOWED lists that file and rule with a reason.

usage: pure.py <source root>
"""
import os
import re
import sys

PURE = ["node/core", "node/protocol", "vm", "node/state", "node/consensus"]
NOT_PURE = ["vm/asm"]  # the assembler is a tool (CLI, tests), not consensus code
SOURCE_EXT = (".h", ".hpp", ".cpp", ".cc", ".inc")

RULES = [
    ("file I/O", r"#\s*include\s*<(fstream|filesystem)>|\bstd::(i|o)?fstream\b|\bfopen\s*\("),
    ("console I/O", r"#\s*include\s*<(iostream|cstdio|stdio\.h)>|\bstd::(cout|cerr|clog)\b"
                    r"|\b(f|s|sn|v|vf|vs|vsn)?printf\s*\(|\b(f?puts|fwrite|perror)\s*\("),
    ("clock", r"#\s*include\s*<(chrono|ctime|time\.h|sys/time\.h)>|\b(system|steady|high_resolution)_clock\b"
              r"|(?<![\w.>:])(std::)?time\s*\(|\b(gettimeofday|clock_gettime)\s*\("),
    ("randomness", r"#\s*include\s*<random>|(?<![\w.>:])(std::)?s?rand\s*\(|\brandom_device\b|\bmt19937"),
    ("floating point", r"\b(float|double)\b"),
    ("unordered container", r"#\s*include\s*<unordered_(map|set)>|\bunordered_(multi)?(map|set)\b"),
    ("thread", r"#\s*include\s*<thread>|\bstd::(thread|jthread|async)\b"),
    ("LevelDB", r"\bleveldb\b"),
    ("nlohmann/json", r"\bnlohmann\b"),
    ("Boost.Asio", r"\bboost::asio\b|#\s*include\s*<boost/asio"),
]

# (file, rule, reason): the only places a pure module may do what RULES forbids.
ALLOWED = [
    ("node/core/fatal.cpp", "console I/O",
     "the one fatal path: with no handler installed (tests, tools) it writes its last line to stderr "
     "before abort(); it never returns, so no result depends on it"),
]

_STRIP = re.compile(
    r'//[^\n]*'                              # line comment
    r'|/\*.*?\*/'                            # block comment
    r'|R"([^(\s]*)\(.*?\)\1"'                # raw string literal
    r'|"(?:\\.|[^"\\\n])*"'                  # string literal
    r"|'(?:\\.|[^'\\\n])*'",                 # character literal
    re.S)


def strip(text):
    """Blanks comments and literals, keeping line numbers and #include lines' <header> names."""
    def blank(m):
        s = m.group(0)
        if s.startswith('"') and re.search(r'#\s*include\s*$', text[max(0, m.start() - 40):m.start()]):
            return s  # #include "x.h"
        return re.sub(r"[^\n]", " ", s)
    return _STRIP.sub(blank, text)


def main():
    root = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else ".")
    rules = [(name, re.compile(rx)) for name, rx in RULES]
    allowed = {(f, r): reason for f, r, reason in ALLOWED}
    used = set()
    errors = []
    files = 0
    for folder in PURE:
        for dirpath, dirnames, filenames in os.walk(os.path.join(root, folder)):
            rel_dir = os.path.relpath(dirpath, root)
            dirnames[:] = sorted(d for d in dirnames
                                 if os.path.join(rel_dir, d) not in NOT_PURE and d != "build")
            for fn in sorted(filenames):
                if not fn.endswith(SOURCE_EXT):
                    continue
                path = os.path.join(rel_dir, fn)
                files += 1
                with open(os.path.join(root, path), encoding="utf-8", errors="replace") as f:
                    code = strip(f.read())
                for lineno, line in enumerate(code.split("\n"), 1):
                    for name, rx in rules:
                        m = rx.search(line)
                        if not m:
                            continue
                        if (path, name) in allowed:
                            used.add((path, name))
                            continue
                        errors.append(f"{path}:{lineno}: {name} in a pure module ('{m.group(0).strip()}')")
    for key in sorted(set(allowed) - used):
        errors.append(f"tests/lint/pure.py: allow-list entry {key} no longer matches anything; remove it")
    for e in errors:
        print(e)
    if errors:
        print(f"lint_pure: {len(errors)} problem(s) in {', '.join(PURE)} (docs/architecture.md: pure modules)")
        return 1
    print(f"lint_pure: {files} files of {', '.join(PURE)} are pure ({len(allowed)} allowed exception(s))")
    return 0


if __name__ == "__main__":
    sys.exit(main())
