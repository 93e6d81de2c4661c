#!/usr/bin/env bash
# State sync (docs/operations.md, "State sync"): validators make a snapshot every 40 heights and
# serve it on their RPC port; a new read replica with an empty home joins from one — verified
# against its genesis alone, chunk by chunk, from two servers, one of which serves a damaged chunk
# that is refused and fetched from the other — then block-syncs to the head and serves the RPC.
# Heights below its snapshot answer -32002. A node given only the bad server installs nothing.
source "$(dirname "$0")/bftlib.sh"
echo "replica-pw" >"$T/r.pw"
KR=$("$BIN/foliod" keygen --out "$T/r.key" --password-file "$T/r.pw" | jq -r .address)
KB=$("$BIN/foliod" keygen --out "$T/b.key" --password-file "$T/r.pw" | jq -r .address)
FOLIO_DEVNET_FOLIOD_ARGS="--observer $KR --observer $KB --snapshot-interval 40" devnet up --validators 4 ||
  { cat "$T/devnet.log"; fail "devnet up"; }
for i in 0 1 2 3; do wait_vheight $i 2 90; done
call() { curl -s --max-time 10 -H 'content-type: application/json' -d "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"$2\",\"params\":$3}" "$1"; }

# A work registered before the snapshot: the replica must have it without replaying its block.
J="$DN/devnet.json"
export FOLIO_PASSWORD="$(jq -r .password "$J")"
head -c 50000 /dev/urandom >"$T/w.bin"
out=$("$BIN/folio" --home "$(jq -r .accounts.creator.home "$J")" --key creator --node "$(vurl 0)" --json \
      work register "$T/w.bin" --title "Before the snapshot" 2>"$T/reg.err") || fail "register: $out $(cat "$T/reg.err")"
fp=$(jq -r .fingerprint <<<"$out"); hw=$(jq -r .height <<<"$out")

# Wait until v0 and v1 both offer the same snapshot above the work's height.
snap_of() { curl -s --max-time 3 "$(vurl "$1")/snapshots" | jq -r '.snapshots[0] | "\(.height) \(.id)"'; }
deadline=$((SECONDS + 180))
until s0=$(snap_of 0); s1=$(snap_of 1); [ "$s0" = "$s1" ] && [ "${s0%% *}" != null ] && [ "${s0%% *}" -gt "$hw" ]; do
  [ $SECONDS -lt $deadline ] || fail "no common snapshot above height $hw (v0: $s0, v1: $s1)"
  sleep 1
done
SH=${s0%% *}
chunks=$(curl -s "$(vurl 0)/snapshots" | jq -r .snapshots[0].chunks)
pass "v0 and v1 offer the same snapshot at height $SH ($chunks chunk(s)) above the work's height $hw"
code=$(curl -s -o /dev/null -w '%{http_code}' "$(vurl 0)/snapshots/$SH/chunks/99999")
expect_eq "$code" 404 "a chunk that does not exist"

# A server that passes everything through from v0 but flips one byte of every chunk.
BADPORT=$(folio_rpc_port "$BASE" 7)
cat >"$T/bad.py" <<PY
import http.server, urllib.request
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        try:
            body = urllib.request.urlopen("$(vurl 0)" + self.path, timeout=10).read()
        except Exception:
            self.send_response(404); self.end_headers(); return
        if "/chunks/" in self.path and body:
            body = body[:-1] + bytes([body[-1] ^ 1])
        self.send_response(200); self.send_header("content-length", str(len(body))); self.end_headers()
        self.wfile.write(body)
    def log_message(self, *a): pass
http.server.ThreadingHTTPServer(("127.0.0.1", $BADPORT), H).serve_forever()
PY
python3 "$T/bad.py" & PIDS+=($!)
BAD="127.0.0.1:$BADPORT"
for _ in $(seq 50); do curl -s "http://$BAD/snapshots" >/dev/null && break; sleep 0.1; done

