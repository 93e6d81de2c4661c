#!/usr/bin/env bash
# Every example of docs/openrpc.json runs against a live node, and every answer matches its
# method's result schema.
#
# The examples are true of the chain this script builds: a single validator, chain id
# folio-devnet, accounts with fixed keys (alice's secret is 32 bytes of 0x11, bob's 0x22, ...; the
# table below), and a fixed story told through the CLI: deposits, a work, a licence offer that is
# accepted, a revenue report (royalties through the split, withholding), an fx rate, payouts
# (confirmed, failed, pending), NFT editions (one sold, one listed), an open English auction with
# a bid, fan tokens, and AML: a limit and sanctions set by governance, a transfer held and released
# by the compliance account, a withdrawal held and a transfer to a sanctioned account blocked. Ids, sequence numbers, amounts and the work's fingerprint are therefore the examples'
# own; only values that differ on every run (hashes of signed transactions, login nonces and
# signatures, subscription ids) are substituted, by tests/e2e/openrpc_examples.py's RUNTIME table.
# That script also checks every example statically (params and result against their schemas) and
# fails when a method has no example. When an answer changed on purpose, OPENRPC_DUMP=FILE writes
# every live answer to FILE (by method and example name), to update the examples from.
source "$(dirname "$0")/lib.sh"
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
python3 -c 'import jsonschema' 2>/dev/null || fail "python3-jsonschema is not installed (scripts/install-deps)"
[ -d "$ROOT/node_modules/@noble" ] || fail "the repo's node_modules are missing (npm ci at the repo root; scripts/install-deps)"

