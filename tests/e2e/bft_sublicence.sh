#!/usr/bin/env bash
# Sublicences on the 4-validator devnet, through the CLI (docs/settlement.md, "Sublicences"):
#  - the creator grants the distributor an exclusive, sublicensable, revocable licence (BR and AR,
#    stream and download, a year);
#  - outside its scope (a territory, a right, a time it does not hold), by someone who is not its
#    licensee, or below a sublicence that is not sublicensable: refused, naming why, nothing changed;
#  - within it: distributor2 streams in Brazil for six months; `folio licence check` says so on
#    every validator with the chain (the sublicence, then the licence above it);
#  - another sublicence overlapping the exclusive one conflicts;
#  - the creator revokes the distributor's licence: the sublicence is revoked with it and the
#    check denies; identical chains and the conservation audit on every validator.
source "$(dirname "$0")/bftlib.sh"
story_devnet
D1=$(addr distributor); D2=$(addr distributor2); D3=$(addr distributor3)
now=$(date -u +%s); FROM=$((now - 60)); UNTIL=$((now + 365 * 86400)); HALF=$((now + 180 * 86400))

head -c 4096 /dev/urandom >"$T/series.mp4"
work=$(as creator 0 --json work register "$T/series.mp4" --title "Novela" --kind series | jq -r .work_id)
lic=$(as creator 1 --json licence grant "$work" --to "$D1" --territory AR,BR --rights stream,download --exclusive \
        --sublicensable --revocable --from "$FROM" --until "$UNTIL" | jq -r .licence_id)
[[ "$lic" =~ ^[0-9]+$ ]] || fail "no licence id"
pass "licence $lic of work $work: exclusive, sublicensable, revocable; AR and BR; stream and download; a year"

sub() { as "$1" "$2" licence sublicense "$3" --to "$4" "${@:5}"; }
refused "a territory outside the licence" "territory MX is not in licence $lic (sublicence_scope)" \
  sub distributor 2 "$lic" "$D2" --territory MX --rights stream --from "$FROM" --until "$HALF"
refused "a right outside the licence" "right broadcast is not in licence $lic (stream,download) (sublicence_scope)" \
  sub distributor 2 "$lic" "$D2" --territory BR --rights broadcast --from "$FROM" --until "$HALF"
refused "a time outside the licence" "is not within licence $lic's \[" \
  sub distributor 2 "$lic" "$D2" --territory BR --rights stream --from "$FROM" --until $((UNTIL + 86400))
refused "someone else's licence" "only licence $lic's licensee may sublicense it" \
  sub distributor3 2 "$lic" "$D2" --territory BR --rights stream --from "$FROM" --until "$HALF"
s1=$(sub distributor 3 "$lic" "$D2" --territory BR --rights stream --exclusive --from "$FROM" --until "$HALF" --json | jq -r .licence_id)
[[ "$s1" =~ ^[0-9]+$ ]] || fail "no sublicence id"
expect_eq "$(as auditor 0 --json licence show "$s1" | jq -c '[.parent, .licensor, .status]')" "[$lic,\"$D1\",\"active\"]" "sublicence $s1"
for i in 0 1 2 3; do
  chk=$(as auditor "$i" --json licence check "$work" --licensee "$D2" --territory BR --right stream)
  expect_eq "$(jq -c '[.allowed, .licence.id, .chain]' <<<"$chk")" "[true,$s1,[$s1,$lic]]" "v$i: distributor2 streams in BR"
done
expect_eq "$(as auditor 1 --json licence check "$work" --licensee "$D2" --territory AR --right stream | jq -r .allowed)" "false" "distributor2 in AR"
refused "a sublicence overlapping the exclusive one" "conflicts with licence $s1 of work $work" \
  sub distributor 0 "$lic" "$D3" --territory BR --rights stream --from "$FROM" --until "$HALF"
refused "a sublicence of a sublicence that is not sublicensable" "licence $s1 is not sublicensable (not_sublicensable)" \
  sub distributor2 0 "$s1" "$D3" --territory BR --rights stream --from "$FROM" --until "$HALF"
pass "sublicence $s1 (BR, stream, six months, exclusive) to distributor2, checked through the chain on all four; out-of-scope, foreign, overlapping and second-level grants refused"

as creator 1 licence revoke "$lic" >/dev/null || fail "revoking licence $lic"
for i in 0 1 2 3; do
  expect_eq "$(as auditor "$i" --json licence show "$s1" | jq -r .status)" "revoked" "v$i: the sublicence after its parent's revocation"
  expect_eq "$(as auditor "$i" --json licence check "$work" --licensee "$D2" --territory BR --right stream | jq -r .allowed)" "false" \
    "v$i: distributor2 after the revocation"
done
refused "sublicensing a revoked licence" "licence $lic is revoked (not_sublicensable)" \
  sub distributor 2 "$lic" "$D3" --territory AR --rights stream --from "$FROM" --until "$HALF"
pass "revoking licence $lic revoked sublicence $s1 with it; the check denies on all four"

converged_and_audited as auditor
