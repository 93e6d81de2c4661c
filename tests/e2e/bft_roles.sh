#!/usr/bin/env bash
# Roles and KYC on the economic actions, on the 4-validator devnet through the CLI (the matrix in
# docs/settlement.md, "Roles and KYC"); every refusal names its rule and changes nothing:
#  - a creator or a studio may not report revenue, report a pool or accept a licence (distributor);
#  - a distributor may not register a work (creator or studio);
#  - a deposit to an account without KYC is refused (kyc_required), as is a report by a
#    distributor whose KYC the provider revoked; restored, the same report goes through;
#  - a withdrawal by an account whose KYC is revoked fails (kyc_required) and its balance stays;
#  - identical chains and the conservation audit on every validator.
source "$(dirname "$0")/bftlib.sh"
story_devnet
head -c 4096 /dev/urandom >"$T/film.mp4"
work=$(as creator 0 --json work register "$T/film.mp4" --title "Papéis" --kind film | jq -r .work_id)
[[ "$work" =~ ^[0-9]+$ ]] || fail "no work id"
now=$(date -u +%s)
lic=$(as creator 1 --json licence grant "$work" --to "$(addr studio)" --territory BR --rights stream --from $((now - 60)) \
        --until $((now + 86400)) --fee 10.00 BRL | jq -r .licence_id)

# Roles.
refused "a creator reporting revenue" "role 'distributor' required" as creator 2 revenue report "$work" 10.00 BRL
refused "a studio reporting a pool" "role 'distributor' required" as studio 2 revenue pool 10.00 BRL --work "$work:60"
refused "a studio accepting a licence" "role 'distributor' required" as studio 3 licence accept "$lic"
refused "a distributor registering a work" "role 'creator' or 'studio' required" \
  as distributor 3 work register "$T/film.mp4" --title "Not mine"
pass "reports, pools and acceptances need the distributor role; registrations a creator or studio"

# KYC.
head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$T/sk"
stranger=$("$BIN/folio" --home "$T/stranger" --password-file <(echo pw) --json keys import stranger --secret-hex "$(cat "$T/sk")" | jq -r .address)
refused "a deposit to an account without KYC" "kyc_required" as gateway 0 deposit "$stranger" 5.00 BRL --reference "roles-$$"
as kyc 1 kyc set "$(addr distributor3)" --status revoked --residency BR >/dev/null || fail "revoking distributor3's KYC"
refused "a report by a distributor whose KYC is revoked" "is KYC-revoked" as distributor3 2 revenue report "$work" 10.00 BRL
d3=$(balance distributor3 0 BRL)
as distributor3 3 payout prefs --gateway "$(addr gateway)" --currency BRL >/dev/null || fail "payout prefs"
refused "a withdrawal by a KYC-revoked account" "kyc_required" as distributor3 3 withdraw 10.00 BRL
for i in 0 1 2 3; do expect_eq "$(balance distributor3 "$i" BRL)" "$d3" "v$i: distributor3's BRL after the refusals"; done
as kyc 1 kyc set "$(addr distributor3)" --status verified --residency BR >/dev/null || fail "restoring distributor3's KYC"
as distributor3 2 revenue report "$work" 10.00 BRL >/dev/null || fail "the report after the KYC is restored"
pass "deposits credit only KYC-verified accounts; a KYC-revoked distributor may neither report nor withdraw (nothing moved), and may again once restored"

converged_and_audited as auditor
