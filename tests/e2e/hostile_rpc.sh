#!/usr/bin/env bash
# Reliability scenario S18: hostile RPC clients against one foliod, each while honest clients go on
# being served. Clients come from distinct loopback addresses (127.0.0.0/8) so the per-address
# bounds can be told from the global ones:
#   1. a flood of logins by fresh keys from ten addresses: each address is rate-limited (-32005),
#      the token store stays bounded (the flood's first tokens are evicted), and the real user's
#      token from before the flood still works and the real user logs in again;
#   2. slowloris: connections that send a header one byte at a time are closed at the header timeout;
#   3. oversized bodies: 413 with -32005 "request body exceeds N bytes";
#   4. two thousand connections from one address: the node holds at most the per-address bound,
#      refuses the rest (503 / closed) and answers a client from another address meanwhile;
#   5. WebSocket clients that never read: one that floods requests is dropped when a write stalls,
#      an idle subscriber at the idle timeout.
source "$(dirname "$0")/lib.sh"
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
command -v python3 >/dev/null || fail "python3 is required"
command -v node >/dev/null || fail "node is required (scripts/install-deps)"
[ -d "$ROOT/node_modules" ] || fail "node_modules missing: run scripts/install-deps"

new_key alice creator BR
make_chain
PER_IP=32
MAX_TOKENS=50
start_node --rpc-max-tokens $MAX_TOKENS --rpc-login-rate 1 --rpc-login-burst 20 \
  --rpc-max-connections-per-ip $PER_IP --rpc-header-timeout-ms 2000 --rpc-max-body 65536 \
  --rpc-ws-write-timeout-ms 2000 --rpc-ws-idle-timeout-ms 4000
CHAIN=$(rpc chain_info '{}' | jq -r .result.chain_id)
served() {  # a client from 127.0.0.1 gets chain_info within 2 s
  curl -s --max-time 2 -H 'content-type: application/json' \
    -d '{"jsonrpc":"2.0","id":1,"method":"chain_info","params":{}}' "$NODE" | jq -e '.result.height >= 0' >/dev/null
}
fds() { find "/proc/$NODE_PID/fd" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l; }
q="{\"address\":\"$ADDR_alice\"}"

# ---- 1. login flood by fresh keys
alice_tok=$(login alice)
expect_eq "$(rpc account_get "$q" "$alice_tok" | jq -r .result.address)" "$ADDR_alice" "alice before the flood"
flood=$(cd "$ROOT" && node --input-type=module -e "
  import http from 'node:http';
  import { randomBytes } from 'node:crypto';
  import { signAuth, publicKeyOf } from './examples/gateway-client/src/folio.js';
  const hex = (b) => Buffer.from(b).toString('hex');
  const call = (from, method, params) => new Promise((ok, bad) => {
    const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method, params });
    const req = http.request({ host: '127.0.0.1', port: $PORT, method: 'POST', path: '/', localAddress: from,
      agent: false, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
      (res) => { let t = ''; res.on('data', (c) => (t += c)); res.on('end', () => ok(JSON.parse(t))); });
    req.on('error', bad); req.end(body);
  });
  let ok = 0, limited = 0, other = 0, first = null;
  await Promise.all(Array.from({ length: 10 }, async (_, a) => {
    const from = '127.0.0.' + (10 + a);
    // All challenges first, then the logins: the rate limit counts challenges, and asking for
    // them back to back keeps the result independent of how fast this machine signs.
    const nonces = [];
    for (let i = 0; i < 40; i++) {
      const ch = await call(from, 'auth_challenge', {});
      if (ch.error) { if (ch.error.code === -32005 && /login attempts/.test(ch.error.data.reason)) limited++; else other++; continue; }
      nonces.push(ch.result.nonce);
    }
    for (const nonce of nonces) {
      const sk = randomBytes(32);
      const r = await call(from, 'auth_login', { address: publicKeyOf(sk), nonce,
                                                 signature: signAuth(sk, '$CHAIN', nonce) });
      if (r.result && r.result.token) { ok++; if (!first) first = r.result.token; } else other++;
    }
  }));
  console.log(JSON.stringify({ ok, limited, other, first }));") || fail "the login flood script failed"
