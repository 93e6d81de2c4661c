"""The invariants of docs/reliability.md, checked on every node at the end of a scenario.

check(run, ...) returns a list of rows (invariant, ok, detail) and never compares a missing answer
as equal: a node that does not answer is a failed row, not a skipped one.
"""
import json
import os
import subprocess
import time

from harness import LIMITS, RPC_PORT, Rpc, now

BATCH = 100


def cli(run, node, *args):
    """The folio CLI as the auditor (audit and settlement events need an authenticated caller)."""
    acct = run.layout["accounts"]["auditor"]
    env = dict(os.environ, FOLIO_PASSWORD=run.layout.get("password", ""), FOLIO_KEYSTORE_KDF="interactive")
    cmd = [os.path.join(run.bin, "folio"), "--node", "http://%s:%d" % (node.rpc_ip, 26657), "--home", acct["home"],
           "--key", "auditor", "--json"] + list(args)
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, timeout=60)
    if r.returncode != 0:
        return None, r.stderr.strip()[-300:]
    try:
        return json.loads(r.stdout), None
    except ValueError:
        return None, "not JSON: " + r.stdout[:200]


def converge(run, nodes, timeout=120):
    """Waits until every checked node reaches the highest height any of them has. Returns the
    heights, or raises nothing: a node left behind shows up in the safety and liveness rows."""
    target = run.max_height(nodes)
    deadline = now() + timeout
    while True:
        hs = {n.name: n.height() for n in nodes}
        if all(h is not None and h >= target for h in hs.values()) or now() > deadline:
            return target, hs
        time.sleep(0.5)