L="$DN/layout.json"
peers=(); for i in 0 1 2 3; do peers+=(--peer "$(jq -r ".validators[$i].key" "$L")@127.0.0.1:$(jq -r ".validators[$i].p2p" "$L")"); done
V1="127.0.0.1:$(folio_rpc_port "$BASE" 1)"
# A node given only the bad server (and agreement of one): every chunk is refused, nothing installed.
if "$BIN/foliod" --home "$T/bad" --genesis "$DN/genesis.json" --validator-key-file "$T/b.key" --key-password-file "$T/r.pw" \
    --rpc-listen "127.0.0.1:$(folio_rpc_port "$BASE" 6)" --p2p-listen "127.0.0.1:$(folio_p2p_port "$BASE" 6)" \
    --metrics-listen "" --state-sync-server "$BAD" --state-sync-min-agree 1 "${peers[@]}" >"$T/bad.log" 2>&1; then
  fail "a node fed only damaged chunks started"
fi
grep -q "state sync: chunk 0 failed from every server" "$T/bad.log" || fail "the error does not name the chunk: $(tail -3 "$T/bad.log")"
[ ! -e "$T/bad/data" ] || fail "a refused snapshot left a store behind"
pass "fed only damaged chunks, a node refuses them, exits with the reason and installs nothing"

# The replica: the bad server first (chunk 0 is asked of it first), then v1.
"$BIN/foliod" --home "$T/replica" --genesis "$DN/genesis.json" --validator-key-file "$T/r.key" --key-password-file "$T/r.pw" \
  --rpc-listen "127.0.0.1:$(folio_rpc_port "$BASE" 5)" --p2p-listen "127.0.0.1:$(folio_p2p_port "$BASE" 5)" \
  --metrics-listen "" --state-sync-server "$BAD" --state-sync-server "$V1" "${peers[@]}" >>"$T/replica.log" 2>&1 &
PIDS+=($!)
RURL=$(vurl 5)
rheight() { call "$RURL" chain_info '{}' | jq -r '.result.height // -1' 2>/dev/null || echo -1; }
deadline=$((SECONDS + 180))
until [ "$(rheight)" -ge "$(vheight 0)" ] && [ "$(rheight)" -gt "$SH" ]; do
  [ $SECONDS -lt $deadline ] || { tail -20 "$T/replica.log" >&2; fail "the replica did not catch up (at $(rheight), v0 at $(vheight 0))"; }
  sleep 0.5
done
grep -q "snapshot installed" "$T/replica.log" || fail "the replica did not install a snapshot"
grep -q "chunk refused; fetching it elsewhere" "$T/replica.log" || fail "the damaged chunk was not refused"
pass "the replica installed the snapshot at $SH (the damaged chunk refused and fetched from v1) and block-synced to $(rheight)"

expect_eq "$(call "$RURL" work_get "{\"fingerprint\":\"$fp\"}" | jq -r .result.title)" "Before the snapshot" "work on the replica"
e=$(call "$RURL" chain_getBlock '{"height":1}')
expect_eq "$(jq -r .error.code <<<"$e")" -32002 "block 1 on the replica"
expect_eq "$(jq -r .error.data.lowest_height <<<"$e")" "$SH" "the replica's lowest block"
pass "the replica serves a work registered before its snapshot; block 1 answers -32002 with the lowest height held ($SH)"

# From the snapshot's height on, the replica's blocks are the validators' (hash and state root).
top=$(rheight); wait_vheight 0 "$top"  # both hold every height up to top
chain_dump "$(vurl 0)" "$top" | awk -v s="$SH" '$1 >= s' >"$T/chain.v0"
chain_dump "$RURL" "$top" | awk -v s="$SH" '$1 >= s' >"$T/chain.replica"
[ "$(wc -l <"$T/chain.v0")" -gt 1 ] || fail "no heights to compare"
cmp -s "$T/chain.v0" "$T/chain.replica" || fail "the replica diverges: $(diff "$T/chain.v0" "$T/chain.replica" | head -3 | tr '\n' ' ')"
pass "identical block hash and state root at every height $SH..$top on v0 and the replica"

