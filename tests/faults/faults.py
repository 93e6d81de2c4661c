#!/usr/bin/env python3
"""Runs fault scenarios against real foliod processes and checks every invariant.

  tests/faults/faults.py [--bin DIR] [--workdir DIR] [--long] [--report FILE] [--retain-blocks N] [SCENARIO...]

SCENARIO is S1..S17 or S19 (default: all). Exit 0 only when every scenario's every invariant holds (for
the fork control S13: when the checker finds the fork). docs/reliability.md explains the scenarios,
the invariants and the limits; scripts/faults is the operator's wrapper (it builds first and writes
the table into docs/reliability.md with --report). --retain-blocks N runs the validators with
`--consensus-retain-blocks N` (pruning every N/4 heights, docs/consensus.md "Pruning") and adds the
row `pruning`: some validator restarted from an anchor, and no restart read more consensus blocks
than the in-memory retention and one pruning interval (plus a round's worth) allow.
"""
import re
import argparse
import datetime
import os
import shutil
import sys
import tempfile
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import ROOT, Fail, Run, prerequisites  # noqa: E402
from checker import check, table  # noqa: E402
from scenarios import ALL, SCENARIOS  # noqa: E402


def run_one(name, args, workroot):
    """One scenario on its own cluster, or ALL: every scenario of scenarios.ALL in turn, briefly,
    on one cluster under one load, checked once at the end."""
    parts = ALL if name == "ALL" else [name]
    fn = SCENARIOS[parts[0]] if name != "ALL" else None
    wd = os.path.join(workroot, name)
    run = Run(name, wd, args.bin)
    if args.retain_blocks:
        run.foliod_args += ["--consensus-retain-blocks", str(args.retain_blocks)]
    run.pace = "long" if args.long else "brief" if name == "ALL" else "short"
    rows, figures, err = [], {}, None
    try:
        run.create()
        for p in parts:
            if hasattr(SCENARIOS[p], "prepare"):
                SCENARIOS[p].prepare(run)
        run.start_all()
        run.wait_height(1, timeout=120)
        run.note("cluster up: %s" % ", ".join("%s=%s" % (n.name, n.rpc_ip) for n in run.nodes))
        run.start_sampler()
        kw = {}
        if name == "ALL":
            stop = os.path.join(wd, "stop-load")
            run.start_load(3600, stop_file=stop)
            run.load_running = True
            for p in parts:
                run.note("---- %s: %s" % (p, " ".join((SCENARIOS[p].__doc__ or "").split())[:120]))
                got = SCENARIOS[p](run) or {}
                kw["expect_evidence_for"] = kw.get("expect_evidence_for", []) + got.get("expect_evidence_for", [])
                kw["scenario_rows"] = kw.get("scenario_rows", []) + got.get("scenario_rows", [])
            open(stop, "w").close()
        else:
            kw = fn(run) or {}
        if run.heal_t is None:
            run.mark_healed()
        run.wait_load()
        for n in run.honest():  # a node a scenario left stopped comes back for the check
            if not n.alive():
                n.start()
        rows, figures = check(run, **kw)
        if args.retain_blocks:
            rows.append(pruning_row(run))
    except Fail as e:
        err = str(e)
    except Exception:
        err = traceback.format_exc()
    finally:
        if err or not rows or not all(ok for _, ok, _ in rows):
            for n in run.nodes:
                print("--- last lines of %s (%s)" % (n.name, n.log_path), flush=True)
                print(n.log_tail(15), flush=True)
        run.close()
    if err:
        rows.append(("scenario", False, err.strip().splitlines()[-1][:300] if err.strip() else "error"))
        print(err, flush=True)
    figures["acked"] = figures.get("acked", 0)
    if getattr(run, "load_summary", None):
        figures["load"] = {k: run.load_summary.get(k) for k in ("submitted", "committed", "rejected", "unknown")}
    title = ("every scenario in turn (%s), one cluster, one load" % " ".join(parts) if fn is None else
             " ".join((fn.__doc__ or "").split()).split(": ")[0].split(". ")[0])
    table("%s  %s" % (name, title), rows, figures, sys.stdout)
    ok = bool(rows) and all(r[1] for r in rows)
    if ok and not args.keep:
        shutil.rmtree(wd, ignore_errors=True)
    return ok, rows, figures