# fixed_key NAME BYTE ROLES RESIDENCY: as lib.sh's new_key, with the secret key BYTE repeated 32 times.
fixed_key() {
  local name="$1" sk addr
  sk=$(printf "$2%.0s" $(seq 32))
  echo "pw-$name" >"$T/pw-$name"
  addr=$("$BIN/folio" --home "$T/$name" --password-file "$T/pw-$name" --json keys import "$name" --secret-hex "$sk" | jq -r .address)
  [ ${#addr} = 64 ] || fail "importing the key of $name"
  printf -v "ADDR_$name" '%s' "$addr"; printf -v "SK_$name" '%s' "$sk"
  ACCOUNTS_JSON=$(jq -c --arg n "$name" --arg a "$addr" --arg r "$3" --arg res "$4" \
    '. + [{name:$n, address:$a, roles:($r | split(",") | map(select(length>0))), kyc:"verified", residency:$res}]' <<<"$ACCOUNTS_JSON")
}
fixed_key alice 11 creator BR       # 4f355bdcb7cc0af728ef3cceb9615d90684bb5b2ca5f859ab0f0b704075871aa
fixed_key bob 22 creator US         # 466d7fcae563e5cb09a0d1870bb580344804617879a14949cf22285f1bae3f27
fixed_key gw 33 gateway US          # 3c72addb4fdf09af94f0c94d7fe92a386a7e70cf8a1d85916386bb2535c7b1b1
fixed_key dist 44 distributor BR    # 2c0b7cf95324a07d05398b240174dc0c2be444d96b159aa6c7f7b1e668680991
fixed_key aud 55 auditor US         # 9ac20335eb38768d2052be1dbbc3c8f6178407458e51e6b4ad22f1d91758895b
fixed_key gov 66 governance US      # 5ab4689e400a4a160cf01cd44730845a54768df8547dcdf073d964f109f18c30
fixed_key fx 77 fx_oracle US        # 7962d45b38e8bcf82fa8efa8432a01f20c9a53e24c7d3f11df197cb8e70926da
fixed_key taxbr 88 "" BR            # 1617d38ed8d8657da4d4761e8057bc396ea9e4b9d29776d4be096016dbd2509b
fixed_key platform 99 "" US         # 8985087b1818714f67e494a076ca0284c060fabc5d2ba66885b4ac60f801d3f5
fixed_key comp aa compliance US     # 6a04ab98d9e4774ad806e302dddeb63bea16b5cb5f223ee77478e861bb583eb3 (decides AML holds)
fixed_key mallory bb "" US          # 68680737c76dabb801cb2204f57dbe4e4579e4f710cd67dc1b4227592c81e9b5 (sanctioned below)
make_chain
CHAIN_ID=folio-devnet
"$BIN/foliod" genesis set "$T/genesis.json" --chain-id "$CHAIN_ID" --platform "$ADDR_platform" >/dev/null \
  || fail "foliod genesis set"
start_node

# ---- the story (every step through the CLI; --json prints the committed tx_get object)
ok() {  # ok CMD...: runs a signing command, fails unless it committed successfully; prints its --json output
  local out; out=$("$@") || fail "$*"
  [ "$(jq -r 'if has("success") then .success else true end' <<<"$out")" = true ] || fail "$*: $out"
  printf '%s' "$out"
}
ok as gov --json gov tax-account --jurisdiction BR --account "$ADDR_taxbr" >/dev/null
ok as gov --json gov tax-rate --source BR --income royalty --residency any --bps 1500 >/dev/null
ok as gov --json gov tax-treaty --source BR --residency US --income royalty --bps 1000 >/dev/null
ok as gw --json deposit "$ADDR_dist" 50000.00 BRL --reference WIRE-0001 >/dev/null
ok as gw --json deposit "$ADDR_dist" 5000.00 USD --reference WIRE-0002 >/dev/null
printf 'Rio at Dawn: the example film of docs/openrpc.json\n' >"$T/rio.mp4"
work_out=$(ok as alice --json work register "$T/rio.mp4" --title "Rio at Dawn" --kind film --isrc BRABC2600001 \
  --owner "$ADDR_alice:7000" --owner "$ADDR_bob:3000")
expect_eq "$(jq -r .work_id <<<"$work_out")" 1 "work id"
REGISTER_TX=$(jq -r .tx <<<"$work_out")
[ ${#REGISTER_TX} = 64 ] || fail "no tx hash from work register: $work_out"
lic=$(ok as alice --json licence grant 1 --to "$ADDR_dist" --territory AR,BR --rights stream,download --exclusive \
  --from 2026-01-01T00:00:00Z --until 2031-01-01T00:00:00Z --fee 5000.00 BRL --royalty-bps 1500 | jq -r .licence_id)
expect_eq "$lic" 1 "licence id"
ok as dist --json licence accept 1 >/dev/null
ok as dist --json revenue report 1 --gross 10000.00 BRL --licence 1 --period 2026-11 --territory BR >/dev/null
ok as fx --json fx post BRL USD 1/5 >/dev/null
ok as alice --json payout prefs --gateway "$ADDR_gw" --currency USD >/dev/null
p1=$(ok as alice --json withdraw 500.00 BRL | jq -r .payout_id)
ok as gw --json payout confirm "$p1" --reference WIRE-OUT-0001 >/dev/null
p2=$(ok as alice --json withdraw 250.00 BRL | jq -r .payout_id)
ok as gw --json payout fail "$p2" --reason "beneficiary account closed" >/dev/null
p3=$(ok as alice --json withdraw 100.00 BRL | jq -r .payout_id)
expect_eq "$p1 $p2 $p3" "1 2 3" "payout ids"
ok as alice --json nft mint 1 --editions 3 --royalty-bps 500 --fee-bps 250 >/dev/null
ok as alice --json nft list 1 --price 100.00 BRL >/dev/null
ok as dist --json nft buy 1 >/dev/null
ok as alice --json nft list 3 --price 25.00 USD >/dev/null
now=$(date +%s)
auc=$(ok as alice --json auction create 1 --type english --currency USD --territory US --rights broadcast --exclusive \
  --licence-from 2027-01-01T00:00:00Z --licence-until 2028-01-01T00:00:00Z --start "$now" --end $((now + 7 * 86400)) \
  --reserve 500.00 --increment 10.00 --source US | jq -r .auction_id)
expect_eq "$auc" 1 "auction id"
ok as dist --json auction bid 1 1200.00 USD >/dev/null
ok as alice --json fan issue --work 1 --symbol RIO --name "Rio at Dawn fans" --cap 1000 --price 5.00 BRL \
  --perk exclusive_content --perk-min 10 >/dev/null
ok as dist --json fan buy RIO 12 >/dev/null
ok as dist --json fan transfer RIO "$ADDR_bob" 2 >/dev/null
# AML, after the steps above so that their ids do not move: a USD limit (1000.00 a payout or
# transfer, 5000.00 in 24 hours), a sanctioned account and country; dist's transfer of 1500.00 USD
# to bob is held and compliance releases it; bob's withdrawal of 1200.00 USD stays held; dist's
# transfer to the sanctioned mallory is blocked.
ok as gov --json gov aml-limit USD --single 1000.00 --rolling 5000.00 --window-hours 24 >/dev/null
ok as gov --json gov sanction --account "$ADDR_mallory" --note "OFAC SDN 12345" >/dev/null
ok as gov --json gov sanction --country KP --note "UN SC res. 1718" >/dev/null
h1=$(ok as dist --json transfer "$ADDR_bob" 1500.00 USD | jq -r .hold_id)
ok as comp --json aml release "$h1" --note "source of funds verified: distribution agreement DA-2026-07" >/dev/null
ok as bob --json payout prefs --gateway "$ADDR_gw" --currency USD >/dev/null
h2=$(ok as bob --json withdraw 1200.00 USD | jq -r .hold_id)
h3=$(ok as dist --json transfer "$ADDR_mallory" 10.00 USD | jq -r .hold_id)
expect_eq "$h1 $h2 $h3" "1 2 3" "AML hold ids"
pass "the example chain's story is committed (height $(height))"

# ---- what only this run knows (openrpc_examples.py, RUNTIME): a transaction for tx_submit, signed
# offline with the sender's next nonce, and the tokens of the accounts that call the methods
# needing one (openrpc_examples.py, CALLER).
dist_nonce=$(rpc account_get "{\"address\":\"$ADDR_dist\"}" "$(login dist)" | jq -r .result.pending_nonce)
submit=$(as dist --json transfer "$ADDR_bob" 1.00 USD --offline --nonce "$dist_nonce" --chain-id "$CHAIN_ID") \
  || fail "signing the tx_submit transaction offline"
jq -n --arg node "$NODE" --arg tx "$(jq -r .tx <<<"$submit")" --arg reg "$REGISTER_TX" \
  --arg alice_addr "$ADDR_alice" --arg alice_sk "$SK_alice" \
  --arg alice "$(login alice)" --arg gw "$(login gw)" --arg aud "$(login aud)" --arg dist "$(login dist)" \
  --arg comp "$(login comp)" \
  '{node: $node, secret_keys: {($alice_addr): $alice_sk}, tokens: {alice: $alice, gw: $gw, aud: $aud, dist: $dist, comp: $comp},
    captured: {submit_tx: $tx, register_tx: $reg}}' >"$T/runtime.json"

python3 "$ROOT/tests/e2e/openrpc_examples.py" --runtime "$T/runtime.json" --dump "${OPENRPC_DUMP:-$T/live.json}" "$ROOT/docs/openrpc.json" \
  || fail "an example of docs/openrpc.json does not hold against the live node (above)"
pass "every method of docs/openrpc.json has an example, and every example's answer matches the method's schema"
