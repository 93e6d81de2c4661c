#!/usr/bin/env bash
# AML on the 4-validator devnet, through the CLI (docs/settlement.md, "AML"):
#  - the limits are governance's: a creator's proposal is refused, a rolling limit without its
#    window is refused by the wallet; governance sets USD limits (single 1000.00, rolling 1500.00
#    per 24 h); only compliance, auditors and governance read them;
#  - a withdrawal over the single limit is held: no payout instruction, the funds out of the
#    balance on all four validators; under it, payouts go ahead and count in the rolling sum;
#    the next one over the rolling sum is held naming the sum;
#  - the creator cannot release its own hold (missing_permission); compliance releases it (a
#    payout is instructed, the gateway pays it) and rejects the other (the funds come back); a
#    second decision is refused (hold_decided) and changes nothing;
#  - a transfer over the limit is held and, released, reaches its recipient;
#  - sanctions: a payout of an account resident in a listed country and a transfer to a listed
#    account are blocked; no decision while listed (sanctioned); delisted, compliance releases;
#  - holds, releases, rejections and blocks are settlement events (same seq and id on all four;
#    compliance sees them, the creator its own), they appear in the gateway's reconciliation
#    report, and the conservation audit counts the open holds;
#  - identical chains and the conservation audit on every validator.
source "$(dirname "$0")/bftlib.sh"
story_devnet
GW=$(addr gateway); CREATOR=$(addr creator); DIST=$(addr distributor)

# ---- the rules
refused "a creator reading the rules" "only compliance, auditors and governance" as creator 0 aml rules
refused "a creator proposing limits" "missing_permission" as creator 0 gov aml-limit USD --single 1000.00
refused "a rolling limit without its window" "--rolling and --window-hours go together" \
  as governance 0 gov aml-limit USD --rolling 1500.00
as governance 1 gov aml-limit USD --single 1000.00 --rolling 1500.00 --window-hours 24 >/dev/null || fail "setting the limits"
rules=$(as compliance 2 --json aml rules)
expect_eq "$(jq -c '.limits[0] | [.currency, .single, .rolling, .window_hours]' <<<"$rules")" '["USD","1000.00","1500.00",24]' "the limits"
pass "governance set USD limits (single 1000.00, rolling 1500.00 per 24 h); a creator may neither set nor read them"

# ---- payouts: held over the single limit, counted under it, held over the rolling sum
as gateway 0 deposit "$CREATOR" 5000.00 USD --reference "aml-$$" >/dev/null || fail "deposit"
as creator 1 payout prefs --gateway "$GW" --currency USD >/dev/null || fail "payout prefs"
out=$(as creator 2 --json withdraw 1200.00 USD) || fail "withdraw 1200.00"
h1=$(jq -r .hold_id <<<"$out")
[[ "$h1" =~ ^[0-9]+$ ]] || fail "1200.00 was not held: $out"
expect_eq "$(jq -r '.payout_id // "none"' <<<"$out")" "none" "a payout instruction for the held withdrawal"
human=$(as creator 3 withdraw 800.00 USD) || fail "withdraw 800.00"
expect_contains "$human" "payout" "800.00 under the limits"
out=$(as creator 0 --json withdraw 900.00 USD) || fail "withdraw 900.00"
h2=$(jq -r .hold_id <<<"$out")
[[ "$h2" =~ ^[0-9]+$ ]] || fail "900.00 was not held by the rolling limit: $out"
for i in 0 1 2 3; do
  expect_eq "$(balance creator "$i" USD)" "2100.00" "v$i: creator's balance (1200 + 900 held, 800 instructed)"
  expect_eq "$(as creator "$i" --json aml show "$h1" | jq -c '[.status, .reason, .amount, .limit]')" \
    '["held","single_limit","1200.00","1000.00"]' "v$i: hold $h1"
done
expect_eq "$(as compliance 1 --json aml show "$h2" | jq -c '[.reason, .rolling_sum, .limit]')" '["rolling_limit","800.00","1500.00"]' "hold $h2"
refused "another account reading the creator's hold" "only the hold's parties" as studio 1 aml show "$h1"
pass "1200.00 held over the single limit (hold $h1), 800.00 paid out, 900.00 held over the rolling sum of 800.00 (hold $h2); same on all four"

# ---- compliance decides
refused "the creator releasing its own hold" "missing_permission" as creator 1 aml release "$h1" --note mine
refused "governance releasing a hold" "missing_permission" as governance 1 aml release "$h1" --note ok
out=$(as compliance 2 --json aml release "$h1" --note "source of funds: label statement Q3") || fail "releasing $h1"
p1=$(as compliance 2 --json aml show "$h1" | jq -r .payout_id)
[[ "$p1" =~ ^[0-9]+$ ]] || fail "the released hold names no payout"
expect_eq "$(as gateway 3 --json payout show "$p1" | jq -c '[.status, .amount]')" '["pending","1200.00"]' "the released payout"
as gateway 3 payout confirm "$p1" --reference "WIRE-AML-$$" >/dev/null || fail "confirming payout $p1"
refused "a second decision" "hold_decided" as compliance 0 aml reject "$h1" --note "changed my mind"
expect_eq "$(as compliance 0 --json aml show "$h1" | jq -r .status)" "released" "hold $h1 after a refused reject"
as compliance 1 aml reject "$h2" --note "structuring pattern" >/dev/null || fail "rejecting $h2"
for i in 0 1 2 3; do expect_eq "$(balance creator "$i" USD)" "3000.00" "v$i: creator's balance after the rejection (900 back)"; done
pass "compliance released hold $h1 (payout $p1 instructed and confirmed), rejected hold $h2 (900.00 back); the creator and governance may not decide; a second decision is refused"