echo "flood: $flood"
[ "$(jq .other <<<"$flood")" = 0 ] || fail "unexpected answers in the flood: $flood"
[ "$(jq .ok <<<"$flood")" -ge 200 ] || fail "fewer logins than the burst allows: $flood"
[ "$(jq .ok <<<"$flood")" -lt 400 ] || fail "no login was rate-limited: $flood"
[ "$(jq .limited <<<"$flood")" -gt 0 ] || fail "no -32005 for the flood: $flood"
pass "a flood of logins is rate-limited per address (-32005 'too many login attempts from this address')"
r=$(rpc account_get '{"address":"'"$ADDR_alice"'"}' "$(jq -r .first <<<"$flood")")
expect_eq "$(jq -r .error.code <<<"$r")" "-32010" "the flood's first token"
expect_eq "$(jq -r .error.data.reason <<<"$r")" "unknown token" "the flood's first token"
pass "the token store stays bounded ($MAX_TOKENS): the flood's oldest tokens were evicted"
expect_eq "$(rpc account_get "$q" "$alice_tok" | jq -r .result.address)" "$ADDR_alice" "alice's token after the flood"
alice_tok2=$(login alice)
[ ${#alice_tok2} = 64 ] || fail "alice cannot log in after the flood"
expect_eq "$(rpc account_get "$q" "$alice_tok2" | jq -r .result.address)" "$ADDR_alice" "alice's new token"
pass "the real user's token survived the flood and the real user logs in again"

# ---- 2. slowloris
python3 - "$PORT" >"$T/slowloris.out" <<'PY' &
import socket, sys, time
port = int(sys.argv[1])
conns = []
for i in range(20):
    s = socket.socket(); s.bind(("127.0.0.20", 0)); s.connect(("127.0.0.1", port)); s.settimeout(0.05)
    conns.append(s)
header = b"POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nX-Slow: " + b"a" * 200
start = time.time(); closed_at = {}
for k in range(len(header)):
    if time.time() - start > 10: break
    for i, s in enumerate(conns):
        if i in closed_at: continue
        try:
            s.send(header[k:k+1])
            if s.recv(1024) == b"": closed_at[i] = time.time() - start
        except socket.timeout: pass
        except OSError: closed_at[i] = time.time() - start
    if len(closed_at) == len(conns): break
    time.sleep(0.2)
print(len(closed_at), round(max(closed_at.values(), default=99), 1))
PY
SLOW=$!
sleep 1
served || fail "a client was not served during the slowloris"
wait "$SLOW" || fail "the slowloris client failed"
read -r n_closed last <"$T/slowloris.out"
expect_eq "$n_closed" 20 "slowloris connections closed by the node"
awk -v t="$last" 'BEGIN { exit !(t < 6) }' || fail "slowloris connections lived ${last} s (header timeout 2 s)"
pass "slowloris: 20 connections sending a header byte by byte were closed after ${last} s"

# ---- 3. oversized bodies
big="$T/big.json"
{ printf '{"jsonrpc":"2.0","id":1,"method":"chain_info","params":{"pad":"'; head -c 100000 /dev/zero | tr '\0' a; printf '"}}'; } >"$big"
code=$(curl -s -o "$T/413.json" -w '%{http_code}' --max-time 5 -H 'content-type: application/json' --data-binary "@$big" "$NODE")
expect_eq "$code" 413 "oversized body status"
expect_eq "$(jq -r .error.code "$T/413.json")" "-32005" "oversized body code"
expect_eq "$(jq -r .error.data.reason "$T/413.json")" "request body exceeds 65536 bytes" "oversized body reason"
code=$(curl -s -o "$T/413c.json" -w '%{http_code}' --max-time 5 -H 'content-type: application/json' \
  -H 'Transfer-Encoding: chunked' --data-binary "@$big" "$NODE")
expect_eq "$code" 413 "oversized chunked body status"
served || fail "not served after oversized bodies"
pass "oversized bodies (sized and chunked) get 413 / -32005 'request body exceeds 65536 bytes'"

# ---- 4. thousands of connections from one address
fds_before=$(fds)
python3 - "$PORT" "$T/held" >"$T/many.out" <<'PY' &
import resource, socket, sys, time
port, flag = int(sys.argv[1]), sys.argv[2]
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 8192), hard))
# Each connection asks for /health at once (an idle one would be closed at the header timeout).
conns, failed = [], 0
for i in range(2000):
    try:
        s = socket.socket(); s.bind(("127.0.0.30", 0)); s.settimeout(2); s.connect(("127.0.0.1", port))
        s.send(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
        conns.append(s)
    except OSError: failed += 1
served = refused = closed = 0
for s in conns:
    try:
        s.settimeout(0.5); r = s.recv(4096)
        if r.startswith(b"HTTP/1.1 200"): served += 1
        elif r.startswith(b"HTTP/1.1 503"): refused += 1
        else: closed += 1
    except OSError: closed += 1
open(flag, "w").write("held\n")
time.sleep(1)  # the served ones are held open while another client is checked
for s in conns: s.close()
print(len(conns) + failed, served, refused, closed)
PY
MANY=$!
deadline=$((SECONDS + 60))
until [ -f "$T/held" ]; do [ $SECONDS -lt $deadline ] || fail "the connection flood did not start"; sleep 0.1; done
t0=$(date +%s%N)
served || fail "a client from 127.0.0.1 was not served while 127.0.0.30 held 2000 connections"
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
fds_during=$(fds)
wait "$MANY" || fail "the connection flood client failed"
read -r total n_served n_refused n_closed <"$T/many.out"
echo "connections: $total opened, $n_served served, $n_refused refused (503), $n_closed closed; node fds $fds_before -> $fds_during"
expect_eq "$total" 2000 "connections attempted"
[ "$n_served" -le $PER_IP ] || fail "$n_served connections of one address were served (bound $PER_IP)"
[ "$n_served" -ge 1 ] || fail "no connection of the flooding address was served at all"
[ $((fds_during - fds_before)) -lt $((PER_IP + 64 + 32)) ] || fail "the node held $fds_during descriptors during the flood"
grep -q 'too many connections from this address' "$T/foliod.log" || fail "refusals were not logged"
pass "2000 connections from one address: at most $PER_IP served, the rest refused; another client served in ${ms} ms"

# ---- 5. WebSocket clients that never read
python3 - "$PORT" >"$T/ws.out" <<'PY'
import base64, json, os, socket, struct, sys, time
port = int(sys.argv[1])
def ws_connect(rcvbuf=None):
    s = socket.socket()
    if rcvbuf: s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    s.bind(("127.0.0.40", 0)); s.connect(("127.0.0.1", port))
    key = base64.b64encode(os.urandom(16)).decode()
    s.send(("GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            "Sec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n\r\n" % key).encode())
    buf = b""
    while b"\r\n\r\n" not in buf: buf += s.recv(1)
    assert buf.startswith(b"HTTP/1.1 101"), buf
    return s
def frame(text):
    p = text.encode(); mask = os.urandom(4)
    n = len(p)
    head = bytes([0x81]) + (bytes([0x80 | n]) if n < 126 else bytes([0x80 | 126]) + struct.pack(">H", n))
    return head + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(p))
def dropped_within(s, seconds):
    # True once the node has closed the connection (read everything that is buffered, then EOF/RST).
    end = time.time() + seconds
    s.settimeout(0.5)
    while time.time() < end:
        try:
            if s.recv(1 << 16) == b"": return round(time.time() - start, 1)
        except socket.timeout: pass
        except OSError: return round(time.time() - start, 1)
    return None
# a) floods requests whose answers are large, never reads: dropped when a write stalls.
start = time.time()
s = ws_connect(rcvbuf=4096)
req = frame(json.dumps({"jsonrpc": "2.0", "id": 1, "method": "rpc_discover", "params": {}}))
s.settimeout(0.2); sent = 0
while time.time() - start < 8:
    try: s.send(req); sent += 1
    except socket.timeout: break  # the node stopped reading: its queue is full
    except OSError: break
time.sleep(4)  # the write timeout (2 s) passes while the client still reads nothing
a = dropped_within(s, 5)
# b) subscribes, then never reads nor answers pings: dropped at the idle timeout (4 s).
start = time.time()
s2 = ws_connect()
s2.send(frame(json.dumps({"jsonrpc": "2.0", "id": 1, "method": "chain_subscribe", "params": {}})))
time.sleep(2)
b = dropped_within(s2, 10)
print(sent, a, b)
PY
read -r sent dropped_a dropped_b <"$T/ws.out"
echo "websocket: flooding reader sent $sent requests, dropped at ${dropped_a} s; idle subscriber dropped at ${dropped_b} s"
[ "$dropped_a" != None ] || fail "a WebSocket client that never reads was not dropped"
[ "$dropped_b" != None ] || fail "an idle WebSocket subscriber that never reads was not dropped"
served || fail "not served after the WebSocket clients"
rss=$(awk '/VmRSS/ {print $2}' "/proc/$NODE_PID/status")
[ "$rss" -lt $((1024 * 1024)) ] || fail "node RSS ${rss} KiB after the hostile clients"
pass "WebSocket clients that never read are dropped (write stall: ${dropped_a} s, idle: ${dropped_b} s); node RSS ${rss} KiB"

pid_alive "$NODE_PID" || fail "foliod died"
pass "S18: the node served honest clients through every hostile client"
