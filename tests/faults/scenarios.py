"""The fault scenarios S1-S19 of docs/reliability.md (S20, the simulator, runs from tests/sim).

Each scenario is a function(run) that starts the cluster's load, applies its fault schedule
(every step is logged with its time by the harness) and returns the checker's keyword arguments.
`long` stretches the schedule to minutes (scripts/faults --long); the short form fits the default
suite. A scenario may raise harness.Fail for a check of its own (e.g. "no commits while split").
"""
import json
import os
import random
import shutil
import subprocess
import time
import zlib

from harness import P2P_PORT, Fail, now, proc_sample


def dur(run, short_s, long_s, brief_s=None):
    """A step's length at the run's pace: brief (the default suite's run of every scenario on one
    cluster), short (one scenario alone) or long (scripts/faults --long)."""
    if run.pace == "long":
        return long_s
    if run.pace == "brief":
        return brief_s if brief_s is not None else max(1, short_s // 2)
    return short_s


def settle(run, seconds):
    """A pause between steps (3 s at the brief pace)."""
    time.sleep(dur(run, seconds, seconds, 3))


def stalled(run, seconds, nodes):
    """Raises unless the highest height among nodes stays the same for `seconds` (no commits)."""
    h0 = run.max_height(nodes)
    time.sleep(seconds)
    h1 = run.max_height(nodes)
    run.assert_running()
    if h1 != h0:
        raise Fail("commits while split: height %d -> %d" % (h0, h1))
    run.note("no commits while split (height stayed %d for %d s)" % (h0, seconds))


def progresses(run, seconds, nodes, what, blocks=3, expected_exit=()):
    """Raises unless the highest height among nodes grows by `blocks` within `seconds`."""
    h0 = run.max_height(nodes)
    time.sleep(seconds)
    h1 = run.max_height(nodes)
    run.assert_running(expected_exit=expected_exit)
    if h1 < h0 + blocks:
        raise Fail("%s: %d commits in %d s (height %d -> %d), wanted %d" % (what, h1 - h0, seconds, h0, h1, blocks))
    run.note("%s: commits go on (%d -> %d)" % (what, h0, h1))


def resumes(run, timeout, nodes, what, blocks=3):
    """After a heal: raises unless the highest height among nodes grows by `blocks` within
    `timeout` seconds (returns as soon as it does; a healed TCP connection may wait out its
    retransmission back-off and the round timer its own back-off first)."""
    h0 = run.max_height(nodes)
    t0 = now()
    while True:
        h1 = run.max_height(nodes)
        if h1 >= h0 + blocks:
            run.note("%s: commits resumed after %.1f s (%d -> %d)" % (what, now() - t0, h0, h1))
            return
        if now() - t0 > timeout:
            raise Fail("%s: %d commits in %d s (height %d -> %d), wanted %d" % (what, h1 - h0, timeout, h0, h1, blocks))
        run.assert_running()
        time.sleep(0.5)


def s1_kill_random(run):
    """kill -9 a random validator every ~10 s; it restarts ~5 s later."""
    total = dur(run, 40, 300)
    run.start_load(total + 10)
    rng = random.Random(run.name)
    end = now() + total
    while now() < end:
        v = run.node(rng.randrange(run.nval))
        v.kill()
        time.sleep(5)
        v.start()
        time.sleep(5)
    run.mark_healed()
    return {}


def s2_kill_all(run):
    """kill -9 all four validators at once and restart them."""
    rounds = dur(run, 1, 5)
    run.start_load(20 + rounds * 25)
    for _ in range(rounds):
        settle(run, 10)
        h = run.max_height()
        for v in run.honest():
            v.kill()
        time.sleep(3)
        for v in run.honest():
            v.start()
        run.wait_height(h + 2, timeout=120)
        run.note("all four restarted and committing")
    run.mark_healed()
    return {}


def s3_pause_leader(run):
    """SIGSTOP the leader, resume it later."""
    rounds = dur(run, 1, 6)
    run.start_load(15 + rounds * 30)
    for _ in range(rounds):
        settle(run, 8)
        v = run.node(run.leader())
        v.pause()
        others = [n for n in run.honest() if n is not v]
        progresses(run, dur(run, 12, 12, 8), others, "leader %s paused" % v.name)
        v.resume()
        settle(run, 8)
    run.mark_healed()
    return {}


def isolate(run, leader):
    rounds = dur(run, 1, 5)
    run.start_load(15 + rounds * 35)
    for _ in range(rounds):
        settle(run, 8)
        v = run.node(run.leader() if leader else (run.leader() + 2) % run.nval)
        others = [n for n in run.honest() if n is not v]
        run.partition([v], others)
        progresses(run, dur(run, 15, 15, 8), others, "%s isolated" % v.name)
        run.heal()
        settle(run, 10)
    return {}


def s4_isolate_one(run):
    """Isolate one (non-leader) node from the others, then heal."""
    return isolate(run, leader=False)


def s5_isolate_leader(run):
    """Isolate the leader, then heal."""
    return isolate(run, leader=True)


def s6_split_2_2(run):
    """Partition 2|2: no commits while split; commits resume after healing."""
    rounds = dur(run, 1, 4)
    run.start_load(15 + rounds * 40)
    a, b = run.honest()[:2], run.honest()[2:]
    for _ in range(rounds):
        settle(run, 8)
        run.partition(a, b)
        time.sleep(3)  # a block already voted may still land
        stalled(run, dur(run, 12, 25), run.honest())
        run.heal()
        resumes(run, 30, run.honest(), "healed 2|2")
    return {}


def s7_split_3_1(run):
    """Partition 3|1: the three commit on; the one catches up after healing."""
    rounds = dur(run, 1, 4)
    run.start_load(15 + rounds * 35)
    for r in range(rounds):
        settle(run, 8)
        one = run.node((r + 3) % run.nval)
        three = [n for n in run.honest() if n is not one]
        run.partition([one], three)
        progresses(run, dur(run, 15, 15, 8), three, "3|1 majority")
        run.heal()
        settle(run, 10)
    return {}


def s8_one_way(run):
    """One-way links: v0's packets stop reaching v1 (commits go on); then v2's stop reaching v3 too
    (no quorum is fully connected: safe, and live again once healed)."""
    total = dur(run, 25, 180)
    run.start_load(2 * total + 15)
    settle(run, 8)
    v = run.honest()
    run.one_way(v[0], v[1])
    progresses(run, total, v, "one-way link v0 -/-> v1")
    run.one_way(v[2], v[3])
    time.sleep(total)
    run.heal()
    resumes(run, 30, v, "healed one-way links")
    return {}


def s9_loss(run):
    """10% then 30% packet loss on every validator link."""
    each = dur(run, 15, 90)
    run.start_load(2 * each + 20)
    settle(run, 8)
    run.loss(10)
    progresses(run, each, run.honest(), "10% loss")
    run.loss(30)
    time.sleep(each)
    run.heal()
    return {}


def skew(run, offset):
    """Restart two validators with their clocks moved +offset and -offset (faketime)."""
    total = dur(run, 30, 180)
    run.start_load(total + 25)
    settle(run, 8)
    v = run.honest()
    for node, off in ((v[1], "+" + offset), (v[2], "-" + offset)):
        node.kill()
        node.start(skew=off)
    return total, v


def unskew(run, nodes):
    for node in nodes:
        node.kill()
        node.skew = None
        node.start()


def s10_skew_30s(run):
    """Clocks of two validators off by +30 s and -30 s: the chain stays live."""
    total, v = skew(run, "30")
    progresses(run, total, v, "clock skew +-30 s")
    unskew(run, (v[1], v[2]))
    run.mark_healed()
    return {}


def s11_skew_5min(run):
    """Clock of one validator off by +5 min, another by -5 min: safe, and the node says it is off."""
    total, v = skew(run, "300")
    progresses(run, total, v, "clock skew +-5 min")
    run.mark_healed()
    for node in (v[1], v[2]):
        with open(node.log_path, "rb") as f:
            text = f.read().decode("utf-8", "replace")
        if "this node's clock is off" not in text:
            raise Fail("%s (clock off by 5 min) never said its own clock is off" % node.name)
    for node in (v[0], v[3]):
        with open(node.log_path, "rb") as f:
            text = f.read().decode("utf-8", "replace")
        if "this node's clock is off" in text:
            raise Fail("%s (a right clock) said its own clock is off" % node.name)
    run.note("the skewed nodes, and only they, logged that their own clocks are off")
    unskew(run, (v[1], v[2]))
    return {}


def s12_twin(run):
    """An equivocating twin (same key, own data and safety state): evidence is recorded."""
    total = dur(run, 45, 240, 10)
    run.start_load(total + 10)
    smallest = min(range(run.nval), key=run.key_of)
    twin = run.add_twin(smallest)
    twin.peers = run.peer_list(twin, run.honest())
    started = time.time()
    twin.start()
    time.sleep(total)
    # A twin that starts empty first catches up and only then votes at the tip; it runs until an
    # honest node has recorded the evidence (at most 180 s more), so the scenario does not depend
    # on how fast that catch-up was on this machine. The checker then asks every node.
    key = run.key_of(smallest)
    deadline = time.time() + 180
    while not evidence_recorded(run, key) and time.time() < deadline:
        time.sleep(1)
    run.note("the twin ran %.0f s and reached height %s" % (time.time() - started, twin.height()))
    twin.kill()
    run.mark_healed()
    return {"expect_evidence_for": [smallest], "nodes": run.honest()}


def evidence_recorded(run, key):
    """True once some honest node's ledger records evidence against `key`."""
    for n in run.honest():
        if not n.alive():
            continue
        ev = n.rpc.call("evidence_list")
        if ev and any(e.get("validator") == key for e in ev.get("evidence", [])):
            return True
    return False


def s13_fork_control(run):
    """Control: two twins (> f) on a split network must fork, and the checker must say so."""
    v = run.honest()
    run.start_load(40, nodes=v[:3])
    time.sleep(5)
    run.net_move(v[3], "p2pB")  # v3 now reaches only the twins' network
    t0 = run.add_twin(0, bridge="p2pB", p2p_host=v[0].p2p_host)
    t1 = run.add_twin(1, bridge="p2pB", p2p_host=v[1].p2p_host)
    for t in (t0, t1):
        t.peers = run.peer_list(t, [v[0], v[1], v[2], v[3]])
    t0.start()
    t1.start()
    h = run.max_height()
    run.wait_height(h + 3, nodes=[v[2]], timeout=120)
    run.wait_height(h + 3, nodes=[v[3]], timeout=120)
    run.mark_healed()
    return {"fork_control": True, "nodes": [v[2], v[3]]}


def s16_disk_full(run):
    """Disk full under one validator: it stops cleanly or refuses writes, loses nothing, and
    resumes once space returns."""
    v = run.node(3)
    full = dur(run, 20, 120)
    run.start_load(full + 40)
    settle(run, 8)
    filler = os.path.join(v.home, "data", "filler")
    with open(filler, "wb") as f:  # fill the tmpfs to the last byte
        try:
            while True:
                f.write(b"\0" * (1 << 20))
                f.flush()
        except OSError:
            pass
    run.note("disk of %s full" % v.name)
    progresses(run, full, run.honest()[:3], "%s out of disk" % v.name, expected_exit=(v,))
    state = "running" if v.alive() else "exited with code %s" % v.proc.returncode
    run.note("%s %s while its disk was full" % (v.name, state))
    if not v.alive():
        text = v.log_tail(40).lower()
        if "space" not in text and "disk" not in text:
            raise Fail("%s exited without saying its disk is full:\n%s" % (v.name, v.log_tail(10)))
    os.remove(filler)
    run.note("space returned on %s" % v.name)
    if not v.alive():
        v.start()
    run.wait_height(run.max_height(run.honest()[:3]), nodes=[v], timeout=120)
    run.mark_healed()
    return {}


# 512 MiB: room for the whole run of faults_all (consensus blocks and batches are not pruned yet),
# filled to the last byte during the scenario.
s16_disk_full.prepare = lambda run: run.mount_tmpfs(os.path.join(run.node(3).home, "data"), "512m")


def s17_reconfig(run):
    """A validator-set change (add a fifth validator) scheduled and activated while validators are
    killed and partitioned."""
    run.start_load(dur(run, 80, 240))
    time.sleep(5)
    new = run.add_validator()
    new.start()
    keys = [run.key_of(i) for i in range(run.nval + 1)]
    # The activation must be at least 10 blocks after the block that executes the change, and the
    # chain makes ~20 blocks/s under the load while the CLI unlocks its key and submits: 40 blocks
    # of margin were once too few (faults_all: "activation_height must be at least ...").
    h = run.max_height()
    run.cli("governance", "gov", "set-validators", "--activation-height", str(h + 200), *keys)
    run.note("set-validators: %s joins at height %d" % (new.name, h + 200))
    run.node(1).kill()
    time.sleep(5)
    run.node(1).start()
    run.partition([run.node(2)], [n for n in run.nodes if n is not run.node(2)])
    settle(run, 10)
    run.heal()
    deadline = now() + 180
    while True:
        epochs = [(n.rpc.call("chain_info") or {}).get("validator_epoch") for n in run.honest() + [new]]
        if all(e == 1 for e in epochs):
            break
        if now() > deadline:
            raise Fail("not every node reached validator epoch 1: %s" % epochs)
        time.sleep(1)
    run.note("epoch 1 (five validators) in force on every node")
    run.node(0).kill()
    progresses(run, dur(run, 15, 15, 8), [n for n in run.nodes if n.alive()], "five validators, v0 down")
    run.node(0).start()
    return {}


FAILPOINTS = ["before:consensus", "after:consensus", "before:commit", "after:commit", "before:cert", "after:cert",
              "before:cblock", "after:batch"]


def s14_failpoints(run):
    """Crash before and after each durable write (storage failpoints): the safety state, a block
    commit, a commit certificate, consensus blocks and batches; the node restarts and catches up."""
    points = FAILPOINTS * 3 if run.pace == "long" else FAILPOINTS[::2] if run.pace == "brief" else FAILPOINTS
    run.start_load(20 + 14 * len(points))
    rng = random.Random(run.name)
    v = run.node(3)
    for point in points:
        time.sleep(3)
        v.kill()
        v.env = {"FOLIO_FAILPOINTS": "%s@%d" % (point, rng.randrange(2, 12))}
        v.start()
        deadline = now() + 60
        while v.alive() and now() < deadline:
            time.sleep(0.2)
        if v.alive():
            raise Fail("%s did not reach failpoint %s within 60 s" % (v.name, point))
        if v.proc.returncode != 86:
            raise Fail("%s exited with %s, not the failpoint's 86, at %s:\n%s" %
                       (v.name, v.proc.returncode, point, v.log_tail(8)))
        run.note("%s crashed at %s" % (v.name, point))
        v.env = {}
        v.start()
        run.wait_height(run.max_height(run.honest()[:3]), nodes=[v], timeout=90)
    run.mark_healed()
    return {}


def corrupt_tail(path, how):
    """Truncates the last 100 bytes of path, or flips one byte in its last 100."""
    size = os.path.getsize(path)
    if size == 0:
        return "empty, left alone"
    if how == "truncate":
        os.truncate(path, max(0, size - 100))
        return "truncated by %d bytes" % min(size, 100)
    with open(path, "r+b") as f:
        pos = max(0, size - 50)
        f.seek(pos)
        b = f.read(1)
        f.seek(pos)
        f.write(bytes([b[0] ^ 0x40]))
    return "byte %d flipped" % pos


def s15_corrupt_tail(run):
    """Truncated and bit-flipped tails of a stopped node's stores: detected, never replayed as
    garbage, never a crash loop, the safety state kept; the node catches up."""
    run.start_load(dur(run, 70, 200))
    v = run.node(3)
    for how in ("truncate", "flip"):
        settle(run, 10)
        v.kill()
        data = os.path.join(v.home, "data")
        logs = sorted((os.path.getmtime(os.path.join(d, f)), os.path.join(d, f))
                      for d, _, fs in os.walk(data) for f in fs if f.endswith(".log") and f != "LOG")
        if not logs:
            raise Fail("no write-ahead log under %s" % data)
        path = logs[-1][1]
        run.note("%s: %s %s" % (v.name, os.path.relpath(path, v.home), corrupt_tail(path, how)))
        v.start()
        deadline = now() + 60
        while v.height() is None:
            if not v.alive():
                raise Fail("%s does not start after a %s tail (exit %s):\n%s" %
                           (v.name, how, v.proc.returncode, v.log_tail(8)))
            if now() > deadline:
                raise Fail("%s does not answer 60 s after a restart on a %s tail" % (v.name, how))
            time.sleep(0.5)
        run.wait_height(run.max_height(run.honest()[:3]), nodes=[v], timeout=120)
        if not os.path.exists(os.path.join(v.home, "data", "safety")):
            raise Fail("%s lost its safety state after a %s tail" % (v.name, how))
        aside = [d for d in os.listdir(os.path.join(v.home, "data")) if d.startswith("data.corrupt-")]
        run.note("%s restarted on a %s tail and caught up%s (safety state kept)" %
                 (v.name, how, ", its damaged store moved aside to " + aside[0] if aside else ""))
        for d in aside:  # as its operator would after a look: it takes disk space (S16 shares it)
            shutil.rmtree(os.path.join(v.home, "data", d), ignore_errors=True)
    run.mark_healed()
    return {}


# S19's bounds (docs/reliability.md, S19). During the attack each honest node's data directory may
# grow by at most its own growth rate without the attack (measured just before, with the same three
# validators committing under the same load) times the attack's length, plus DISK_EXCESS_BOUND; its
# RSS may grow by at most RSS_GROWTH_BOUND. The byzantine process hands each honest node's
# connection unsolicited batches at BYZ_BATCH_RATE (90 MiB even in the 15 s brief run), so a node
# that stores every batch it is sent fails both, and an honest load reaches neither (a few MiB).
# The memory bound agrees with the engine's budgets for one faulty peer (docs/consensus.md,
# "Memory under a faulty peer": about 225 MiB at most); the harness runs foliod with a small
# state cache (harness.STATE_CACHE_MB), which otherwise fills under any load and is not the
# attack's.
DISK_EXCESS_BOUND = 48 << 20
RSS_GROWTH_BOUND = 256 << 20
BYZ_BATCH_RATE = 6 << 20
# Every mode of folio-byzantine; FOLIO_S19_MODES (a comma-separated subset) runs S19 with fewer,
# e.g. without "unsolicited" as the control of the disk and memory rows.
ALL_BYZ_MODES = "malformed,raw,oversized,unsolicited,future,requests"


def du(path):
    """Bytes allocated on disk under path (st_blocks, as du counts them)."""
    total = 0
    for d, _, files in os.walk(path):
        for f in files:
            try:
                total += os.lstat(os.path.join(d, f)).st_blocks * 512
            except OSError:
                pass
    return total


def rss_of(node):
    pid = node.pid()
    s = proc_sample(pid) if pid else None
    return s[0] if s else 0


def mib(b):
    return "%.1f MiB" % (b / 1048576.0)


def longest_gap_between(run, t_from, t_to, nodes):
    """The longest time, between t_from and t_to (since the run's start), without a new highest
    height among nodes (from the harness's 0.5 s height samples)."""
    names = [n.name for n in nodes]
    last_t, best, top = t_from, 0.0, None
    for t, hs in run.samples:
        if t < t_from or t > t_to:
            continue
        h = max([hs.get(n) or 0 for n in names])
        if top is None or h > top:
            if top is not None:
                best = max(best, t - last_t)
            top, last_t = h, t
    return max(best, t_to - last_t)


def s19_byzantine(run):
    """A byzantine validator (v3's key, folio-byzantine): malformed, oversized, unsolicited and
    far-future messages; the three honest validators stay live and bounded in memory and disk."""
    # FOLIO_S19_ATTACK_S overrides the attack's length (seconds), e.g. to watch memory longer.
    attack = int(os.environ.get("FOLIO_S19_ATTACK_S") or dur(run, 30, 300, 15))
    base = dur(run, 15, 60, 10)
    run.start_load(base + attack + 30)
    settle(run, 8)
    v = run.node(run.nval - 1)
    honest = [n for n in run.honest() if n is not v]
    v.stop()
    # The baseline: the same three validators under the same load, without the attack.
    d0 = {n.name: du(os.path.join(n.home, "data")) for n in honest}
    t0 = now()
    time.sleep(base)
    d1 = {n.name: du(os.path.join(n.home, "data")) for n in honest}
    base_s = now() - t0
    r1 = {n.name: rss_of(n) for n in honest}
    exe = os.path.join(run.bin, "folio-byzantine")
    if not os.path.exists(exe):
        raise Fail("folio-byzantine not built (%s)" % exe)
    cmd = ["ip", "netns", "exec", v.ns, exe, "--key-file", v.key_file, "--password-file", run.password_file,
           "--chain-id", run.layout["chain_id"], "--listen", "%s:%d" % (run.net.p2p_ip(v.p2p_host), P2P_PORT),
           "--duration-s", str(attack), "--modes", os.environ.get("FOLIO_S19_MODES", ALL_BYZ_MODES), "--seed", str(zlib.crc32(run.name.encode())),
           "--batch-rate", str(BYZ_BATCH_RATE)]
    for p in run.peer_list(v, honest):
        cmd += ["--peer", p]
    errf = open(os.path.join(run.dir, "byzantine.log"), "w")
    t_attack = now() - run.t0
    byz = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=errf, text=True)
    run.note("folio-byzantine with %s's key: %s for %d s (baseline %.0f s before)" %
             (v.name, os.environ.get("FOLIO_S19_MODES", "every mode"), attack, base_s))
    progresses(run, attack, honest, "byzantine %s attacking" % v.name)
    rss_peak = {n.name: rss_of(n) for n in honest}
    try:
        out, _ = byz.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        byz.kill()
        raise Fail("folio-byzantine did not end within 60 s of its duration")
    errf.close()
    t_end = now() - run.t0
    d2 = {n.name: du(os.path.join(n.home, "data")) for n in honest}
    r2 = {n.name: rss_of(n) for n in honest}
    run.assert_running()
    lines = [l for l in out.splitlines() if l.startswith("{")]
    if byz.returncode != 0 or not lines:
        raise Fail("folio-byzantine failed (exit %s): %s" % (byz.returncode, out[-500:]))
    summary = json.loads(lines[-1])
    run.note("folio-byzantine sent %s in %d ms: %s" % (
        mib(summary["sent_bytes"]), summary["attack_ms"],
        ", ".join("%s %d msgs %s" % (m, t["messages"], mib(t["bytes"])) for m, t in sorted(summary["sent"].items()))))
    run.note("raw connections: %s" % json.dumps(summary["raw"], sort_keys=True))
    with open(os.path.join(run.dir, "byzantine.json"), "w") as f:
        f.write(lines[-1])
    v.start()

    rows = []
    attack_s = summary["attack_ms"] / 1000.0
    disk_over, figs = [], []
    for n in honest:
        key = run.key_of(n.validator)
        sent_batches = summary["peers"].get(key, {}).get("unsolicited_batch_bytes", 0)
        rate = max(0, d1[n.name] - d0[n.name]) / base_s
        growth = d2[n.name] - d1[n.name]
        excess = growth - rate * attack_s
        figs.append("%s +%s (baseline %s/s, so %s expected; sent %s of batches)" % (
            n.name, mib(growth), mib(rate), mib(rate * attack_s), mib(sent_batches)))
        if excess > DISK_EXCESS_BOUND:
            disk_over.append(n.name)
    run.note("data directories during the attack: " + "; ".join(figs))
    rows.append(("byzantine: disk", not disk_over,
                 ("%s grew more than %s over their baseline: " % (",".join(disk_over), mib(DISK_EXCESS_BOUND))
                  if disk_over else "within %s of the baseline: " % mib(DISK_EXCESS_BOUND)) + "; ".join(figs)))
    rss_over, rfigs = [], []
    for n in honest:
        grew = max(rss_peak[n.name], r2[n.name]) - r1[n.name]
        rfigs.append("%s %s -> %s" % (n.name, mib(r1[n.name]), mib(max(rss_peak[n.name], r2[n.name]))))
        if grew > RSS_GROWTH_BOUND:
            rss_over.append(n.name)
    run.note("RSS before and at the end of the attack: " + "; ".join(rfigs))
    rows.append(("byzantine: memory", not rss_over,
                 ("%s grew more than %s: " % (",".join(rss_over), mib(RSS_GROWTH_BOUND)) if rss_over
                  else "RSS grew less than %s: " % mib(RSS_GROWTH_BOUND)) + "; ".join(rfigs)))
    gap = longest_gap_between(run, t_attack, t_end, honest)
    rows.append(("byzantine: liveness", gap <= 15.0,
                 "longest gap among the honest three during the attack %.1f s (bound 15 s)" % gap))
    open_after = {a: r.get("not_closed", 0) for a, r in summary["raw"].items() if r.get("not_closed", 0)}
    tried = sum(r.get("handshake_ok", 0) for r in summary["raw"].values())
    rows.append(("byzantine: bad frames", not open_after and (tried > 0 or "raw" not in summary["modes"]),
                 ("kept open after %s" % open_after) if open_after else
                 "%d raw connections authenticated, each closed by the peer after its bad frame" % tried if tried
                 else "no raw connection got through the handshake: %s" % json.dumps(summary["raw"])))
    run.mark_healed()
    return {"scenario_rows": rows}


# The default suite's run (faults_all): every scenario in turn, briefly, on one cluster under one
# load, one check at the end. S13 (the fork control) forks the chain, so it runs on its own; S17
# adds a fifth validator, so it comes last; S12 comes first, while the chain is short and its twin
# (which starts empty) catches up in seconds.
ALL = ["S12", "S1", "S2", "S3", "S4", "S5", "S6", "S7", "S8", "S9", "S14", "S15", "S16", "S10", "S11", "S19", "S17"]

SCENARIOS = {
    "S1": s1_kill_random, "S2": s2_kill_all, "S3": s3_pause_leader, "S4": s4_isolate_one,
    "S5": s5_isolate_leader, "S6": s6_split_2_2, "S7": s7_split_3_1, "S8": s8_one_way, "S9": s9_loss,
    "S10": s10_skew_30s, "S11": s11_skew_5min, "S12": s12_twin, "S13": s13_fork_control,
    "S14": s14_failpoints, "S15": s15_corrupt_tail, "S16": s16_disk_full, "S17": s17_reconfig, "S19": s19_byzantine,
}
