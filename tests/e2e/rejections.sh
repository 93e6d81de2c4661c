#!/usr/bin/env bash
# Bad input is rejected with its documented error and changes nothing: a bad signature, a wrong
# chain id, a replayed nonce, a malformed encoding, an oversized transaction and an oversized
# request. A resubmitted committed transaction is accepted idempotently (docs/errors.md: same
# hash returned, applied once). Hashes and roots compared here must be real: a missing answer
# (null) is a failure, never "equal".
source "$(dirname "$0")/lib.sh"
new_key creator creator BR
make_chain
start_node

expect_hash() {  # VALUE WHAT: a 64-hex hash, not null/empty/an error
  [[ "$1" =~ ^[0-9a-f]{64}$ ]] || fail "$2: expected a 64-hex hash, got '$1'"
}
submit() { rpc tx_submit "{\"tx\":\"$1\"}"; }
submitted_hash() { jq -r '.result.hash // empty' <<<"$(submit "$1")"; }

# The first transaction, signed offline (nonce 0) so its exact bytes can be resubmitted later.
head -c 5000 /dev/urandom >"$T/a.bin"
FOLIO_CHAIN_ID="$CHAIN_ID" as creator work register "$T/a.bin" --title "First" --offline --nonce 0 -o "$T/first.hex" >/dev/null
first=$(cat "$T/first.hex")
first_tx=$(submitted_hash "$first")
expect_hash "$first_tx" "first tx submitted"
deadline=$((SECONDS + 20))
until [ "$(rpc tx_get "{\"hash\":\"$first_tx\"}" | jq -r .result.status)" = committed ]; do
  [ $SECONDS -lt $deadline ] || fail "first tx not committed"; sleep 0.1
done
first_height=$(rpc tx_get "{\"hash\":\"$first_tx\"}" | jq -r .result.height)
tok=$(login creator)
nonce_of() { rpc account_get "{\"address\":\"$ADDR_creator\"}" "$tok" | jq -r .result.next_nonce; }
expect_eq "$(nonce_of)" "1" "nonce after one tx"
root0=$(state_root); h0=$(height)
expect_hash "$root0" "state root before the bad inputs"

# Signed offline (nonce 1), then tampered.
head -c 5000 /dev/urandom >"$T/b.bin"
FOLIO_CHAIN_ID="$CHAIN_ID" as creator work register "$T/b.bin" --title "Second" --offline --nonce 1 -o "$T/good.hex" >/dev/null
good=$(cat "$T/good.hex")
check_rejected() {  # RESPONSE REASON WHAT
  expect_eq "$(jq -r .error.code <<<"$1")" "-32003" "$3: JSON-RPC code"
  expect_eq "$(jq -r .error.data.reason <<<"$1")" "$2" "$3: reason"
}

# 1. bad signature: flip the last signature byte
last=${good: -2}; flipped=$(printf '%02x' $(( 0x$last ^ 1 )))
check_rejected "$(submit "${good:0:${#good}-2}$flipped")" bad_signature "bad signature"
# 2. wrong chain id
FOLIO_CHAIN_ID="other-chain" as creator work register "$T/b.bin" --title "Second" --offline --nonce 1 -o "$T/wrong.hex" >/dev/null
resp=$(submit "$(cat "$T/wrong.hex")")
check_rejected "$resp" wrong_chain_id "wrong chain id"
expect_contains "$(jq -r .error.data.message <<<"$resp")" "other-chain" "wrong chain message"
# 3. replayed nonce: a new transaction reusing nonce 0
FOLIO_CHAIN_ID="$CHAIN_ID" as creator work register "$T/b.bin" --title "Replay" --offline --nonce 0 -o "$T/replay.hex" >/dev/null
check_rejected "$(submit "$(cat "$T/replay.hex")")" nonce_too_low "replayed nonce"
# 3b. a nonce beyond the window
FOLIO_CHAIN_ID="$CHAIN_ID" as creator work register "$T/b.bin" --title "Future" --offline --nonce 1000 -o "$T/future.hex" >/dev/null
check_rejected "$(submit "$(cat "$T/future.hex")")" nonce_too_high "future nonce"
# 4. malformed: truncated encoding, trailing bytes, not hex
check_rejected "$(submit "${good:0:100}")" malformed "truncated encoding"
check_rejected "$(submit "${good}00")" malformed "trailing byte"
check_rejected "$(submit "zz")" malformed "not hex"
# 5. oversized transaction (over 64 KiB)
python3 -c 'import json; print(json.dumps({"jsonrpc":"2.0","id":1,"method":"tx_submit","params":{"tx":"00"*70000}}))' >"$T/big.json"
check_rejected "$(curl -s -H 'content-type: application/json' --data-binary @"$T/big.json" "$NODE")" oversized "oversized transaction"
# 6. oversized request body (over the 1 MiB RPC limit): HTTP 413 with -32005
python3 -c 'import json; print(json.dumps({"jsonrpc":"2.0","id":1,"method":"tx_submit","params":{"tx":"00"*600000}}))' >"$T/huge.json"
code=$(curl -s -o "$T/huge.out" -w '%{http_code}' -H 'content-type: application/json' --data-binary @"$T/huge.json" "$NODE")
expect_eq "$code" "413" "oversized request HTTP status"
expect_eq "$(jq -r .error.code "$T/huge.out")" "-32005" "oversized request JSON-RPC code"
# 7. a batch longer than the limit
python3 -c 'import json; print(json.dumps([{"jsonrpc":"2.0","id":i,"method":"chain_info"} for i in range(101)]))' >"$T/batch.json"
expect_eq "$(curl -s -H 'content-type: application/json' --data-binary @"$T/batch.json" "$NODE" | jq -r '.error.code // .[0].error.code')" "-32005" "batch limit"
# 8. resubmitting the committed transaction (its exact bytes) is accepted idempotently: the same
#    hash, no error, and (below) it is not applied a second time.
resub=$(submit "$first")
expect_eq "$(jq -r '.error // empty' <<<"$resub")" "" "resubmitted committed tx: no error"
expect_hash "$(jq -r '.result.hash // empty' <<<"$resub")" "resubmitted committed tx"
expect_eq "$(jq -r .result.hash <<<"$resub")" "$first_tx" "resubmitted committed tx: same hash"
pass "each bad input rejected with its documented reason; a committed tx resubmitted is idempotent"

# Nothing changed: wait for a later (empty) block, then the state root and nonce are as before.
wait_height $((h0 + 2))
root1=$(state_root)
expect_hash "$root1" "state root after the bad inputs"
expect_eq "$root1" "$root0" "state root unchanged by rejected input and the resubmission"
expect_eq "$(nonce_of)" "1" "nonce unchanged by rejected input"
expect_eq "$(rpc work_get '{"id":2}' | jq -r .error.code)" "-32001" "no second work"
tx_after=$(rpc tx_get "{\"hash\":\"$first_tx\"}")
expect_eq "$(jq -r .result.status <<<"$tx_after")" committed "first tx still committed"
expect_eq "$(jq -r .result.height <<<"$tx_after")" "$first_height" "first tx still at its height"
# The good transaction still goes through afterwards, with nonce 1; submitting it twice returns
# the same (real) hash.
good_tx=$(submitted_hash "$good")
expect_hash "$good_tx" "good tx submitted"
expect_eq "$(submitted_hash "$good")" "$good_tx" "idempotent submit"
deadline=$((SECONDS + 20))
until [ "$(nonce_of)" = 2 ]; do [ $SECONDS -lt $deadline ] || fail "good tx not committed"; sleep 0.1; done
pass "state root and nonce unchanged; the untampered transaction commits afterwards"
