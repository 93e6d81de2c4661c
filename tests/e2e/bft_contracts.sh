#!/usr/bin/env bash
# Custom contracts on the 4-validator devnet, through the CLI (docs/vm.md, "Templates and versions"):
#  - governance deploys contracts/escalating_royalty.bin as a template that creators and studios may
#    instantiate; `folio contract templates` lists it; a second deploy at the same version fails
#    (template_version);
#  - a distributor may not instantiate it (missing_permission), a bad init fails (contract_failed)
#    and leaves no contract; the creator instantiates a deal for a work it owns with the studio;
#  - attaching the deal needs the studio's consent (refused without it); with it, revenue reported
#    to the work goes through the deal: the artist's royalty steps up at the thresholds and every
#    balance is checked to the minor unit; `folio contract query` reads rate() and state() without
#    committing anything; a direct distribute() of money the deal does not hold reverts (funds);
#  - detached, revenue goes through the split again;
#  - recoupment: with both owners' consent (refused without it), an advance is paid back to its
#    payee first, then the split;
#  - governance publishes revenue_split version 2: a new work's split runs it, an older work's
#    split keeps version 1;
#  - identical chains and the conservation audit on every validator.
source "$(dirname "$0")/bftlib.sh"
story_devnet
balance() {  # balance WHO VALIDATOR CUR -> minor units (bftlib's, without the point)
  as "$1" "$2" --json balance | jq -r --arg c "$3" '[.balances[] | select(.currency == $c) | .amount][0] // "0"' | tr -d .
}
CREATOR=$(addr creator); STUDIO=$(addr studio)
# The tax contract's well-known address: TaggedHash("folio/address", "tax_withholding").
TAXC=$(python3 -c 'import hashlib;t=hashlib.sha256(b"folio/address").digest();print(hashlib.sha256(t+t+b"tax_withholding").hexdigest())')
expect_eq "$(as auditor 0 --json contract show "$TAXC" | jq -r .template.name)" "tax_withholding" "the tax contract's template"

# ---- the template
as governance 0 contract deploy "$ROOT/contracts/escalating_royalty.bin" --name escalating_royalty \
  --instantiators creator,studio >/dev/null || fail "deploying the template"
tpl=$(as auditor 1 --json contract templates --name escalating_royalty)
expect_eq "$(jq -r '.templates[0].version' <<<"$tpl")" "1" "escalating_royalty's version"
expect_eq "$(jq -c '.templates[0].instantiators' <<<"$tpl")" '["creator","studio"]' "its instantiators"
cp "$ROOT/contracts/escalating_royalty.bin" "$T/deal2.bin"; printf '\0' >>"$T/deal2.bin"  # other code, same behaviour
refused "the same version again" "template_version" \
  as governance 0 contract deploy "$T/deal2.bin" --name escalating_royalty --version 1
pass "governance deployed escalating_royalty version 1 (creators and studios instantiate it); a second version 1 is refused"

# ---- a work owned 60/40 and a deal for it: 15% up to 1000.00 BRL of revenue, 18% to 2500.00, 20% beyond
head -c 4096 /dev/urandom >"$T/song.flac"
work=$(as creator 2 --json work register "$T/song.flac" --title "Samba do Ledger" --kind song \
         --owner "$CREATOR:6000" --owner "$STUDIO:4000" | jq -r .work_id)
[[ "$work" =~ ^[0-9]+$ ]] || fail "no work id"
split=$(as creator 2 --json work show "$work" | jq -r .split)
TIERS="le64:0,1500,100000,1800,250000,2000"
refused "a distributor instantiating" "missing_permission" \
  as distributor 3 contract instantiate escalating_royalty --types address,address,address,int,bytes "$CREATOR" "$split" "$TAXC" BRL "$TIERS"
if as creator 2 --json contract instantiate escalating_royalty --types address,address,address,int,bytes \
     "$CREATOR" "$split" "$TAXC" BRL "le64:0,1800,100000,1500" >"$T/bad.json" 2>"$T/bad.err"; then
  fail "a deal whose rate steps down was made: $(cat "$T/bad.json")"
