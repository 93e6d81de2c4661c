#!/usr/bin/env bash
# Rights end to end on the 4-validator devnet: scripts/demo tells and checks the whole story
# (withholding table, register, an English auction of BR rights with an anti-sniping extension,
# the winner's licence, licence_check in BR / MX / after expiry, a revenue report, exact payouts
# with withholding and FX, a gateway confirming, a second confirmation refused, NFT editions to the
# cap with a further mint refused, a secondary sale with exact royalty and fee, a certificate that
# verifies offline and fails when tampered or for another file, the conservation audit). Then every
# validator must hold the same chain, pass the audit, and serve the same settlement events.
source "$(dirname "$0")/bftlib.sh"
devnet up --validators 4 || { cat "$T/devnet.log"; fail "devnet up"; }
for i in 0 1 2 3; do wait_vheight $i 2; done
FOLIO_BIN="$BIN" "$ROOT/scripts/demo" "$DN" >"$T/demo.log" 2>&1 || { cat "$T/demo.log"; fail "the demo story"; }
grep -c "✓" "$T/demo.log" | xargs -I{} echo "ok - the demo story: {} checks passed"

J="$DN/devnet.json"
export FOLIO_PASSWORD="$(jq -r .password "$J")" FOLIO_KEYSTORE_KDF=interactive
h=$(vheight 0)
for i in 1 2 3; do wait_vheight $i "$h" 60; done
same_chain 0 1 2 3 >/dev/null
pass "identical block hashes and state roots on all four validators up to height $h"

auditor_home=$(jq -r .accounts.auditor.home "$J")
for i in 0 1 2 3; do
  ok=$("$BIN/folio" --home "$auditor_home" --key auditor --node "$(vurl $i)" --json audit | jq -r .ok)
  expect_eq "$ok" "true" "conservation audit on v$i"
  "$BIN/folio" --home "$auditor_home" --key auditor --node "$(vurl $i)" --json events --from-seq 1 --limit 1000 \
    | jq -c '[.events[] | {seq, id, kind, amount}]' >"$T/events-v$i.json"
done
for i in 1 2 3; do cmp -s "$T/events-v0.json" "$T/events-v$i.json" || fail "settlement events differ between v0 and v$i"; done
n=$(jq length "$T/events-v0.json")
[ "$n" -ge 6 ] || fail "expected settlement events, got $n"
jq -e '[.[].seq] == [range(1; length + 1)]' "$T/events-v0.json" >/dev/null || fail "settlement seq is not dense from 1"
pass "conservation holds and the $n settlement events (dense seq) are identical on every validator"
