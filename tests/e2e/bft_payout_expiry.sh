#!/usr/bin/env bash
# Automatic payout expiry on the 4-validator devnet (payout TTL 20 s here: FOLIO_PAYOUT_TTL_MS):
#  - a payout its gateway never answers expires by itself at the first block past its expiry, with
#    no transaction sent: status expired on every validator, the funds back with the payee;
#  - its payout_expired settlement event has the same seq and id on all four; it comes from the
#    block step's receipt (after the block's transactions') and its proof verifies offline with
#    the SDK, and fails when the receipt count or the event is altered;
#  - a payout confirmed before its expiry stays confirmed;
#  - the gateway's late confirmation is refused naming the expiry, and changes nothing;
#  - the retired `folio payout expire` is an unknown command;
#  - identical chains, and the conservation audit passes on every validator.
source "$(dirname "$0")/bftlib.sh"
GC="$ROOT/examples/gateway-client"
# A missing prerequisite fails the test (it is never skipped).
need_node_modules
PROBE=(node "$GC/test/probe.js")

TTL_MS=20000
FOLIO_PAYOUT_TTL_MS=$TTL_MS story_devnet
keyfile() { jq -r ".accounts.$1.secret_key" "$J" >"$T/$1.key"; chmod 600 "$T/$1.key"; echo "$T/$1.key"; }
balance() {  # balance WHO VALIDATOR CUR
  as "$1" "$2" --json balance | jq -r --arg c "$3" '[.balances[] | select(.currency == $c) | .amount][0] // "0"'
}
GW=$(addr gateway); GWKEY=$(keyfile gateway)

as gateway 0 deposit "$(addr creator)" 100.00 BRL --reference "exp-$$" >/dev/null || fail "deposit"
as creator 1 payout prefs --gateway "$GW" --currency BRL >/dev/null || fail "payout prefs"
p_conf=$(as creator 1 --json withdraw 30.00 BRL | jq -r .payout_id)
p_exp=$(as creator 2 --json withdraw 45.50 BRL | jq -r .payout_id)
[[ "$p_conf" =~ ^[0-9]+$ && "$p_exp" =~ ^[0-9]+$ ]] || fail "no payout ids ($p_conf, $p_exp)"
expect_eq "$(balance creator 3 BRL)" "24.50" "creator's balance with two payouts pending"
as gateway 3 payout confirm "$p_conf" --reference "PIX-$$" >/dev/null || fail "confirming payout $p_conf in time"
exp_ms=$(as gateway 0 --json payout show "$p_exp" | jq -r .expires_ms)
[[ "$exp_ms" =~ ^[0-9]+$ ]] || fail "payout $p_exp has no expires_ms"
pass "payouts $p_conf (confirmed) and $p_exp (left unanswered, expires at $exp_ms ms) instructed"

# Nothing is sent from here on: the chain's own blocks (empty ones when idle) expire the payout.
deadline=$((SECONDS + TTL_MS / 1000 + 60))
for i in 0 1 2 3; do
  until [ "$(as gateway "$i" --json payout show "$p_exp" | jq -r .status)" = "expired" ]; do
    [ $SECONDS -lt $deadline ] || fail "payout $p_exp did not expire on v$i ($(as gateway "$i" --json payout show "$p_exp"))"
    sleep 0.5
  done
done
for i in 0 1 2 3; do
  po=$(as gateway "$i" --json payout show "$p_exp")
  ended=$(jq -r .ended_ms <<<"$po")
  [ "$ended" -gt "$exp_ms" ] || fail "v$i: payout $p_exp ended at $ended, not after its expiry $exp_ms"
  expect_eq "$(as gateway "$i" --json payout show "$p_conf" | jq -r .status)" "confirmed" "v$i: payout $p_conf"
  expect_eq "$(balance creator "$i" BRL)" "70.00" "v$i: creator's balance after the expiry (45.50 back)"
done
pass "payout $p_exp expired by itself on all four validators (ended at $ended ms, after $exp_ms); 45.50 BRL back with the creator; payout $p_conf stays confirmed"