fi
grep -q "contract_failed" "$T/bad.err" || fail "bad tiers: $(cat "$T/bad.err")"
out=$(as creator 2 --json contract instantiate escalating_royalty --types address,address,address,int,bytes \
        "$CREATOR" "$split" "$TAXC" BRL "$TIERS") || fail "instantiating the deal"
deal=$(jq -r .contract <<<"$out")
[[ "$deal" =~ ^[0-9a-f]{64}$ ]] || fail "no contract address: $out"
expect_eq "$(as auditor 3 --json contract show "$deal" | jq -r '.template.name + "@" + (.template.version | tostring)')" "escalating_royalty@1" "the deal's template"
pass "a distributor may not instantiate; a deal whose rate steps down fails (contract_failed); the creator made deal $deal"

# ---- attach: every owner consents
refused "attaching without the studio" "missing_permission" as creator 1 work attach "$work" "$deal"
consent=$(as studio 0 --json work consent-attach "$work" "$deal" | jq -r .consent)
as creator 1 work attach "$work" "$deal" --consent "$consent" >/dev/null || fail "attaching with the studio's consent"
expect_eq "$(as auditor 2 --json work show "$work" | jq -r .revenue_contract)" "$deal" "work $work's revenue contract"
refused "the attach consent used to detach" "does not sign" as creator 1 work detach "$work" --consent "$consent"
pass "attaching needs the studio's consent; with it, work $work's revenue flows through the deal"