def pruning_row(run):
    """Restarts from an anchor, read from the validators' logs ('restoring consensus ... anchor=H')."""
    restores, anchored, most = 0, 0, 0
    for n in run.nodes:
        try:
            with open(n.log_path, errors="replace") as f:
                for line in f:
                    if "restoring consensus" not in line:
                        continue
                    restores += 1
                    m = re.search(r'anchor="?(\w+)', line)
                    if m and m.group(1) != "none":
                        anchored += 1
                    b = re.search(r"stored_blocks=(\d+)", line)
                    if b:
                        most = max(most, int(b.group(1)))
        except OSError:
            pass
    retain = int(run.foliod_args[run.foliod_args.index("--consensus-retain-blocks") + 1])
    in_memory = min(retain, 4096)
    # A restart reads the recent blocks (since the last anchor: a quarter of the in-memory retention,
    # plus the round's uncommitted ones) and the root's ancestors the core keeps in memory.
    bound = in_memory + in_memory // 4 + 64
    ok = anchored > 0 and most <= bound
    return ("pruning", ok, "%d of %d restarts from an anchor; at most %d blocks read at a restart (bound %d)" %
            (anchored, restores, most, bound))


def write_report(path, results, long):
    """Replaces the part of docs/reliability.md between the report markers with this run's table."""
    begin, end = "<!-- faults-report:begin -->", "<!-- faults-report:end -->"
    lines = [begin, "",
             "Run of %s, %s mode (`scripts/faults%s`):" %
             (datetime.date.today().isoformat(), "long" if long else "short", " --long" if long else ""), "",
             "| Scenario | Result | Height | Tx acknowledged | Events | Longest gap after healing | Peak RSS |",
             "|---|---|---|---|---|---|---|"]
    for name, ok, rows, fig in results:
        failed = [r[0] for r in rows if not r[1]]
        lines.append("| %s | %s | %s | %s | %s | %s s | %s MiB |" % (
            name, "pass" if ok else "FAIL (" + ", ".join(failed) + ")", fig.get("height", "-"),
            fig.get("acked", "-"), fig.get("events", "-"), fig.get("gap_s", "-"), fig.get("peak_rss_mib", "-")))
    lines += ["", end]
    text = ""
    if os.path.exists(path):
        with open(path) as f:
            text = f.read()
    if begin in text and end in text:
        text = text[:text.index(begin)] + "\n".join(lines) + text[text.index(end) + len(end):]
    else:
        text += "\n" + "\n".join(lines) + "\n"
    with open(path, "w") as f:
        f.write(text)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("scenarios", nargs="*", help="S1..S17, S19, or ALL (every scenario in turn on one cluster; "
                    "default: each scenario alone)")
    ap.add_argument("--bin", default=os.environ.get("FOLIO_BIN", os.path.join(ROOT, "build", "bin")))
    ap.add_argument("--workdir", default=None)
    ap.add_argument("--long", action="store_true", help="minutes per scenario instead of seconds")
    ap.add_argument("--report", default=None, help="write the table into this markdown file")
    ap.add_argument("--keep", action="store_true", help="keep the data of passing scenarios too")
    ap.add_argument("--retain-blocks", type=int, default=0,
                    help="run the validators with --consensus-retain-blocks N and check that restarts use anchors")
    args = ap.parse_args()
    names = args.scenarios or sorted(SCENARIOS, key=lambda s: int(s[1:]))
    unknown = [n for n in names if n not in SCENARIOS and n != "ALL"]
    if unknown:
        print("faults: unknown scenario(s) %s; known: %s" % (", ".join(unknown), ", ".join(sorted(SCENARIOS))),
              file=sys.stderr)
        return 2
    try:
        prerequisites()
    except Fail as e:
        print("faults: " + str(e), file=sys.stderr)
        return 1
    workroot = args.workdir or tempfile.mkdtemp(prefix="folio-faults.")
    results = []
    for name in names:
        ok, rows, fig = run_one(name, args, workroot)
        results.append((name, ok, rows, fig))
    print("\nsummary: " + ", ".join("%s %s" % (n, "pass" if ok else "FAIL") for n, ok, _, _ in results), flush=True)
    if args.report:
        write_report(args.report, results, args.long)
    if all(ok for _, ok, _, _ in results):
        if not args.workdir:
            shutil.rmtree(workroot, ignore_errors=True)
        return 0
    print("faults: data kept in %s" % workroot, file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