# The block that expired it: its time is the first past the expiry (the block before is not past it).
ev=$("${PROBE[@]}" events "ws://127.0.0.1:$(folio_rpc_port "$BASE" 0)/ws" "$GWKEY" payout_expired | jq -c "select(.payout_id == $p_exp)")
[ -n "$ev" ] || fail "no payout_expired event for payout $p_exp"
h=$(jq -r .height <<<"$ev")
tx=$(jq -r .tx <<<"$ev")
blk=$(curl -s -H 'content-type: application/json' -d "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"chain_getBlock\",\"params\":{\"height\":$h}}" "$(vurl 0)")
prev=$(curl -s -H 'content-type: application/json' -d "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"chain_getBlock\",\"params\":{\"height\":$((h - 1))}}" "$(vurl 0)")
t_blk=$(jq -r .result.header.time_ms <<<"$blk"); t_prev=$(jq -r .result.header.time_ms <<<"$prev")
[ "$t_blk" -gt "$exp_ms" ] && [ "$t_prev" -le "$exp_ms" ] ||
  fail "payout_expired at height $h (time $t_blk), the block before at $t_prev: not the first block past $exp_ms"
expect_eq "$(jq -r .tx_index <<<"$ev")" "$(jq -r .result.header.tx_count <<<"$blk")" "the event's receipt index (after the block's transactions)"
jq -e --arg tx "$tx" '.result.transactions | index($tx) == null' <<<"$blk" >/dev/null || fail "the event names a transaction of the block"
step=$(as auditor 1 --json tx show "$tx") || fail "folio tx show $tx"
expect_eq "$(jq -r .block_step <<<"$step")" "true" "tx_get of the event's receipt id"
for i in 1 2 3; do
  evi=$("${PROBE[@]}" events "ws://127.0.0.1:$(folio_rpc_port "$BASE" "$i")/ws" "$GWKEY" payout_expired | jq -c "select(.payout_id == $p_exp)")
  expect_eq "$(jq -c '{seq, id, height, tx}' <<<"$evi")" "$(jq -c '{seq, id, height, tx}' <<<"$ev")" "payout_expired event on v$i"
done
pass "payout_expired (seq $(jq -r .seq <<<"$ev")) at height $h, the first block past the expiry ($t_prev <= $exp_ms < $t_blk), from the block step's receipt $tx; same seq and id on all four"

"${PROBE[@]}" proof "ws://127.0.0.1:$(folio_rpc_port "$BASE" 2)/ws" "$GWKEY" "$DN/genesis.json" "$T/proof.json" "$p_exp" payout_expired ||
  fail "fetching the payout_expired proof"
expect_eq "$("${PROBE[@]}" verify "$T/proof.json" | jq -r .ok)" "true" "the payout_expired proof, verified offline"
jq '.proof.receipt_count -= 1' "$T/proof.json" >"$T/bad1.json"
r=$("${PROBE[@]}" verify "$T/bad1.json")
expect_eq "$(jq -r .ok <<<"$r")" "false" "the proof with one receipt fewer"
jq '.event.amount.amount = "4.55"' "$T/proof.json" >"$T/bad2.json"
r2=$("${PROBE[@]}" verify "$T/bad2.json")
expect_eq "$(jq -r .ok <<<"$r2")" "false" "the proof with the amount altered"
pass "the proof verifies offline; refused with the receipt count altered ($(jq -r .reason <<<"$r")) and the amount altered ($(jq -r .reason <<<"$r2"))"

# A late answer: refused naming the expiry; nothing changes.
before=$(as gateway 0 --json payout show "$p_exp")
if as gateway 0 payout confirm "$p_exp" --reference late >"$T/late.out" 2>"$T/late.err"; then fail "a late confirmation was accepted"; fi
grep -q "payout_already_expired" "$T/late.err" || fail "late confirmation: $(cat "$T/late.err")"
grep -q "expired at $exp_ms ms" "$T/late.err" || fail "the refusal does not name the expiry: $(cat "$T/late.err")"
expect_eq "$(as gateway 0 --json payout show "$p_exp")" "$before" "payout $p_exp after the refused confirmation"
expect_eq "$(balance creator 0 BRL)" "70.00" "creator's balance after the refused confirmation"
pass "a late confirmation is refused: $(head -c 200 "$T/late.err")"

if as gateway 0 payout expire "$p_exp" >"$T/x.out" 2>"$T/x.err"; then fail "folio payout expire still exists"; fi
grep -qi "unknown" "$T/x.err" || fail "folio payout expire: $(cat "$T/x.err")"
pass "the retired 'folio payout expire' is an unknown command"

converged_and_audited as auditor