# A restart: the replica starts from its own store (no second state sync) and keeps following.
kill "${PIDS[-1]}"; wait "${PIDS[-1]}" 2>/dev/null || true
"$BIN/foliod" --home "$T/replica" --genesis "$DN/genesis.json" --validator-key-file "$T/r.key" --key-password-file "$T/r.pw" \
  --rpc-listen "127.0.0.1:$(folio_rpc_port "$BASE" 5)" --p2p-listen "127.0.0.1:$(folio_p2p_port "$BASE" 5)" \
  --metrics-listen "" --state-sync-server "$V1" "${peers[@]}" >>"$T/replica.log" 2>&1 &
PIDS+=($!)
target=$(($(vheight 0) + 5))
deadline=$((SECONDS + 120))
until [ "$(rheight)" -ge "$target" ]; do
  [ $SECONDS -lt $deadline ] || { tail -20 "$T/replica.log" >&2; fail "the restarted replica did not follow (at $(rheight))"; }
  sleep 0.5
done
grep -q "the home holds a store already" "$T/replica.log" || fail "the restart did not start from its store"
pass "restarted, the replica starts from its own store and follows to $(rheight)"

# Backup and restore (docs/operations.md, "Backup and restore"): v0's newest snapshot exported,
# checked and installed into a new home, which then follows the chain. A damaged copy, or a home
# that holds a store already, is refused and changes nothing.
"$BIN/foliod" snapshot list --home "$DN/validators/v0" | jq -e 'length >= 1' >/dev/null || fail "foliod snapshot list"
ex=$("$BIN/foliod" snapshot export --home "$DN/validators/v0" --out "$T/backup") || fail "export: $ex"
EH=$(jq -r .height <<<"$ex")
cp -r "$T/backup" "$T/damaged"
python3 -c "import sys; p=sys.argv[1]; b=bytearray(open(p,'rb').read()); b[-1]^=1; open(p,'wb').write(b)" "$T/damaged/chunk-0"
if err=$("$BIN/foliod" snapshot import --home "$T/from-damaged" --genesis "$DN/genesis.json" --from "$T/damaged" 2>&1); then
  fail "a damaged snapshot was imported"
fi
grep -q "does not hash to the snapshot's summary" <<<"$err" || fail "the damaged import's error: $err"
[ ! -e "$T/from-damaged/data" ] || fail "a refused import left a store behind"
if err=$("$BIN/foliod" snapshot import --home "$T/replica" --genesis "$DN/genesis.json" --from "$T/backup" 2>&1); then
  fail "an import over an existing store succeeded"
fi
grep -q "holds a store already" <<<"$err" || fail "the import over a store: $err"
im=$("$BIN/foliod" snapshot import --home "$T/restored" --genesis "$DN/genesis.json" --from "$T/backup") || fail "import: $im"
expect_eq "$(jq -r .height <<<"$im")" "$EH" "the imported height"
"$BIN/foliod" --home "$T/restored" --genesis "$DN/genesis.json" --validator-key-file "$T/b.key" --key-password-file "$T/r.pw" \
  --rpc-listen "127.0.0.1:$(folio_rpc_port "$BASE" 6)" --p2p-listen "127.0.0.1:$(folio_p2p_port "$BASE" 6)" \
  --metrics-listen "" "${peers[@]}" >>"$T/restored.log" 2>&1 &
PIDS+=($!)
target=$(($(vheight 0) + 3))
deadline=$((SECONDS + 120))
until [ "$(call "$(vurl 6)" chain_info '{}' | jq -r '.result.height // -1')" -ge "$target" ]; do
  [ $SECONDS -lt $deadline ] || { tail -20 "$T/restored.log" >&2; fail "the restored node did not follow"; }
  sleep 0.5
done
expect_eq "$(call "$(vurl 6)" work_get "{\"fingerprint\":\"$fp\"}" | jq -r .result.title)" "Before the snapshot" "work on the restored node"
pass "snapshot export/import: height $EH restored into a new home that follows the chain; a damaged copy and an import over a store are refused"
