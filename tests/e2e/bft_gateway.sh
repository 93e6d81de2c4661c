#!/usr/bin/env bash
# The example payment-gateway client (examples/gateway-client, docs/gateway-client.md) against a
# 4-validator devnet under continuous settlement load:
#  a. the client, kill -9'd at random points 4 times and restarted, pays every payout instruction
#     exactly once, in seq order, verified offline; every one is confirmed on every validator; the
#     paid set equals the payout instructions of settlement_events on every validator; a repeated
#     confirmation is refused (payout_already_confirmed);
#  b. an unauthenticated WebSocket gets -32010 from settlement_subscribe and no events; another
#     account subscribed from seq 1 sees only its own events;
#  c. the client's proof check (node --test) accepts a real devnet proof and rejects it altered
#     (amount, payout id, payee, a signature byte, a wrong genesis validator set, ...);
#  d. a consumer that never reads is cut off with a stop notice carrying next_seq, and the node's
#     RSS stays bounded (foliod --ws-queue-bytes 32768 here and 8 subscriptions from seq 1 on that
#     connection, so the limit is reached in seconds).
source "$(dirname "$0")/bftlib.sh"
GC="$ROOT/examples/gateway-client"
# A missing prerequisite fails the test (it is never skipped).
need_node_modules
PROBE=(node "$GC/test/probe.js")

QUEUE=32768
FOLIO_DEVNET_FOLIOD_ARGS="--ws-queue-bytes $QUEUE" devnet up --validators 4 || { cat "$T/devnet.log"; fail "devnet up"; }
for i in 0 1 2 3; do wait_vheight $i 2; done
J="$DN/devnet.json"
export FOLIO_PASSWORD="$(jq -r .password "$J")"
wsurl() { echo "ws://127.0.0.1:$(folio_rpc_port "$BASE" "$1")/ws"; }
addr() { jq -r ".accounts.$1.address" "$J"; }
keyfile() { jq -r ".accounts.$1.secret_key" "$J" >"$T/$1.key"; chmod 600 "$T/$1.key"; echo "$T/$1.key"; }
as() {  # as NAME VALIDATOR folio-args...
  local n="$1" v="$2"; shift 2
  "$BIN/folio" --home "$(jq -r ".accounts.$n.home" "$J")" --key "$n" --node "$(vurl "$v")" "$@"
}
GW=$(addr gateway); GWKEY=$(keyfile gateway); AUDKEY=$(keyfile auditor); D2KEY=$(keyfile distributor2)

# ---- setup: payout preferences to the gateway (studio in USD: converted payouts), an FX rate
as fx_oracle 1 fx post BRL USD 1834/10000 >/dev/null || fail "fx post"
for a in creator distributor distributor2 distributor3; do
  as "$a" 2 payout prefs --gateway "$GW" --currency BRL >/dev/null || fail "payout prefs of $a"
done
as studio 3 payout prefs --gateway "$GW" --currency USD >/dev/null || fail "payout prefs of studio"
pass "payout preferences set (creator and distributors in BRL, studio in USD via BRL/USD)"

# ---- continuous load for LOAD_S seconds: deposits by the gateway, withdrawals by payees
LOAD_S=${LOAD_S:-40}
load_deposits() {
  local end=$((SECONDS + LOAD_S)) i=0 to
  while [ $SECONDS -lt $end ]; do
    i=$((i + 1)); to=creator; [ $((i % 2)) = 0 ] && to=studio
    as gateway 0 deposit "$(addr $to)" 30.00 BRL --reference "dep-$$-$i" >/dev/null 2>&1 || true
    sleep 0.5
  done
}
load_withdraw() {  # NAME VALIDATOR
  local end=$((SECONDS + LOAD_S)) i=0
  while [ $SECONDS -lt $end ]; do
    i=$((i + 1))
    as "$1" "$2" withdraw "$((i % 7 + 1)).$((RANDOM % 90 + 10))" BRL >/dev/null 2>&1 || true
    sleep 1
  done
}
LOADPIDS=()
load_deposits & LOADPIDS+=($!)
load_withdraw creator 2 & LOADPIDS+=($!)
load_withdraw studio 3 & LOADPIDS+=($!)
load_withdraw distributor 0 & LOADPIDS+=($!)
load_withdraw distributor2 1 & LOADPIDS+=($!)
load_withdraw distributor3 2 & LOADPIDS+=($!)
PIDS+=("${LOADPIDS[@]}")