def fetch_blocks(node, top):
    """(hash, state_root, [tx ids], has commit cert) for heights 1..top; None where the node gave
    no block after retries (a page that times out is asked again, smaller, with more patience)."""
    rpc = Rpc(node.rpc_ip, RPC_PORT, timeout=15.0)
    out = {}
    for start in range(1, top + 1, BATCH):
        todo = list(range(start, min(top, start + BATCH - 1) + 1))
        for attempt in range(4):
            if not todo:
                break
            if attempt:
                time.sleep(1)
            step = max(1, len(todo) // (2 ** attempt))
            missing = []
            for i in range(0, len(todo), step):
                hs = todo[i:i + step]
                for h, r in zip(hs, rpc.batch("chain_getBlock", [{"height": h} for h in hs])):
                    if r is None:
                        missing.append(h)
                    else:
                        out[h] = (r["header"]["hash"], r["header"]["state_root"], r.get("transactions", []),
                                  bool(r.get("commit")))
            todo = missing
    return [out.get(h) for h in range(1, top + 1)]


def settlement_events(run, node):
    """Every settlement event of the node in order, or (None, why)."""
    events, seq = [], 1
    for _ in range(10000):
        page, err = cli(run, node, "events", "--from-seq", str(seq), "--limit", "500")
        if page is None:
            return None, err
        events += page.get("events", [])
        nxt, latest = page.get("next_seq", seq), page.get("latest_seq", 0)
        if nxt > latest or nxt == seq:
            return events, None
        seq = nxt
    return None, "too many pages"


def longest_gap(samples, since):
    """Longest time (s) without the cluster's highest height growing, from `since` to the end."""
    best, last_t, last_h = 0.0, None, -1
    for t, hs in samples:
        h = max([x for x in hs.values() if x is not None] or [-1])
        if t < since:
            last_h = max(last_h, h)
            continue
        if last_t is None:
            last_t = since
        if h > last_h:
            best = max(best, t - last_t)
            last_t, last_h = t, h
    if last_t is not None and samples:
        best = max(best, samples[-1][0] - last_t)
    return best


def check(run, nodes=None, expect_evidence_for=(), liveness_bound=45.0, fork_control=False, scenario_rows=()):
    nodes = nodes or [n for n in run.nodes if n.alive()]
    rows = []

    def row(name, ok, detail):
        rows.append((name, bool(ok), detail))

    target, hs = converge(run, nodes)
    run.note("checking %s at height %d (heights %s)" % (",".join(n.name for n in nodes), target, hs))
    heights = [h for h in hs.values() if h is not None]
    top = min(heights) if len(heights) == len(nodes) else 0

    # Safety: identical block hash and state root at every height, on every node.
    blocks = {n.name: fetch_blocks(n, top) for n in nodes} if top > 0 else {}
    forks, missing = [], []
    for h in range(1, top + 1):
        ref = None
        for n in nodes:
            b = blocks[n.name][h - 1]
            if b is None:
                missing.append("%s@%d" % (n.name, h))
                continue
            if ref is None:
                ref = (n.name, b[0], b[1])
            elif (b[0], b[1]) != ref[1:]:
                forks.append("height %d: %s %s.. vs %s %s.." % (h, ref[0], ref[1][:12], n.name, b[0][:12]))
    if top == 0:
        row("safety", False, "no common height: heights %s" % hs)
    elif fork_control:
        # The control passes when the checker finds the fork the twins made.
        row("fork detected", bool(forks), ("the checker reports the fork: " + forks[0]) if forks else
            "no fork found: the checker missed the twins' fork")
    else:
        detail = "identical hash and state root at heights 1..%d on %d nodes" % (top, len(nodes))
        if missing:
            detail = "missing answers: " + ", ".join(missing[:5])
        if forks:
            detail = "FORK: " + "; ".join(forks[:3])
        row("safety", not forks and not missing, detail)
    if fork_control:
        return rows, {"height": top}

    # Every committed block is provable: it carries a commit certificate on every node. A block
    # executed just before the fetch may still be gathering its signatures (a round trip): those
    # without one are asked again, once a second for up to 10 s, before they count.
    lacking = {n.name: [h + 1 for h, b in enumerate(blocks.get(n.name, [])) if b is not None and not b[3]]
               for n in nodes}
    for _ in range(10):
        if not any(lacking.values()):
            break
        time.sleep(1)
        for n in nodes:
            if lacking[n.name]:
                got = Rpc(n.rpc_ip, RPC_PORT, timeout=15.0).batch(
                    "chain_getBlock", [{"height": h} for h in lacking[n.name][:BATCH]])
                lacking[n.name] = [h for h, r in zip(lacking[n.name], got) if r is None or not r.get("commit")] + \
                    lacking[n.name][BATCH:]
    uncert = ["%s@%d" % (name, h) for name, hs in lacking.items() for h in hs]
    row("provable", top > 0 and not uncert,
        "every block 1..%d has its commit certificate" % top if not uncert else
        "%d blocks without a commit certificate: %s" % (len(uncert), ", ".join(uncert[:6])))

    # Durability: every acknowledged transaction exactly once on every node.
    acked = []
    if getattr(run, "load_out", None) and os.path.exists(run.load_out):
        with open(run.load_out) as f:
            for line in f:
                try:
                    o = json.loads(line)
                except ValueError:
                    continue
                if "tx" in o:
                    acked.append(o["tx"])
    bad = []
    for n in nodes:
        count = {}
        for b in blocks.get(n.name, []):
            for tx in (b[2] if b else []):
                count[tx] = count.get(tx, 0) + 1
        dups = [t for t, c in count.items() if c > 1]
        lost = [t for t in acked if count.get(t, 0) != 1]
        if dups:
            bad.append("%s: %d transactions twice" % (n.name, len(dups)))
        if lost:
            bad.append("%s: %d acknowledged transactions not committed once (e.g. %s)" % (n.name, len(lost), lost[0][:16]))
    row("durability", top > 0 and not bad and (acked or not getattr(run, "load_out", None)),
        "; ".join(bad) if bad else "%d acknowledged transactions, each exactly once on every node" % len(acked))

    # Settlement events: dense, identical on every node.
    evs, problems = {}, []
    for n in nodes:
        e, err = settlement_events(run, n)
        if e is None:
            problems.append("%s: %s" % (n.name, err))
            continue
        seqs = [x.get("seq") for x in e]
        if seqs != list(range(1, len(e) + 1)):
            problems.append("%s: sequence not dense" % n.name)
        evs[n.name] = e
    if evs:
        ref_name = next(iter(evs))
        ref = evs[ref_name]
        for name, e in evs.items():
            k = min(len(e), len(ref))
            if e[:k] != ref[:k] or len(e) != len(ref):
                problems.append("%s differs from %s (%d vs %d events)" % (name, ref_name, len(e), len(ref)))
    nev = len(next(iter(evs.values()))) if evs else 0
    row("settlement events", not problems and evs,
        "; ".join(problems) if problems else "%d events, dense and identical on every node" % nev)

    # No double-sign: no evidence against an honest key.
    allowed = {run.key_of(v) for v in expect_evidence_for}
    against, unanswered, found = set(), [], set()
    for n in nodes:
        ev = n.rpc.call("evidence_list")
        if ev is None:
            unanswered.append(n.name)
            continue
        for e in ev.get("evidence", []):
            found.add(e["validator"])
            if e["validator"] not in allowed:
                against.add(e["validator"][:12])
    want = {run.key_of(v)[:12] for v in expect_evidence_for if run.key_of(v) not in found}
    detail = "no evidence against an honest key"
    if expect_evidence_for:
        detail = "evidence recorded against the twinned key only"
    if against:
        detail = "evidence against honest keys: " + ", ".join(sorted(against))
    elif want:
        detail = "no evidence recorded against the twinned key(s) " + ", ".join(sorted(want))
    if unanswered:
        detail = "no answer from " + ", ".join(unanswered)
    row("no double-sign", not against and not want and not unanswered, detail)
    # Each validator's persisted safety state only ever moves forward (sampled every 2 s, across
    # crashes, restarts and a store moved aside).
    back = run.safety_regressions
    row("safety state", not back and run.safety_samples > 0,
        ("went back: " + "; ".join(back[:3])) if back else
        "never went back (%d samples of %d files)" % (run.safety_samples, len(run.safety)) if run.safety_samples
        else "no safety state file was ever read")

    # Conservation per currency.
    probs, lines = [], 0
    for n in nodes:
        a, err = cli(run, n, "audit")
        if a is None:
            probs.append("%s: %s" % (n.name, err))
        elif not a.get("ok"):
            probs.append("%s: %s" % (n.name, [c["currency"] for c in a.get("currencies", []) if not c.get("ok")]))
        else:
            lines = len(a.get("currencies", []))
    row("conservation", not probs, "; ".join(probs) if probs else "audit ok on every node (%d currencies)" % lines)

    # Liveness after healing.
    since = run.heal_t if run.heal_t is not None else 0.0
    gap = longest_gap(run.samples, since)
    whole = longest_gap(run.samples, 0.0)
    row("liveness", gap <= liveness_bound,
        "longest gap after healing %.1f s (bound %.0f s); during faults %.1f s" % (gap, liveness_bound, whole))

    # Bounded resources.
    over = []
    for name, (rss, fds, thr) in sorted(run.resources.items()):
        if rss > LIMITS["rss"] or fds > LIMITS["fds"] or thr > LIMITS["threads"]:
            over.append("%s rss %d MiB fds %d threads %d" % (name, rss >> 20, fds, thr))
    peak = [max((r[i] for r in run.resources.values()), default=0) for i in range(3)]
    row("resources", not over and run.resources,
        "; ".join(over) if over else "peak RSS %d MiB, fds %d, threads %d" % (peak[0] >> 20, peak[1], peak[2]))

    # A scenario's own checks (S19's bounds), measured during its faults.
    for r in scenario_rows:
        row(*r)

    figures = {"height": top, "acked": len(acked), "events": nev, "gap_s": round(gap, 1),
               "peak_rss_mib": peak[0] >> 20}
    return rows, figures


def table(name, rows, figures, out):
    w = max(len(r[0]) for r in rows) if rows else 10
    print("\n%s" % name, file=out)
    for inv, ok, detail in rows:
        print("  %-*s  %-4s  %s" % (w, inv, "ok" if ok else "FAIL", detail), file=out)
    print("  figures: %s" % json.dumps(figures, sort_keys=True), file=out, flush=True)
