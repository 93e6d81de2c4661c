#!/usr/bin/env bash
# A read replica (docs/operations.md, "Read replicas"): a foliod whose node key the validators
# list with --observer follows the chain over the authenticated transport, executes and verifies
# it, and serves the RPC — the same blocks, works and licence answers as a validator — and a
# transaction sent to it is gossiped to the validators and committed. It never counts toward a
# quorum. A node whose key is not listed gets nothing.
source "$(dirname "$0")/bftlib.sh"
echo "replica-pw" >"$T/r.pw"
KR=$("$BIN/foliod" keygen --out "$T/r.key" --password-file "$T/r.pw" | jq -r .address)
KU=$("$BIN/foliod" keygen --out "$T/u.key" --password-file "$T/r.pw" | jq -r .address)
FOLIO_DEVNET_FOLIOD_ARGS="--observer $KR" devnet up --validators 4 || { cat "$T/devnet.log"; fail "devnet up"; }
for i in 0 1 2 3; do wait_vheight $i 2 90; done
L="$DN/layout.json"
peers=(); for i in 0 1 2 3; do peers+=(--peer "$(jq -r ".validators[$i].key" "$L")@127.0.0.1:$(jq -r ".validators[$i].p2p" "$L")"); done
# start_follower NAME KEY SLOT: a foliod with its own home and ports, dialling the four validators.
start_follower() {
  "$BIN/foliod" --home "$T/$1" --genesis "$DN/genesis.json" --validator-key-file "$T/$2" --key-password-file "$T/r.pw" \
    --rpc-listen "127.0.0.1:$(folio_rpc_port "$BASE" "$3")" --p2p-listen "127.0.0.1:$(folio_p2p_port "$BASE" "$3")" \
    --metrics-listen "" "${peers[@]}" >>"$T/$1.log" 2>&1 &
  PIDS+=($!)
}
start_follower replica r.key 5
start_follower stranger u.key 6
RURL=$(vurl 5); SURL=$(vurl 6)
info() { curl -s --max-time 3 -H 'content-type: application/json' -d '{"jsonrpc":"2.0","id":1,"method":"chain_info","params":{}}' "$1"; }
call() { curl -s --max-time 10 -H 'content-type: application/json' -d "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"$2\",\"params\":$3}" "$1"; }
deadline=$((SECONDS + 120))
until [ "$(info "$RURL" | jq -r '.result.height // -1')" -ge "$(vheight 0)" ]; do
  [ $SECONDS -lt $deadline ] || { tail -20 "$T/replica.log" >&2; fail "the replica did not catch up (at $(info "$RURL" | jq -r .result.height))"; }
  sleep 0.5
done
pass "the replica (${KR:0:8}, listed with --observer) followed the chain to height $(vheight 0)"
expect_eq "$(info "$SURL" | jq -r .result.height)" 0 "an unlisted node's height"
pass "a node whose key no validator lists gets no blocks"

# A work registered through the replica: gossiped, committed by the validators, served by both.
J="$DN/devnet.json"
export FOLIO_PASSWORD="$(jq -r .password "$J")"
head -c 50000 /dev/urandom >"$T/w.bin"
out=$("$BIN/folio" --home "$(jq -r .accounts.creator.home "$J")" --key creator --node "$RURL" --json \
      work register "$T/w.bin" --title "Through the replica" 2>"$T/reg.err") || fail "register through the replica: $out $(cat "$T/reg.err")"
fp=$(jq -r .fingerprint <<<"$out"); h=$(jq -r .height <<<"$out")
wait_vheight 0 "$h"
for u in "$(vurl 0)" "$RURL"; do
  expect_eq "$(call "$u" work_get "{\"fingerprint\":\"$fp\"}" | jq -r .result.title)" "Through the replica" "work on $u"
done
wid=$(call "$RURL" work_get "{\"fingerprint\":\"$fp\"}" | jq -r .result.id)
dist=$(jq -r .accounts.distributor.address "$J")
q="{\"work\":$wid,\"licensee\":\"$dist\",\"territory\":\"BR\",\"right\":\"stream\",\"at\":1900000000000}"
a=$(call "$(vurl 0)" licence_check "$q" | jq -c .); b=$(call "$RURL" licence_check "$q" | jq -c .)
jq -e '.result' <<<"$a" >/dev/null || fail "licence_check on v0: $a"
expect_eq "$b" "$a" "licence_check on the replica"
pass "a work registered through the replica is committed (height $h); work_get and licence_check answer as on a validator"

# The settlement stream: a deposit sent through the replica is a deposit_credited event, the same
# (seq, id, fields) on the replica as on a validator.
gw() { "$BIN/folio" --home "$(jq -r .accounts.gateway.home "$J")" --key gateway --node "$1" "${@:2}"; }
gw "$RURL" --json deposit "$dist" 12.34 BRL --reference replica-1 >/dev/null || fail "deposit through the replica"
events() {  # events URL: the gateway's settlement events on that node
  local tok; tok=$(gw "$1" --json auth login | jq -r .token)
  curl -s --max-time 10 -H 'content-type: application/json' -H "Authorization: Bearer $tok" \
    -d '{"jsonrpc":"2.0","id":1,"method":"settlement_events","params":{"from_seq":1,"limit":100}}' "$1" | jq -c .result.events
}
deadline=$((SECONDS + 60))
until ev_r=$(events "$RURL"); jq -e 'map(select(.kind == "deposit_credited" and .reference == "replica-1")) | length == 1' <<<"$ev_r" >/dev/null; do
  [ $SECONDS -lt $deadline ] || fail "the replica's settlement events: $ev_r"; sleep 0.5
done
expect_eq "$(events "$(vurl 0)")" "$ev_r" "v0's settlement events"
pass "a deposit through the replica: the same deposit_credited settlement event on the replica and on v0"

# The replica is ready with the validators connected; the validators do not count it as a member.
# (A validator whose key sorts below the replica's waits for the replica to dial it: a few seconds.)
deadline=$((SECONDS + 60))
until r=$(curl -s "$RURL/readyz"); jq -e '.ready and .peers == 4 and .peers_needed == 3' <<<"$r" >/dev/null; do
  [ $SECONDS -lt $deadline ] || fail "the replica's /readyz: $r"; sleep 0.5
done
v=$(curl -s "$(vurl 0)/readyz"); jq -e '.peers == 3' <<<"$v" >/dev/null || fail "v0's /readyz counts the replica: $v"
pass "/readyz: the replica sees 4 of 3 needed validators; v0 counts 3 peers, not the replica"

top=$(same_chain 0 1)
chain_dump "$RURL" "$top" >"$T/chain.replica"
cmp -s "$T/chain.v0" "$T/chain.replica" || fail "the replica diverges: $(diff "$T/chain.v0" "$T/chain.replica" | head -3 | tr '\n' ' ')"
pass "identical block hash and state root at every height 1..$top on v0, v1 and the replica"