# ---- a transfer over the limit
out=$(as creator 2 --json transfer "$DIST" 1100.00 USD) || fail "transfer 1100.00"
h3=$(jq -r .hold_id <<<"$out")
[[ "$h3" =~ ^[0-9]+$ ]] || fail "the transfer was not held: $out"
dist_before=$(balance distributor 0 USD)
as compliance 3 aml release "$h3" --note "invoice 2026-77" >/dev/null || fail "releasing $h3"
expect_eq "$(balance distributor 0 USD | tr -d .)" "$(( $(tr -d . <<<"$dist_before") + 110000 ))" "distributor's USD after the release"
pass "a 1100.00 transfer was held (hold $h3) and, released, reached the distributor"

# ---- sanctions
as governance 0 gov sanction --country MX --note "test list: MX" >/dev/null || fail "listing MX"
as governance 0 gov sanction --account "$(addr distributor3)" --note "test list: distributor3" >/dev/null || fail "listing distributor3"
refused "listing MX twice" "no_change" as governance 0 gov sanction --country MX --note again
as distributor2 1 payout prefs --gateway "$GW" --currency USD >/dev/null || fail "distributor2's payout prefs"
out=$(as distributor2 1 --json withdraw 10.00 USD) || fail "distributor2's withdrawal"
h4=$(jq -r .hold_id <<<"$out")
expect_eq "$(as compliance 1 --json aml show "$h4" | jq -c '[.status, .reason, .listed]')" '["blocked","sanctioned_country","MX"]' "hold $h4"
out=$(as distributor 2 --json transfer "$(addr distributor3)" 5.00 USD) || fail "a transfer to distributor3"
h5=$(jq -r .hold_id <<<"$out")
expect_eq "$(as compliance 2 --json aml show "$h5" | jq -c '[.status, .reason]')" '["blocked","sanctioned_account"]' "hold $h5"
refused "releasing while listed" "sanctioned" as compliance 3 aml release "$h4" --note ok
refused "rejecting while listed" "sanctioned" as compliance 3 aml reject "$h5" --note ok
as governance 0 gov delist --country MX --note "delisted" >/dev/null || fail "delisting MX"
as compliance 3 aml release "$h4" --note "delisted: released" >/dev/null || fail "releasing $h4 after the delisting"
p4=$(as compliance 0 --json aml show "$h4" | jq -r .payout_id)
expect_eq "$(as gateway 0 --json payout show "$p4" | jq -r .status)" "pending" "the payout of hold $h4"
pass "sanctions blocked a payout to an MX resident (hold $h4) and a transfer to a listed account (hold $h5); no decision while listed; MX delisted, hold $h4 released"

# ---- settlement events, reconciliation, audit
evs() { as compliance "$1" --json events --from-seq 1 --limit 1000 | jq -c '[.events[] | select(.kind | startswith("aml_")) | {seq, id, kind, hold_id}]'; }
e0=$(evs 0)
expect_eq "$(jq -c '[.[] | select(.hold_id == '"$h1"') | .kind]' <<<"$e0")" '["aml_held","aml_released"]' "hold $h1's events"
expect_eq "$(jq -c '[.[] | select(.hold_id == '"$h2"') | .kind]' <<<"$e0")" '["aml_held","aml_rejected"]' "hold $h2's events"
expect_eq "$(jq -c '[.[] | select(.hold_id == '"$h5"') | .kind]' <<<"$e0")" '["aml_blocked"]' "hold $h5's events"
for i in 1 2 3; do expect_eq "$(evs "$i")" "$e0" "the AML settlement events on v$i"; done
rel=$(as compliance 0 --json events --from-seq 1 --limit 1000 | jq -c '[.events[] | select(.kind == "aml_released" and .hold_id == '"$h1"')][0]')
expect_eq "$(jq -c '[.payout_id, .decided_by, .note, .gateway]' <<<"$rel")" \
  "[$p1,\"$(addr compliance)\",\"source of funds: label statement Q3\",\"$GW\"]" "the aml_released event"
mine=$(as creator 0 --json events --from-seq 1 --limit 1000 | jq -c '[.events[] | select(.kind | startswith("aml_")) | .hold_id] | unique')
expect_eq "$mine" "[$h1,$h2,$h3]" "the AML events the creator sees (its own)"
rec=$(as gateway 1 --json reconcile --gateway "$GW")
expect_eq "$(jq -c '.aml[] | select(.currency == "USD") | [.held.count, .released.count, .released.total, .rejected.count, .rejected.total]' <<<"$rec")" \
  '[0,2,"1210.00",1,"900.00"]' "the gateway's reconciliation of AML holds"
for i in 0 1 2 3; do
  expect_eq "$(as auditor "$i" --json audit | jq -r '.currencies[] | select(.currency == "USD") | .aml_held')" "5.00" "v$i: USD in open holds"
done
pass "holds, releases, rejections and blocks are settlement events (same on all four; the creator sees its own), in the gateway's reconciliation, and in the audit (5.00 USD still blocked)"

converged_and_audited as auditor