# ---- revenue through the deal (no withholding table on this chain: the amounts are the gross parts)
# R(x) = floor(min(x,100000)*15%) + floor(clamp(x-100000,0,150000)*18%) + floor(max(x-250000,0)*20%), minor units.
R() { python3 -c "x=$1; print(min(x,100000)*1500//10000 + min(max(x-100000,0),150000)*1800//10000 + max(x-250000,0)*2000//10000)"; }
cum=0
for amount in 120000 200000 33333; do
  c0=$(balance creator 0 BRL); s0=$(balance studio 0 BRL)
  as distributor 3 revenue report "$work" "$(python3 -c "print('%d.%02d' % divmod($amount, 100))")" BRL --territory BR >/dev/null || fail "report $amount"
  royalty=$(( $(R $((cum + amount))) - $(R $cum) )); cum=$((cum + amount))
  # The split's largest remainder (docs/vm.md): leftover units to the largest remainders, ties to the
  # earlier payee (owners are listed by address).
  rest=$((amount - royalty))
  to_creator=$(python3 - "$rest" "$CREATOR" "$STUDIO" <<'PY'
import sys
r, creator, studio = int(sys.argv[1]), sys.argv[2], sys.argv[3]
payees = sorted([(creator, 6000), (studio, 4000)])
parts = {a: r * b // 10000 for a, b in payees}
left = r - sum(parts.values())
for a, b in sorted(payees, key=lambda p: (-(r * p[1] % 10000), payees.index(p)))[:left]:
    parts[a] += 1
print(parts[creator])
PY
)
  to_studio=$((rest - to_creator))
  h=$(vheight 3); for i in 0 1 2; do wait_vheight $i "$h" 60; done
  for i in 0 1 2 3; do
    expect_eq "$(( $(balance creator $i BRL) - c0 ))" "$((royalty + to_creator))" "v$i: creator's gain on $amount (royalty $royalty + split $to_creator)"
    expect_eq "$(( $(balance studio $i BRL) - s0 ))" "$to_studio" "v$i: studio's gain on $amount"
  done
done
rate=$(as auditor 1 --json contract query "$deal" "rate()" --returns int | jq -r '.values[0]')
expect_eq "$rate" "2000" "the deal's rate after 3533.33 BRL"
st=$(as auditor 1 --json contract query "$deal" "state()" --returns bytes | jq -r '.values[0]')
expect_eq "$(python3 -c "import struct;b=bytes.fromhex('$st');print(struct.unpack('<6q',b[:48])[1:3])")" "($cum, $(R $cum))" "the deal's state(): cumulative revenue and royalty"
refused "distributing money the deal does not hold" "funds" \
  as distributor 0 contract call "$deal" "distribute(int,int,int,int)" BRL 100 1 BR
pass "three reports through the deal: the creator's royalty steps 15% -> 18% -> 20% (total $(R $cum) on $cum), every balance exact on all four; query rate() = 2000; a direct distribute without funds reverts"

# ---- detach
consent=$(as studio 0 --json work consent-attach "$work" none | jq -r .consent)
as creator 1 work detach "$work" --consent "$consent" >/dev/null || fail "detaching"
c0=$(balance creator 0 BRL); s0=$(balance studio 0 BRL)
as distributor 3 revenue report "$work" 100.00 BRL --territory BR >/dev/null || fail "report after detaching"
expect_eq "$(( $(balance creator 0 BRL) - c0 )) $(( $(balance studio 0 BRL) - s0 ))" "6000 4000" "100.00 BRL split 60/40 after detaching"
pass "detached: revenue goes through the split again"

# ---- recoupment: an advance of 50.00 BRL paid back to distributor2 first, with both owners' consent
D2=$(addr distributor2)
refused "a recoupment without the studio" "missing_permission" as creator 1 work recoup "$work" --payee "$D2" --amount 50.00 BRL
consent=$(as studio 0 --json work consent-recoup "$work" --payee "$D2" --amount 50.00 BRL | jq -r .consent)
refused "the consent for another amount" "does not sign" as creator 1 work recoup "$work" --payee "$D2" --amount 60.00 BRL --consent "$consent"
as creator 1 work recoup "$work" --payee "$D2" --amount 50.00 BRL --consent "$consent" >/dev/null || fail "setting the recoupment"
c0=$(balance creator 0 BRL); s0=$(balance studio 0 BRL); d0=$(balance distributor2 0 BRL)
as distributor3 3 revenue report "$work" 80.00 BRL >/dev/null || fail "report with a recoupment"
h=$(vheight 3); for i in 0 1 2; do wait_vheight $i "$h" 60; done
for i in 0 1 2 3; do
  expect_eq "$(( $(balance distributor2 $i BRL) - d0 )) $(( $(balance creator $i BRL) - c0 )) $(( $(balance studio $i BRL) - s0 ))" \
    "5000 1800 1200" "v$i: 80.00 BRL = 50.00 recouped first, then 30.00 split 60/40"
done
expect_eq "$(as auditor 2 --json work show "$work" | jq -c '.recoupment | {amount, recouped}')" '{"amount":"50.00","recouped":"50.00"}' "the recoupment on the ledger"
pass "recoupment: refused without the studio's consent; with it, 50.00 BRL of the next 80.00 went to distributor2 first, the rest through the split (all four validators)"

# ---- revenue_split version 2 (one more STOP at the end of the program): new works only
cp "$ROOT/contracts/revenue_split.bin" "$T/split2.bin"; printf '\0' >>"$T/split2.bin"
as governance 0 contract deploy "$T/split2.bin" --name revenue_split >"$T/split2.out" 2>&1 || fail "deploying revenue_split version 2: $(cat "$T/split2.out")"
head -c 4096 /dev/urandom >"$T/song2.flac"
work2=$(as creator 2 --json work register "$T/song2.flac" --title "Segunda" --kind song | jq -r .work_id)
split2=$(as creator 2 --json work show "$work2" | jq -r .split)
expect_eq "$(as auditor 0 --json contract show "$split2" | jq -r .template.version)" "2" "a new work's split version"
expect_eq "$(as auditor 0 --json contract show "$split" | jq -r .template.version)" "1" "the older work's split version"
c0=$(balance creator 0 BRL)
as distributor 3 revenue report "$work2" 10.00 BRL >/dev/null || fail "report to the new work"
expect_eq "$(( $(balance creator 0 BRL) - c0 ))" "1000" "10.00 BRL through split version 2"
pass "revenue_split version 2: work $work2's split runs it, work $work's keeps version 1; both pay"

converged_and_audited as auditor
