#!/usr/bin/env bash
# Withholding on every income type, and the tax authority's report, on the 4-validator devnet
# through the CLI (docs/settlement.md, "Withholding"):
#  - governance sets Brazil's table (royalty 15%, nft_sale 5%) and its tax account;
#  - a subscription pool earned in Brazil: the promoter's share is withheld like the works' parts;
#  - an NFT bought from Brazil: the royalty and the seller's proceeds are both withheld;
#  - `folio tax authority` gives Brazil's tax account every Brazilian-source withholding of the
#    year, every payee, as CSV and JSON with totals exact to the minor unit; a creator may not
#    read it, a bad jurisdiction is refused;
#  - identical chains and the conservation audit on every validator.
source "$(dirname "$0")/bftlib.sh"
story_devnet
TAXBR=$(addr tax_br); D2=$(addr distributor2)

as governance 0 gov tax-account --jurisdiction BR --account "$TAXBR" >/dev/null || fail "tax account"
as governance 1 gov tax-rate --source BR --income royalty --residency any --bps 1500 >/dev/null || fail "royalty rate"
as governance 2 gov tax-rate --source BR --income nft_sale --residency any --bps 500 >/dev/null || fail "nft_sale rate"
head -c 4096 /dev/urandom >"$T/song.flac"
work=$(as creator 3 --json work register "$T/song.flac" --title "Imposto" --kind song | jq -r .work_id)
[[ "$work" =~ ^[0-9]+$ ]] || fail "no work id"
pass "Brazil withholds 15% on royalties and 5% on NFT sales; work $work registered"

# A pool earned in Brazil: 1000.00 BRL, the promoter (distributor2, MX) 10% = 100.00 - 15.00;
# the song's 900.00 - 135.00 to the creator.
as distributor 0 revenue pool 1000.00 BRL --work "$work:3600" --promoter "$D2" --promoter-bps 1000 --territory BR \
  --period 2026-11 >/dev/null || fail "pool report"
for i in 0 1 2 3; do
  expect_eq "$(balance creator "$i" BRL)" "765.00" "v$i: the creator's part of the pool, withheld"
  expect_eq "$(balance tax_br "$i" BRL)" "150.00" "v$i: Brazil's tax on the pool (15.00 on the promoter's share)"
done
pass "the promoter's share of a Brazilian pool was withheld (100.00 - 15.00), as the work's part (900.00 - 135.00)"

# An NFT of the song bought by a Brazilian distributor: royalty 10% and the seller's 90%, both
# nft_sale income of Brazil, withheld 5%.
tok=$(as creator 1 --json nft mint "$work" --editions 2 --royalty-bps 1000 | jq -r .first_token)
[[ "$tok" =~ ^[0-9]+$ ]] || fail "mint: no first token"
as creator 2 nft list "$tok" --price 200.00 BRL >/dev/null || fail "list"
as distributor 3 nft buy "$tok" >/dev/null || fail "buy"
expect_eq "$(balance creator 0 BRL)" "955.00" "the creator after the sale (765.00 + 19.00 royalty + 171.00 proceeds)"
expect_eq "$(balance tax_br 0 BRL)" "160.00" "Brazil's tax after the sale (+1.00 on the royalty, +9.00 on the proceeds)"
pass "an NFT sale to Brazil withheld 5% of the royalty and of the seller's proceeds"

# The tax authority's report.
year=$(date -u +%Y)
refused "a creator reading Brazil's report" "only BR's tax account, auditors and governance" as creator 0 tax authority --jurisdiction BR --year "$year"
refused "a jurisdiction that is not a country" "ZZ" as tax_br 0 tax authority --jurisdiction ZZ --year "$year"
rep=$(as tax_br 1 --json tax authority --jurisdiction BR --year "$year") || fail "Brazil's report"
expect_eq "$(jq -c '[.entries[] | [.income_type, .tax]] | sort' <<<"$rep")" \
  '[["nft_sale","1.00"],["nft_sale","9.00"],["royalty","135.00"],["royalty","15.00"]]' "Brazil's entries (income type, tax)"
expect_eq "$(jq -c '.totals' <<<"$rep")" '[{"count":4,"currency":"BRL","gross":"1200.00","tax":"160.00"}]' "Brazil's totals"
expect_eq "$(jq -r --arg p "$D2" '.entries[] | select(.payee == $p) | "\(.residency) \(.gross) \(.net)"' <<<"$rep")" "MX 100.00 85.00" "the promoter's line"
csv=$(as tax_br 2 tax authority --jurisdiction BR --year "$year" --format csv) || fail "Brazil's report as CSV"
expect_eq "$(head -1 <<<"$csv")" "date,payee,residency,currency,gross,tax,net,income_type,rate_bps" "the CSV header"
expect_eq "$(tail -n +2 <<<"$csv" | wc -l)" "4" "CSV rows"
expect_eq "$(as auditor 3 --json tax authority --jurisdiction BR --year "$year" | jq -c .totals)" "$(jq -c .totals <<<"$rep")" "the auditor's report on v3"
expect_eq "$(as auditor 3 --json tax authority --jurisdiction BR --year $((year + 1)) | jq -c .entries)" "[]" "next year's report"
pass "Brazil's tax account reads every Brazilian-source withholding of $year (4 entries, 160.00 BRL) as JSON and CSV; a creator may not"

converged_and_audited as auditor
