#!/usr/bin/env bash
# A payee's tax report of thousands of withholdings, on the 4-validator devnet (docs/settlement.md,
# "Withholding"): folio-loadgen --mix reports sends 5,000 revenue reports earned in Brazil on a work
# split among ten payees (BR residents withheld 15%, US residents 10% by treaty), so every payee has
# 5,000 withholdings in the year — more than the tax contract answers in one call (1,170).
#  - `folio tax report` gives a payee all 5,000, in order, as JSON and CSV, from any validator;
#  - the ten payees' reports together hold every minor unit reported, and their tax is exactly
#    what Brazil's tax account received; Brazil's authority report lists all 50,000;
#  - a payee may not read another's report; a year that is not one is refused before any call;
#  - identical chains and the conservation audit on every validator.
source "$(dirname "$0")/bftlib.sh"
"$BIN/folio-loadgen" accounts --seed taxreport --accounts 10 >"$T/accts"
jq -c '[.[] | {name:"load", address:.address, roles:["creator","distributor"], kyc:"verified", balances:{"BRL":"10000000.00"}}]
  | to_entries | map(.value + {residency: (if .key % 2 == 0 then "BR" else "US" end)})' -s "$T/accts" >"$T/extra.json"
FOLIO_DEVNET_EXTRA_ACCOUNTS="$T/extra.json" FOLIO_DEVNET_FOLIOD_ARGS="--rpc-rate 0" story_devnet
mapfile -t PAYEES < <(jq -r .address "$T/accts")
N=5000

r=$("$BIN/folio-loadgen" run --node "$(vurl 0)" --seed taxreport --accounts 10 --devnet-layout "$DN/layout.json" \
  --mix reports --count $N --concurrency 4 --batch 16) || fail "the load did not commit every report: $r"
expect_eq "$(jq -r '.committed_by_kind.report_revenue' <<<"$r")" "$N" "reports committed"
# What was reported (folio-loadgen's amounts: 1,000.00 BRL + (i % 997) * 0.13), in minor units.
reported=$(jq -n --argjson n $N '[range(0; $n) | 100000 + (. % 997) * 13] | add')
# The load confirmed its commits at v0; the reports below are read at every validator.
h=$(vheight 0); for i in 1 2 3; do wait_vheight $i "$h" 60; done
pass "$N revenue reports earned in Brazil committed on a work split among ten payees ($reported minor units of BRL)"

year=$(date -u +%Y)
minor='sub("\\."; "") | tonumber'
# Payee 0 (a BR resident) reads its own report with its own key, at v1.
"$BIN/folio" --home "$T/payee" keys import payee --secret-hex "$(jq -r .secret_key <<<"$(head -1 "$T/accts")")" >/dev/null ||
  fail "importing the payee's key"
own() { "$BIN/folio" --home "$T/payee" --key payee --node "$(vurl "$1")" "${@:2}"; }
own 1 --json tax report --payee "${PAYEES[0]}" --year "$year" >"$T/own.json" || fail "payee 0's report"
expect_eq "$(jq '.entries | length' "$T/own.json")" "$N" "payee 0's entries"
expect_eq "$(jq -r '[.entries[] | "\(.source) \(.income_type) \(.bps)"] | unique | join(",")' "$T/own.json")" "BR royalty 1500" \
  "every entry: Brazilian royalty withheld 15%"
# In order (block time never goes back) and each entry's tax is 15% of its gross, to the minor unit.
expect_eq "$(jq '[.entries[].time_ms] | . == sort' "$T/own.json")" "true" "entries in time order"
expect_eq "$(jq "[.entries[] | select(((.gross | $minor) * 1500 / 10000 | floor) != (.tax | $minor))] | length" "$T/own.json")" "0" \
  "entries whose tax is not 15% of the gross"
csv=$(own 2 tax report --payee "${PAYEES[0]}" --year "$year" --format csv) || fail "payee 0's report as CSV"
expect_eq "$(tail -n +2 <<<"$csv" | wc -l)" "$N" "CSV rows at v2"
expect_eq "$(tail -n +2 <<<"$csv" | cut -d, -f3 | awk '{ sub(/\./, ""); s += $1 } END { print s }')" \
  "$(jq "[.entries[].gross | $minor] | add" "$T/own.json")" "the CSV's gross equals the JSON's"
pass "a payee with $N withholdings in $year gets every one, in order, as JSON (v1) and CSV (v2)"

# Every payee's report, read by the auditor at a validator in turn: together they hold every
# minor unit reported, and their tax is exactly what Brazil's tax account holds.
gross=0; tax=0
for i in "${!PAYEES[@]}"; do
  rep=$(as auditor $((i % 4)) --json tax report --payee "${PAYEES[$i]}" --year "$year") || fail "payee $i's report"
  expect_eq "$(jq '.entries | length' <<<"$rep")" "$N" "payee $i's entries"
  want=$([ $((i % 2)) = 0 ] && echo 1500 || echo 1000)
  expect_eq "$(jq -r '[.entries[].bps] | unique | join(",")' <<<"$rep")" "$want" "payee $i's rate (residency $([ $((i % 2)) = 0 ] && echo BR || echo US))"
  gross=$((gross + $(jq "[.entries[].gross | $minor] | add" <<<"$rep")))
  tax=$((tax + $(jq "[.entries[].tax | $minor] | add" <<<"$rep")))
  expect_eq "$(jq -r ".totals[0].tax | $minor" <<<"$rep")" "$(jq "[.entries[].tax | $minor] | add" <<<"$rep")" "payee $i's total tax"
done
expect_eq "$gross" "$reported" "the ten payees' gross (minor units)"
expect_eq "$tax" "$(balance tax_br 3 BRL | sed 's/\.//; s/^0*//')" "their tax against Brazil's tax account"
auth=$(as tax_br 0 --json tax authority --jurisdiction BR --year "$year") || fail "Brazil's authority report"
expect_eq "$(jq '.entries | length' <<<"$auth")" "$((10 * N))" "Brazil's authority report entries"
expect_eq "$(jq -r ".totals[0].tax | $minor" <<<"$auth")" "$tax" "Brazil's authority report's tax"
pass "the ten payees' $((10 * N)) entries hold all $reported minor units reported and exactly Brazil's $tax of tax; the authority report lists every one"

refused "a payee reading another's report" "the payee itself" own 0 tax report --payee "${PAYEES[1]}" --year "$year"
refused "a year that is not one" "--year" own 0 tax report --payee "${PAYEES[0]}" --year 20x6
pass "a payee may not read another payee's report; a malformed year is refused by name"

converged_and_audited as auditor
