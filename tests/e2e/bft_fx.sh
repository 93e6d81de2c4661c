#!/usr/bin/env bash
# FX rates with a validity window on the 4-validator devnet (genesis fx_rate_validity_ms = 15 s
# here: FOLIO_FX_RATE_VALIDITY_MS; docs/settlement.md, "FX"):
#  - a BRL payout to a payee who is paid in USD converts at the posted rate, rounded down, the same
#    on every validator;
#  - once the rate is older than the window (block time; the chain's idle blocks advance it), the
#    next such payout fails with fx_rate_stale naming the rate and the window, and nothing moves;
#  - a fresh rate converts again; identical chains and the conservation audit on every validator.
source "$(dirname "$0")/bftlib.sh"
VALIDITY_MS=15000
FOLIO_FX_RATE_VALIDITY_MS=$VALIDITY_MS story_devnet
expect_eq "$(jq -r .fx_rate_validity_ms "$DN/genesis.json")" "$VALIDITY_MS" "the genesis' FX validity"
GW=$(addr gateway)
as gateway 0 deposit "$(addr studio)" 1000.00 BRL --reference "fx-$$" >/dev/null || fail "deposit"
as studio 1 payout prefs --gateway "$GW" --currency USD >/dev/null || fail "payout prefs"
as fx_oracle 2 fx post BRL USD 1834/10000 >/dev/null || fail "fx post"
po=$(as studio 3 --json withdraw 459.00 BRL) || fail "the first withdrawal"
p1=$(jq -r .payout_id <<<"$po")
for i in 0 1 2 3; do
  # 459.00 BRL x 0.1834 = 84.1806 USD -> 84.18 (rounded down)
  expect_eq "$(as gateway "$i" --json payout show "$p1" | jq -c '[.target_amount, .target_currency, .rate_id]')" '["84.18","USD",1]' "v$i: payout $p1"
done
pass "459.00 BRL paid as 84.18 USD at rate 1 (0.1834, rounded down) on all four"

# Let the rate age past the window: the idle chain's blocks carry the time forward.
sleep $((VALIDITY_MS / 1000 + 2))
before=$(balance studio 0 BRL)
out=$(as studio 1 withdraw 100.00 BRL 2>&1) && fail "a payout converted at a stale rate: $out"
expect_contains "$out" "fx_rate_stale" "the refusal's code"
expect_contains "$out" "the latest BRL/USD rate (id 1, posted at" "the refusal names the rate"
expect_contains "$out" "older than the chain's FX validity of 15000 ms" "the refusal names the window"
for i in 0 1 2 3; do expect_eq "$(balance studio "$i" BRL)" "$before" "v$i: the studio's BRL after the refused payout"; done
pass "after $((VALIDITY_MS / 1000)) s the rate is stale: the payout fails with fx_rate_stale naming rate 1 and the window; nothing moved"

as fx_oracle 0 fx post BRL USD 1900/10000 >/dev/null || fail "a fresh rate"
p2=$(as studio 2 --json withdraw 100.00 BRL | jq -r .payout_id)
expect_eq "$(as gateway 3 --json payout show "$p2" | jq -c '[.target_amount, .rate_id]')" '["19.00",2]' "the payout at the fresh rate"
pass "a fresh rate (0.19) converts again: 100.00 BRL -> 19.00 USD"

converged_and_audited as auditor
