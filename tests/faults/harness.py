"""Folio's fault harness: a cluster of real foliod processes, each in its own network namespace,
under a steady mixed load (folio-faultload), a fault schedule, and one checker of every invariant.

docs/reliability.md describes the harness, the scenarios (S1-S19; S20 is the simulator) and the
invariants. Scenarios are written in tests/faults/scenarios.py with the verbs of `Run` below.

Network layout (root only: namespaces, veth, a bridge, nftables):
  hub namespace  : bridges p2pA and p2pB (the validators' links) and mgmt (RPC, the harness's link)
  process k      : namespace <tag>n<k>, veth "p2p" on p2pA or p2pB with the validator's identity address
                   10.213.<id>.<validator+1>, veth "mgmt" on mgmt with its own address 10.214.<id>.<k+1>
  the harness    : a veth on mgmt, 10.214.<id>.254; RPC goes over mgmt, so partitions of the
                   validators' links (nftables on the p veth) never blind the checker.
A twin (same key, own data) gets the next process slot; on p2pB it may reuse its original's identity
address (the fork control), on p2pA it gets a fresh one.
"""
import http.client
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


class Fail(Exception):
    pass


def now():
    return time.monotonic()


def sh(*args, check=True, quiet=False):
    r = subprocess.run(list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if check and r.returncode != 0:
        raise Fail("command failed (%d): %s\n%s" % (r.returncode, " ".join(args), r.stderr.strip()))
    return r.stdout


def prerequisites():
    """Everything the harness needs; missing means FAIL (CI runs as root with scripts/install-deps)."""
    missing = []
    if os.geteuid() != 0:
        missing.append("root (network namespaces)")
    for tool in ("ip", "nft"):
        if shutil.which(tool) is None:
            missing.append(tool)
    if not os.path.exists(FAKETIME_LIB):
        missing.append("libfaketime (package faketime)")
    if missing:
        raise Fail("fault harness prerequisites missing: " + ", ".join(missing) +
                   " (run as root after scripts/install-deps)")


# ---------------------------------------------------------------- JSON-RPC over the mgmt link
class Rpc:
    def __init__(self, host, port, timeout=3.0):
        self.host, self.port, self.timeout = host, port, timeout
        self.conn = None

    def _conn(self):
        if self.conn is None:
            self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        return self.conn

    def raw(self, body):
        """The decoded answer, or None. A kept-alive connection the server has closed since (its
        idle timeout) is replaced and the request tried once more on a fresh one."""
        for attempt in range(2):
            fresh = self.conn is None
            try:
                c = self._conn()
                c.request("POST", "/", body=json.dumps(body), headers={"content-type": "application/json"})
                r = c.getresponse()
                return json.loads(r.read())
            except Exception:
                if self.conn is not None:
                    self.conn.close()
                self.conn = None
                if fresh:
                    return None
        return None

    def call(self, method, params=None):
        """The result, or None when the node did not answer (down, paused, isolated) or erred."""
        out = self.raw({"jsonrpc": "2.0", "id": 1, "method": method, "params": params or {}})
        if not isinstance(out, dict) or "result" not in out:
            return None
        return out["result"]

    def batch(self, method, params_list):
        """Results in order (None for each failed call)."""
        body = [{"jsonrpc": "2.0", "id": i, "method": method, "params": p} for i, p in enumerate(params_list)]
        out = self.raw(body)
        res = [None] * len(params_list)
        if isinstance(out, list):
            for o in out:
                if isinstance(o, dict) and "result" in o and isinstance(o.get("id"), int) and o["id"] < len(res):
                    res[o["id"]] = o["result"]
        return res


# ---------------------------------------------------------------- the network
class Net:
    def __init__(self, tag, net_id):
        self.tag, self.id = tag, net_id
        self.hub = tag + "hub"
        self.namespaces = []
        self.host_if = tag + "h"
        sh("ip", "netns", "add", self.hub)
        self.namespaces.append(self.hub)
        for br in ("p2pA", "p2pB", "mgmt"):
            sh("ip", "-n", self.hub, "link", "add", br, "type", "bridge")
            sh("ip", "-n", self.hub, "link", "set", br, "up")
        sh("ip", "link", "add", self.host_if, "type", "veth", "peer", "name", "hm")
        sh("ip", "link", "set", "hm", "netns", self.hub)
        sh("ip", "-n", self.hub, "link", "set", "hm", "master", "mgmt")
        sh("ip", "-n", self.hub, "link", "set", "hm", "up")
        sh("ip", "addr", "add", self.mgmt_ip(254) + "/24", "dev", self.host_if)
        sh("ip", "link", "set", self.host_if, "up")

    def p2p_ip(self, n):
        return "10.213.%d.%d" % (self.id, n)

    def mgmt_ip(self, n):
        return "10.214.%d.%d" % (self.id, n)

    def add_process(self, k, p2p_host, bridge):
        ns = "%sn%d" % (self.tag, k)
        sh("ip", "netns", "add", ns)
        self.namespaces.append(ns)
        for leg, br, ip in (("p2p", bridge, self.p2p_ip(p2p_host)), ("mgmt", "mgmt", self.mgmt_ip(k + 1))):
            hub_end = "%s%s%d" % (self.tag, leg, k)
            tmp = "%s%s%dx" % (self.tag, leg, k)  # made in the root namespace, then moved and renamed
            sh("ip", "link", "add", tmp, "type", "veth", "peer", "name", hub_end)
            sh("ip", "link", "set", hub_end, "netns", self.hub)
            sh("ip", "link", "set", tmp, "netns", ns)
            sh("ip", "-n", ns, "link", "set", tmp, "name", leg)
            sh("ip", "-n", self.hub, "link", "set", hub_end, "master", br)
            sh("ip", "-n", self.hub, "link", "set", hub_end, "up")
            sh("ip", "-n", ns, "addr", "add", ip + "/24", "dev", leg)
            sh("ip", "-n", ns, "link", "set", leg, "up")
        sh("ip", "-n", ns, "link", "set", "lo", "up")
        return ns

    def nft(self, ns, *rule):
        sh("ip", "netns", "exec", ns, "nft", *rule)

    def block(self, ns, peers_in=(), peers_out=(), loss_pct=0):
        """Replaces ns's fault rules: drop p2p traffic from peers_in, to peers_out, and loss_pct% of
        every packet arriving on the p2p link (RPC on the mgmt link is never touched)."""
        self.clear(ns)
        self.nft(ns, "add", "table", "inet", "fault")
        self.nft(ns, "add", "chain", "inet", "fault", "in", "{ type filter hook input priority 0; }")
        self.nft(ns, "add", "chain", "inet", "fault", "out", "{ type filter hook output priority 0; }")
        for ip in peers_in:
            self.nft(ns, "add", "rule", "inet", "fault", "in", "ip", "saddr", ip, "drop")
        for ip in peers_out:
            self.nft(ns, "add", "rule", "inet", "fault", "out", "ip", "daddr", ip, "drop")
        if loss_pct:
            self.nft(ns, "add", "rule", "inet", "fault", "in", "iifname", "p2p", "numgen", "random", "mod", "100",
                     "<", str(loss_pct), "drop")

    def clear(self, ns):
        sh("ip", "netns", "exec", ns, "nft", "delete", "table", "inet", "fault", check=False)

    def cleanup(self):
        for ns in reversed(self.namespaces):
            sh("ip", "netns", "del", ns, check=False)
        sh("ip", "link", "del", self.host_if, check=False)
        self.namespaces = []


# ---------------------------------------------------------------- one foliod process
FAKETIME_LIB = "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1"  # Debian's libfaketime (faketime)
RPC_PORT = 26657
P2P_PORT = 26656
METRICS_PORT = 26660  # on the node's management address, as RPC


class Node:
    def __init__(self, run, k, validator, ns, p2p_host, home, key_file):
        self.run, self.k, self.validator, self.ns = run, k, validator, ns
        self.p2p_host = p2p_host
        self.home, self.key_file = home, key_file
        self.twin = False
        self.name = "v%d" % validator
        self.proc = None
        self.skew = None
        self.rpc_ip = run.net.mgmt_ip(k + 1)
        self.rpc = Rpc(self.rpc_ip, RPC_PORT)
        self.log_path = os.path.join(home, "foliod.log")
        self.peers = []  # "key@ip:port"
        self.extra_args = []
        self.expected_up = False  # started by the harness and not stopped by it since
        self.env = {}  # extra environment of the next start (e.g. FOLIO_FAILPOINTS)

    def start(self, skew=None):
        if self.alive():
            return
        if skew is not None:
            self.skew = skew
        os.makedirs(self.home, exist_ok=True)
        cmd = ["ip", "netns", "exec", self.ns]
        cmd += [os.path.join(self.run.bin, "foliod"), "--home", os.path.join(self.home, "data"),
                "--genesis", self.run.genesis, "--validator-key-file", self.key_file,
                "--key-password-file", self.run.password_file,
                "--rpc-listen", "%s:%d" % (self.rpc_ip, RPC_PORT),
                "--p2p-listen", "%s:%d" % (self.run.net.p2p_ip(self.p2p_host), P2P_PORT),
                "--metrics-listen", "%s:%d" % (self.rpc_ip, METRICS_PORT)]
        for p in self.peers:
            cmd += ["--peer", p]
        cmd += self.run.foliod_args + self.extra_args
        logf = open(self.log_path, "ab")
        self.expected_up = True
        env = dict(os.environ, **self.env)
        if self.skew:
            # libfaketime preloaded into foliod itself (the `faketime` wrapper would fork, and a
            # SIGKILL to it would leave foliod running with its store locked).
            env.update(LD_PRELOAD=FAKETIME_LIB, FAKETIME=self.skew, FAKETIME_DONT_RESET="1")
        self.proc = subprocess.Popen(cmd, stdout=logf, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env)
        logf.close()
        extra = (", clock " + self.skew if self.skew else "") + "".join(", %s=%s" % kv for kv in self.env.items())
        self.run.note("start %s (pid %d%s)" % (self.name, self.proc.pid, extra))

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def pid(self):
        return self.proc.pid if self.alive() else None

    def kill(self):
        self.expected_up = False
        if not self.alive():
            return
        self.proc.send_signal(signal.SIGCONT)
        self.proc.kill()
        self.proc.wait(timeout=30)
        self.run.note("kill -9 %s" % self.name)

    def stop(self):
        self.expected_up = False
        if not self.alive():
            return
        self.proc.send_signal(signal.SIGCONT)
        self.proc.terminate()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise Fail("%s did not stop within 30 s of SIGTERM" % self.name)
        self.run.note("stop %s (exit %d)" % (self.name, self.proc.returncode))

    def pause(self):
        if self.alive():
            self.proc.send_signal(signal.SIGSTOP)
            self.run.note("pause %s (SIGSTOP)" % self.name)

    def resume(self):
        if self.alive():
            self.proc.send_signal(signal.SIGCONT)
            self.run.note("resume %s (SIGCONT)" % self.name)

    def height(self):
        r = Rpc(self.rpc_ip, RPC_PORT, timeout=1.5).call("chain_info")
        return r.get("height") if isinstance(r, dict) else None

    def log_tail(self, n=25):
        try:
            with open(self.log_path, "rb") as f:
                lines = f.read().decode("utf-8", "replace").splitlines()
            return "\n".join(lines[-n:])
        except OSError:
            return "(no log)"


# ---------------------------------------------------------------- resource sampling
def proc_sample(pid):
    try:
        rss = threads = 0
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    rss = int(line.split()[1]) * 1024
                elif line.startswith("Threads:"):
                    threads = int(line.split()[1])
        fds = len(os.listdir("/proc/%d/fd" % pid))
        return rss, fds, threads
    except (OSError, ValueError):
        return None


def safety_sample(path):
    """(epoch, highest vote round, highest QC round, highest timeout round, highest proposed round)
    from a node's safety file (node/storage/safety_file.h: magic, u32 length, payload, SHA-256; the
    payload starts with five u64 little-endian fields, node/consensus/types.cpp ReadSafety), or
    None when there is none yet or it is being replaced."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError:
        return None
    if len(data) < 12 + 40 or data[:8] != b"FOLIOSS1":
        return None
    return tuple(int.from_bytes(data[12 + 8 * i:20 + 8 * i], "little") for i in range(5))


def went_back(old, new):
    """True when the safety state `new` is behind `old`: an earlier epoch, or in the same epoch a
    lower highest vote, QC, timeout or proposed round."""
    if new[0] != old[0]:
        return new[0] < old[0]
    return any(n < o for n, o in zip(new[1:], old[1:]))


# Documented in docs/reliability.md ("Bounded resources").
STATE_CACHE_MB = os.environ.get("FOLIO_FAULTS_STATE_CACHE_MB", "16")
LIMITS = {"rss": 1024 * 1024 * 1024, "fds": 1024, "threads": 64}


# ---------------------------------------------------------------- a run: cluster + load + faults + checker
class Run:
    def __init__(self, name, workdir, bin_dir, validators=4, foliod_args=None, log=None):
        self.name, self.bin, self.nval = name, bin_dir, validators
        self.dir = workdir
        # A 16 MiB state cache (foliod's default is 256 MiB, filled lazily as blocks execute): the
        # RSS the harness bounds (S19's memory row, the resources row) is then the node's buffers,
        # not a cache that fills under any load (docs/reliability.md, S19).
        self.foliod_args = list(foliod_args or ["--round-timeout-ms", "1000", "--state-cache-mb", STATE_CACHE_MB])
        self.t0 = now()
        self.events = []  # (t, text)
        self.out = log or sys.stdout
        self.nodes = []
        self.load_proc = None
        self.load_end = None  # monotonic time the load is scheduled to end (None: a stop file ends it)
        self.samples = []  # (t, {node name: height or None})
        self.resources = {}  # node name -> [max rss, max fds, max threads]
        self.safety = {}  # node name -> last safety sample
        self.safety_samples = 0
        self.safety_regressions = []  # "name: old -> new"
        self.heal_t = None
        self._stop = threading.Event()
        self._sampler = None
        self.pace = "short"     # brief | short | long (tests/faults/scenarios.py, dur)
        self.load_running = False  # the run of every scenario starts one load for all of them
        net_id = 1 + (os.getpid() + int(time.time())) % 200
        self.tag = "f%d" % net_id
        self.net = None
        self.net_id = net_id
        self.mounts = []

    # -- log
    def note(self, text):
        t = now() - self.t0
        self.events.append((t, text))
        print("[%s %7.1fs] %s" % (self.name, t, text), file=self.out, flush=True)

    # -- cluster
    def create(self):
        prerequisites()
        os.makedirs(self.dir, exist_ok=True)
        dn = os.path.join(self.dir, "devnet")
        env = dict(os.environ, FOLIO_BIN=self.bin)
        r = subprocess.run([os.path.join(ROOT, "scripts", "devnet"), "create", "--dir", dn,
                            "--validators", str(self.nval)], env=env, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True)
        if r.returncode != 0:
            raise Fail("devnet create failed:\n" + r.stdout)
        self.devnet_dir = dn
        with open(os.path.join(dn, "layout.json")) as f:
            self.layout = json.load(f)
        self.genesis = os.path.join(dn, "genesis.json")
        self.password_file = os.path.join(dn, "password")  # unlocks the validator keys (encrypted at rest)
        self.net = Net(self.tag, self.net_id)
        for i in range(self.nval):
            self.add_node(i, i, "p2pA", i + 1)
        for n in self.nodes:
            n.peers = self.peer_list(n)
        self.write_devnet_json()

    def key_of(self, validator):
        return self.layout["validators"][validator]["key"]

    def peer_list(self, node, among=None):
        peers = []
        for m in (among if among is not None else self.nodes):
            if m.validator == node.validator:
                continue
            peers.append("%s@%s:%d" % (self.key_of(m.validator), self.net.p2p_ip(m.p2p_host), P2P_PORT))
        return peers

    def add_node(self, k, validator, bridge, p2p_host):
        ns = self.net.add_process(k, p2p_host, bridge)
        home = os.path.join(self.dir, "n%d" % k)
        key = os.path.join(self.devnet_dir, "validators", "v%d" % validator, "validator.key")
        node = Node(self, k, validator, ns, p2p_host, home, key)
        self.nodes.append(node)
        return node

    def add_twin(self, validator, bridge="p2pA", p2p_host=None):
        """Another process with validator's key and its own data (and so its own safety state)."""
        k = len(self.nodes)
        twin = self.add_node(k, validator, bridge, p2p_host if p2p_host is not None else 100 + k)
        twin.twin = True
        twin.name = "v%d-twin%d" % (validator, k)
        return twin

    def add_validator(self):
        """A new process with a fresh validator key, not in any set yet (S17): its key is appended to
        the layout so the checker and peer lists know it."""
        v = len(self.layout["validators"])
        d = os.path.join(self.devnet_dir, "validators", "v%d" % v)
        os.makedirs(d, exist_ok=True)
        key = json.loads(sh(os.path.join(self.bin, "foliod"), "keygen", "--out", os.path.join(d, "validator.key"),
                            "--password-file", self.password_file, "--kdf", "interactive"))
        self.layout["validators"].append({"key": key["address"]})
        k = len(self.nodes)
        node = self.add_node(k, v, "p2pA", v + 1)
        node.name = "v%d" % v
        node.peers = self.peer_list(node, self.honest())
        return node

    def cli(self, who, *args):
        """The folio CLI as account `who` against the first live validator; returns its stdout."""
        acct = self.layout["accounts"][who]
        env = dict(os.environ, FOLIO_PASSWORD=self.layout.get("password", ""), FOLIO_KEYSTORE_KDF="interactive")
        node = next(n for n in self.honest() if n.alive())
        cmd = [os.path.join(self.bin, "folio"), "--node", "http://%s:%d" % (node.rpc_ip, RPC_PORT),
               "--home", acct["home"], "--key", who] + list(args)
        r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, timeout=120)
        if r.returncode != 0:
            raise Fail("folio %s failed: %s" % (" ".join(args[:3]), r.stderr.strip()[-400:]))
        return r.stdout

    def mount_tmpfs(self, path, size):
        os.makedirs(path, exist_ok=True)
        sh("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", path)
        self.mounts.append(path)
        self.note("tmpfs of %s mounted at %s" % (size, path))

    def write_devnet_json(self):
        d = {"chain_id": self.layout["chain_id"], "genesis": self.genesis,
             "validators": [{"name": n.name, "rpc": "http://%s:%d" % (n.rpc_ip, RPC_PORT)} for n in self.nodes],
             "accounts": self.layout["accounts"], "password": self.layout.get("password", "")}
        self.devnet_json = os.path.join(self.dir, "devnet.json")
        with open(self.devnet_json, "w") as f:
            json.dump(d, f)

    def honest(self):
        """Every validator's own process (not twins)."""
        return [n for n in self.nodes if not n.twin]

    def node(self, i):
        return self.nodes[i]

    def start_all(self, nodes=None):
        for n in nodes or self.honest():
            n.start()

    def wait_height(self, h, nodes=None, timeout=90):
        nodes = nodes or self.honest()
        deadline = now() + timeout
        while True:
            hs = [n.height() for n in nodes]
            if all(x is not None and x >= h for x in hs):
                return
            if now() > deadline:
                raise Fail("nodes %s did not reach height %d within %d s (heights %s)" %
                           ([n.name for n in nodes], h, timeout, hs))
            for n in nodes:
                if n.proc is not None and not n.alive():
                    raise Fail("%s exited (code %s):\n%s" % (n.name, n.proc.returncode, n.log_tail()))
            time.sleep(0.3)

    def assert_running(self, expected_exit=()):
        """Raises for a node that exited without the harness stopping it (a crash is a finding)."""
        for n in self.nodes:
            if n.expected_up and not n.alive() and n not in expected_exit:
                raise Fail("%s exited unexpectedly (code %s):\n%s" % (n.name, n.proc.returncode, n.log_tail(8)))

    def max_height(self, nodes=None):
        hs = [n.height() for n in nodes or self.honest()]
        hs = [h for h in hs if h is not None]
        return max(hs) if hs else 0

    def leader(self):
        """The validator index that proposed the newest block (with a round-robin rotation, the one
        most likely to lead again soon; docs/consensus.md)."""
        for n in self.honest():
            h = n.height()
            if h:
                b = n.rpc.call("chain_getBlock", {"height": h})
                if b:
                    key = b["header"]["proposer"]
                    for i in range(self.nval):
                        if self.key_of(i) == key:
                            return i
        return 0

    # -- sampling
    def _sample_loop(self):
        last_res = 0.0
        while not self._stop.is_set():
            t = now() - self.t0
            hs = {}
            for n in self.nodes:
                hs[n.name] = n.height() if n.alive() else None
            self.samples.append((t, hs))
            if t - last_res >= 2.0:
                last_res = t
                for n in self.nodes:
                    cur_s = safety_sample(os.path.join(n.home, "data", "safety"))
                    if cur_s is not None:
                        self.safety_samples += 1
                        old = self.safety.get(n.name)
                        if old is not None and went_back(old, cur_s):
                            self.safety_regressions.append("%s: %s -> %s" % (n.name, old, cur_s))
                        self.safety[n.name] = cur_s
                    pid = n.pid()
                    s = proc_sample(pid) if pid else None
                    if s:
                        cur = self.resources.setdefault(n.name, [0, 0, 0])
                        for i in range(3):
                            cur[i] = max(cur[i], s[i])
            self._stop.wait(0.5)

    def start_sampler(self):
        self._sampler = threading.Thread(target=self._sample_loop, daemon=True)
        self._sampler.start()

    # -- load
    def start_load(self, duration_s, rate=6, nodes=None, seed=None, setup=True, stop_file=None):
        if self.load_running:
            self.note("(the load already runs)")
            return
        nodes = nodes or self.honest()
        urls = ",".join("http://%s:%d" % (n.rpc_ip, RPC_PORT) for n in nodes)
        self.load_out = os.path.join(self.dir, "load.jsonl")
        exe = os.path.join(self.bin, "folio-faultload")
        if not os.path.exists(exe):
            raise Fail("folio-faultload not built (%s)" % exe)
        if setup:
            r = subprocess.run([exe, "--devnet", self.devnet_json, "--nodes", urls, "--duration-s", "0",
                                "--setup-only", "--out", self.load_out, "--seed", seed or self.name],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=300)
            if r.returncode != 0:
                raise Fail("load setup failed:\n" + r.stdout[-3000:])
            self.note("load setup done")
        cmd = [exe, "--devnet", self.devnet_json, "--nodes", urls, "--duration-s", str(int(duration_s)),
               "--rate", str(rate), "--out", self.load_out, "--seed", seed or self.name, "--no-setup"]
        if stop_file:
            cmd += ["--stop-file", stop_file]
        self.load_log = open(os.path.join(self.dir, "load.log"), "w")
        self.load_proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=self.load_log, text=True)
        # When the driver stops by itself (a stop file ends it earlier: wait_load counts from then).
        self.load_end = None if stop_file else time.monotonic() + duration_s
        self.note("load: %s tx/s for %d s over %d nodes" % (rate, duration_s, len(nodes)))

    def wait_load(self, timeout=180):
        """Waits for the load driver: until `timeout` s after its scheduled end (a long run's load
        may go on well past the fault schedule), or after now when a stop file ended it."""
        if self.load_proc is None:
            return None
        end = self.load_end
        wait = timeout + max(0.0, end - time.monotonic()) if end is not None else timeout
        try:
            out, _ = self.load_proc.communicate(timeout=wait)
        except subprocess.TimeoutExpired:
            self.load_proc.kill()
            raise Fail("the load driver did not finish within %d s of its end" % timeout)
        self.load_log.close()
        if self.load_proc.returncode != 0:
            raise Fail("the load driver failed (%d): %s" % (self.load_proc.returncode, out[-2000:]))
        lines = [l for l in out.splitlines() if l.startswith("{")]
        self.load_summary = json.loads(lines[-1]) if lines else {}
        self.note("load done: %s" % json.dumps(self.load_summary, sort_keys=True)[:400])
        return self.load_summary

    # -- faults
    def partition(self, *groups):
        """Drop every p2p packet between processes of different groups (lists of nodes)."""
        side = {}
        for gi, g in enumerate(groups):
            for n in g:
                side[n.k] = gi
        for n in self.nodes:
            if n.k not in side:
                continue
            others = [self.net.p2p_ip(m.p2p_host) for m in self.nodes if m.k in side and side[m.k] != side[n.k]]
            self.net.block(n.ns, peers_in=others, peers_out=others)
        self.note("partition " + " | ".join(",".join(n.name for n in g) for g in groups))

    def one_way(self, src, dst):
        """Packets from src no longer reach dst (dst's packets still reach src)."""
        self.net.block(dst.ns, peers_in=[self.net.p2p_ip(src.p2p_host)])
        self.note("one-way link: %s -/-> %s" % (src.name, dst.name))

    def loss(self, pct, nodes=None):
        for n in nodes or self.nodes:
            self.net.block(n.ns, loss_pct=pct)
        self.note("packet loss %d%% on every p2p link" % pct)

    def net_move(self, node, bridge):
        """Re-plugs node's p2p link into another bridge (the fork control's second network)."""
        sh("ip", "-n", self.net.hub, "link", "set", "%sp2p%d" % (self.tag, node.k), "master", bridge)
        self.note("%s moved to network %s" % (node.name, bridge))

    def heal(self):
        for n in self.nodes:
            self.net.clear(n.ns)
        self.heal_t = now() - self.t0
        self.note("heal: every link restored")

    def mark_healed(self):
        self.heal_t = now() - self.t0
        self.note("faults over")

    # -- teardown
    def close(self):
        self._stop.set()
        if self.load_proc is not None and self.load_proc.poll() is None:
            self.load_proc.kill()
            self.load_proc.wait()
        for n in self.nodes:
            try:
                if n.alive():
                    n.proc.send_signal(signal.SIGCONT)
                    n.proc.kill()
                    n.proc.wait(timeout=30)
            except Exception:
                pass
        if self.net is not None:
            self.net.cleanup()
        for m in self.mounts:
            sh("umount", "-l", m, check=False)
