#!/usr/bin/env bash
# The node is killed with SIGKILL under load and restarted: every transaction it had reported
# committed is still committed, in the same block, and its work is readable; the chain then
# continues from its last committed height.
source "$(dirname "$0")/lib.sh"
make_chain_with_load_accounts() {
  "$BIN/folio-loadgen" accounts --seed crash --accounts 4 >"$T/accts"
  while read -r line; do
    ACCOUNTS_JSON=$(jq -c --arg a "$(jq -r .address <<<"$line")" '. + [{name:"load", address:$a, roles:["creator"], kyc:"verified", residency:"US"}]' <<<"$ACCOUNTS_JSON")
  done <"$T/accts"
  make_chain
}
make_chain_with_load_accounts
start_node

# Load in the background; kill -9 the node mid-run.
"$BIN/folio-loadgen" run --node "$NODE" --seed crash --accounts 4 --count 3000 --concurrency 4 --out "$T/committed.txt" \
  --duration-s 60 >"$T/load1.json" 2>"$T/load1.err" &
LOAD=$!
PIDS+=("$LOAD")
deadline=$((SECONDS + 60))
until [ -s "$T/committed.txt" ] && [ "$(wc -l <"$T/committed.txt")" -ge 300 ]; do
  [ $SECONDS -lt $deadline ] || fail "load did not commit 300 transactions"
  sleep 0.1
done
kill -9 "$NODE_PID"
wait "$NODE_PID" 2>/dev/null || true
sleep 0.5
kill "$LOAD" 2>/dev/null || true; wait "$LOAD" 2>/dev/null || true
acked=$(wc -l <"$T/committed.txt")
pass "killed foliod with SIGKILL after $acked transactions were reported committed"

start_node
h_restart=$(height)
missing=0
# Check every acknowledged transaction (batched tx_get).
python3 - "$T/committed.txt" "$NODE" <<'PY' || fail "acknowledged transactions missing after restart"
import json, sys, urllib.request
rows = [l.split() for l in open(sys.argv[1]) if l.strip()]
url = sys.argv[2]
missing = 0
for i in range(0, len(rows), 100):
    chunk = rows[i:i+100]
    batch = [{"jsonrpc": "2.0", "id": j, "method": "tx_get", "params": {"hash": h}} for j, (h, _) in enumerate(chunk)]
    req = urllib.request.Request(url, json.dumps(batch).encode(), {"content-type": "application/json"})
    res = {r["id"]: r for r in json.load(urllib.request.urlopen(req))}
    for j, (h, height) in enumerate(chunk):
        r = res[j].get("result", {})
        if r.get("status") != "committed" or str(r.get("height")) != height or not r.get("success"):
            missing += 1
            print("missing or moved:", h, height, r, file=sys.stderr)
print(f"{len(rows)} acknowledged transactions all present", file=sys.stderr)
sys.exit(1 if missing else 0)
PY
pass "all $acked acknowledged transactions survived (restart at height $h_restart)"
wait_height $((h_restart + 1))
pass "the chain continues after restart"