# ---- d. a slow consumer (auditor: sees every event) that subscribes from seq 1 and never reads
V3PID=$(vpid 3)
rss() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }
sleep 4
RSS0=$(rss "$V3PID")
AUDTOK=$(as auditor 3 --json auth login | jq -r .token)
python3 - 127.0.0.1 "$(folio_rpc_port "$BASE" 3)" "$AUDTOK" 30 >"$T/slow.json" 2>"$T/slow.err" <<'PY' &
import base64, json, os, socket, struct, sys, time
host, port, token, secs = sys.argv[1], int(sys.argv[2]), sys.argv[3], float(sys.argv[4])
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # a tiny window: the node's queue fills, not the kernel's buffers
s.connect((host, port))
key = base64.b64encode(os.urandom(16)).decode()
s.sendall((f"GET /ws HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
           f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\nAuthorization: Bearer {token}\r\n\r\n").encode())
head = b""
while not head.endswith(b"\r\n\r\n"):
    head += s.recv(1)
assert b" 101 " in head.split(b"\r\n")[0], head
def frame(text):
    p, mask = text.encode(), os.urandom(4)
    n = len(p)
    hdr = bytes([0x81]) + (bytes([0x80 | n]) if n < 126 else bytes([0x80 | 126]) + struct.pack(">H", n))
    return hdr + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(p))
for i in range(8):  # the most a connection may hold: 8 replays of everything from seq 1
    s.sendall(frame(json.dumps({"jsonrpc": "2.0", "id": i + 1, "method": "settlement_subscribe", "params": {"from_seq": 1}})))
time.sleep(secs)  # never read while the load runs
s.settimeout(3)
data = b""
try:
    while True:
        c = s.recv(1 << 16)
        if not c:
            break
        data += c
except socket.timeout:
    pass
subs, p = {}, 0
while p + 2 <= len(data):
    op, n = data[p] & 0x0F, data[p + 1] & 0x7F
    p += 2
    if n == 126: n = struct.unpack(">H", data[p:p + 2])[0]; p += 2
    elif n == 127: n = struct.unpack(">Q", data[p:p + 8])[0]; p += 8
    if p + n > len(data): break
    payload = data[p:p + n]; p += n
    if op != 1: continue
    m = json.loads(payload)
    if m.get("method") != "settlement_subscription": continue
    sub = subs.setdefault(m["params"]["subscription"], {"seqs": [], "stop": None})
    r = m["params"]["result"]
    if "stop" in r: sub["stop"] = r
    else: sub["seqs"].append(r["seq"])
out = []
for sid, v in sorted(subs.items()):
    q = v["seqs"]
    out.append({"sub": sid, "received": len(q), "last": q[-1] if q else 0, "dense": q == list(range(1, len(q) + 1)), "stop": v["stop"]})
stopped = [o for o in out if o["stop"]]
print(json.dumps({"subs": out, "stopped": len(stopped), "received": sum(o["received"] for o in out), "bytes": len(data),
                  "ok": bool(stopped) and all(o["dense"] and o["stop"]["stop"] == "slow_consumer" and o["stop"]["next_seq"] == o["last"] + 1 for o in stopped)}))
PY
SLOWPID=$!; PIDS+=("$SLOWPID")

# ---- a. the gateway client, killed with SIGKILL at random points and restarted
GWDIR="$T/gw"
start_client() {
  node "$GC/src/cli.js" --ws "$(wsurl 0)" --genesis "$DN/genesis.json" --key-file "$GWKEY" --state-dir "$GWDIR" \
    >>"$T/client.log" 2>&1 &
  CLIENT=$!; PIDS+=("$CLIENT")
}
start_client
RSSMAX=$RSS0
for k in 1 2 3 4; do
  sleep $((4 + RANDOM % 5))
  r=$(rss "$V3PID"); [ "$r" -gt "$RSSMAX" ] && RSSMAX=$r
  kill -9 "$CLIENT"; wait "$CLIENT" 2>/dev/null || true
  echo "---- kill -9 #$k (cursor $(cat "$GWDIR/cursor" 2>/dev/null || echo none), paid $(wc -l <"$GWDIR/paid.jsonl" 2>/dev/null || echo 0))" >>"$T/client.log"
  sleep 0.$((RANDOM % 9))
  start_client
done
pass "gateway client killed with SIGKILL 4 times under load and restarted from its cursor"

wait "$SLOWPID" || { cat "$T/slow.err"; fail "slow consumer script"; }
for _ in 1 2 3; do r=$(rss "$V3PID"); [ "$r" -gt "$RSSMAX" ] && RSSMAX=$r; sleep 0.2; done
for p in "${LOADPIDS[@]}"; do wait "$p" || true; done
echo "load finished"

# ---- d. checks
slow=$(cat "$T/slow.json")
jq -e '.stopped >= 1' <<<"$slow" >/dev/null || fail "the slow consumer got no stop notice: $slow"
jq -e '.ok' <<<"$slow" >/dev/null || fail "a stopped subscription's events are not a gapless prefix ending at next_seq - 1: $slow"
limit=$((2 * RSS0 + 65536))
[ "$RSSMAX" -lt "$limit" ] || fail "v3 RSS grew from $RSS0 kB to $RSSMAX kB (limit $limit kB)"
pass "d: a consumer that never read (8 subscriptions from seq 1) got $(jq .stopped <<<"$slow") stop notices {stop: slow_consumer, next_seq: $(jq -c '[.subs[] | select(.stop) | .stop.next_seq]' <<<"$slow")}, each after a gapless prefix ($(jq .received <<<"$slow") events, $(jq .bytes <<<"$slow") bytes in all, queue $QUEUE B); v3 RSS $RSS0 -> max $RSSMAX kB (< $limit)"

# ---- a. wait for the client to catch up with every payout instruction
"${PROBE[@]}" events "$(wsurl 0)" "$GWKEY" payout_instruction >"$T/instr.jsonl" || fail "backfill as the gateway"
NI=$(wc -l <"$T/instr.jsonl")
LASTSEQ=$(tail -1 "$T/instr.jsonl" | jq .seq)
[ "$NI" -ge 20 ] || fail "expected at least 20 payout instructions under load, got $NI"
deadline=$((SECONDS + 150))
until [ "$(cat "$GWDIR/cursor" 2>/dev/null || echo 0)" -gt "$LASTSEQ" ]; do
  [ $SECONDS -lt $deadline ] || { tail -30 "$T/client.log"; fail "the client did not catch up (cursor $(cat "$GWDIR/cursor"), last instruction $LASTSEQ)"; }
  pid_alive "$CLIENT" || { tail -30 "$T/client.log"; fail "the client exited"; }
  sleep 1
done
kill "$CLIENT"; wait "$CLIENT" 2>/dev/null || true
[ ! -s "$GWDIR/refused.jsonl" ] || { cat "$GWDIR/refused.jsonl"; fail "the client refused genuine payout instructions"; }
grep -q "already paid" "$T/client.log" && echo "(the client found payouts already paid after a restart and did not pay them again)"

jq -c '{seq, payout_id, payee, amount: .amount.amount, currency: .amount.currency}' "$T/instr.jsonl" >"$T/expected.jsonl"
jq -c '{seq, payout_id, payee, amount, currency}' "$GWDIR/paid.jsonl" >"$T/paid.jsonl"
[ "$(jq -s '[.[].payout_id] | length == (unique | length)' "$T/paid.jsonl")" = true ] || fail "a payout was paid twice"
[ "$(jq -s '[.[].seq] == ([.[].seq] | sort)' "$T/paid.jsonl")" = true ] || fail "the paid ledger is not in seq order"
cmp -s "$T/expected.jsonl" "$T/paid.jsonl" || { diff "$T/expected.jsonl" "$T/paid.jsonl" | head; fail "the paid ledger differs from the payout instructions"; }
# The other validators may still be executing the load's last blocks: wait until each serves the
# same payout instructions (a prefix of v0's meanwhile: nothing different, only not yet there).
for i in 1 2 3; do
  deadline=$((SECONDS + 120))
  while :; do
    "${PROBE[@]}" events "$(wsurl $i)" "$AUDKEY" payout_instruction |
      jq -c 'select(.gateway == "'"$GW"'") | {seq, payout_id, payee, amount: .amount.amount, currency: .amount.currency}' >"$T/expected-v$i.jsonl"
    cmp -s "$T/expected.jsonl" "$T/expected-v$i.jsonl" && break
    n=$(wc -l <"$T/expected-v$i.jsonl")
    head -n "$n" "$T/expected.jsonl" | cmp -s - "$T/expected-v$i.jsonl" || fail "v$i's payout instructions (as the auditor) differ from v0's"
    [ $SECONDS -lt $deadline ] || fail "v$i serves only $n of the $NI payout instructions (height $(vheight $i), v0 $(vheight 0))"
    sleep 1
  done
done
pass "a: the paid ledger has each of the $NI payout instructions exactly once, in seq order, identical to settlement_events on all 4 validators"

ids=$(jq -r .payout_id "$T/paid.jsonl" | tr '\n' ' ')
for i in 0 1 2 3; do
  # shellcheck disable=SC2086
  deadline=$((SECONDS + 60))
  while :; do  # a lagging validator may not have executed the last confirmation yet
    "${PROBE[@]}" payouts "$(wsurl $i)" "$GWKEY" $ids >"$T/status-v$i.txt" || fail "payout_get on v$i"
    bad=$(awk '$2 != "confirmed" || $3 != $1 "-fiat"' "$T/status-v$i.txt" | head -3)
    [ -z "$bad" ] && break
    [ $SECONDS -lt $deadline ] || fail "on v$i not confirmed with reference ID-fiat: $bad"
    sleep 1
  done
done
pass "a: all $NI paid payouts are confirmed (reference ID-fiat) on every validator"
first=$(head -1 "$T/paid.jsonl" | jq .payout_id)
out=$(as gateway 2 payout confirm "$first" --reference again 2>&1 || true)
expect_contains "$out" "payout_already_confirmed" "a repeated confirmation"
pass "a: a repeated confirmation of payout $first is refused (payout_already_confirmed)"

# ---- b. access
u=$("${PROBE[@]}" unauth "$(wsurl 1)")
jq -e '.error.code == -32010 and .events == 0 and .result == null' <<<"$u" >/dev/null || fail "unauthenticated subscribe: $u"
pass "b: unauthenticated settlement_subscribe over WebSocket: -32010 ($(jq -r .error.reason <<<"$u")), no events"
D2=$(addr distributor2)
"${PROBE[@]}" watch "$(wsurl 2)" "$D2KEY" 4 >"$T/d2.jsonl" || fail "distributor2's subscription"
nd2=$(wc -l <"$T/d2.jsonl")
[ "$nd2" -ge 1 ] || fail "distributor2 received none of its own events"
others=$(jq -c 'select(.payee != "'"$D2"'" and .gateway != "'"$D2"'")' "$T/d2.jsonl" | head -3)
[ -z "$others" ] || fail "distributor2 received events of others: $others"
gwtotal=$("${PROBE[@]}" events "$(wsurl 2)" "$GWKEY" | wc -l)
[ "$nd2" -lt "$gwtotal" ] || fail "distributor2 saw as many events as the gateway"
pass "b: distributor2 subscribed from seq 1 received only its own $nd2 events (the gateway sees $gwtotal)"

# ---- c. the proof check against a real proof, genuine and altered
"${PROBE[@]}" proof "$(wsurl 3)" "$GWKEY" "$DN/genesis.json" "$T/proof.json" || fail "fetching a proof"
FOLIO_PROOF_FIXTURE="$T/proof.json" node --test "$GC/test/verify.test.js" >"$T/unit.log" 2>&1 || { cat "$T/unit.log"; fail "the proof-check unit tests"; }
grep -q "^# skipped 0" "$T/unit.log" || { cat "$T/unit.log"; fail "proof-check tests were skipped"; }
grep -E "^# (tests|pass)" "$T/unit.log" | tr '\n' ' '; echo
grep "# reason:" "$T/unit.log" | sed 's/^ *# reason: /   rejected: /'
pass "c: a real devnet proof verifies offline; altered amount, currency, payout id, payee, gateway, tx, signature byte, validator set, quorum, receipt, path, header and chain are each rejected with a reason"
