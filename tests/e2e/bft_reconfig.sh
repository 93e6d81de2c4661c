#!/usr/bin/env bash
# Validator-set changes by governance proposal, at a future height, on 4 validator processes.
#  1. A fifth validator (v4) starts from an empty directory, not in the genesis set: the others
#     refuse its connections. Governance schedules {v0..v4} at a future height; once the change is
#     scheduled the others accept v4, it syncs from genesis as an observer, and the change takes
#     effect (epoch 1) at or after the activation height on every node.
#  2. v4 signs: with v0 killed, commits continue only if v4 votes (4 of the 5 members needed).
#  3. Governance removes v0 (epoch 2, {v1..v4}); then v1 is killed too and 3 of 4 members still
#     commit. Restarted, the retired v0 follows the chain as an observer across both epochs.
#  4. Identical block hash and state root at every height on every node.
#  4b. Certificates prove the registration: a work registered in epoch 0 and certified in epoch 2
#     verifies offline (its registration block by the genesis set, the current state by epoch 2's);
#     an edited readable field, another genesis (same chain id and validators, other time), or a
#     flipped byte of the registration transaction fails, naming why.
#  5. Key rotation without leaving the set: v3's operator starts a node with a new key (v5), and
#     governance swaps the key in place (folio gov rotate-validator); from epoch 3 the new key
#     signs (the old process is stopped and 3 of 4 still commit only with v5's votes).
source "$(dirname "$0")/bftlib.sh"
devnet up --validators 4 || { cat "$T/devnet.log"; fail "devnet up"; }
for i in 0 1 2 3; do wait_vheight $i 2 90; done
pass "4-process devnet commits"

L="$DN/layout.json"
vkey() { jq -r ".validators[$1].key" "$L"; }
info() { curl -s --max-time 3 -H 'content-type: application/json' -d '{"jsonrpc":"2.0","id":1,"method":"chain_info","params":{}}' "$1"; }

# --- the joining validator: empty directory, own ports, dials the four
key=$("$BIN/foliod" keygen --out "$T/v4.key" --password-file "$DN/password")
K4=$(jq -r .address <<<"$key")
peers=(); for i in 0 1 2 3; do peers+=(--peer "$(vkey $i)@127.0.0.1:$(jq -r ".validators[$i].p2p" "$L")"); done
RPC4=$(folio_rpc_port "$BASE" 5); P2P4=$(folio_p2p_port "$BASE" 5); URL4="http://127.0.0.1:$RPC4"
"$BIN/foliod" --home "$T/v4" --genesis "$DN/genesis.json" --validator-key-file "$T/v4.key" --key-password-file "$DN/password" \
  --rpc-listen "127.0.0.1:$RPC4" --p2p-listen "127.0.0.1:$P2P4" --metrics-listen "127.0.0.1:$(folio_metrics_port "$BASE" 5)" \
  "${peers[@]}" >>"$T/v4.log" 2>&1 &
PIDS+=($!)
until info "$URL4" | jq -e '.result.height >= 0' >/dev/null 2>&1; do sleep 0.2; done
sleep 4
h4=$(info "$URL4" | jq -r .result.height)
[ "$h4" -eq 0 ] || fail "v4 synced to $h4 before any change was scheduled: the others accepted a key outside the set"
pass "v4 (${K4:0:8}, not in the set) gets no blocks"

gov() { "$BIN/folio" --home "$DN/accounts/governance" --key governance --password-file "$DN/password" --node "$(vurl "$1")" "${@:2}"; }
creator() { "$BIN/folio" --home "$DN/accounts/creator" --key creator --password-file "$DN/password" --node "$(vurl 2)" "$@"; }

# A work registered in epoch 0 (its certificate is checked after two validator-set changes).
head -c 65536 /dev/urandom >"$T/early.bin"
early=$(creator --json work register "$T/early.bin" --title "Before the change")
wid0=$(jq -r .work_id <<<"$early"); tx0=$(jq -r .tx <<<"$early")
[[ "$wid0" =~ ^[0-9]+$ ]] || fail "register_work in epoch 0: $early"

# Bad input is refused and changes nothing.
out=$(gov 1 gov set-validators --activation-height 5 "$(vkey 0)" "$(vkey 0)" 2>&1) && fail "duplicate members accepted: $out"
expect_contains "$out" "invalid_field" "duplicate validator"
h=$(vheight 1)
out=$(gov 1 --json gov set-validators --activation-height $((h + 2)) "$(vkey 0)" "$(vkey 1)" "$(vkey 2)" "$(vkey 3)" "$K4" 2>&1) || true
expect_contains "$out" "activation_too_soon" "activation 2 blocks ahead"
[ "$(info "$(vurl 1)" | jq -r .result.pending_validators)" = "null" ] || fail "a refused change was scheduled"
pass "a duplicate member and a too-close activation height are refused; nothing scheduled"

# --- epoch 1: {v0..v4}
h=$(vheight 1); A1=$((h + 20))
out=$(gov 1 gov set-validators --activation-height $A1 "$(vkey 0)" "$(vkey 1)" "$(vkey 2)" "$(vkey 3)" "$K4" 2>&1) ||
  fail "set-validators (add v4) refused: $out"
pending=$(info "$(vurl 1)" | jq -c .result.pending_validators)
[ "$(jq -r .epoch <<<"$pending")" = 1 ] && [ "$(jq -r '.members | length' <<<"$pending")" = 5 ] ||
  fail "chain_info does not show the scheduled change: $pending"
pass "governance scheduled epoch 1 (5 members) for height $A1"

# Governance lists its proposals (proposal_list): the change just made is executed, nothing is open;
# an auditor may look, a creator may not, and a status that is not one is refused.
as_acct() { "$BIN/folio" --home "$DN/accounts/$1" --key "$1" --password-file "$DN/password" --node "$(vurl 1)" "${@:2}"; }
done_props=$(gov 1 --json gov proposals --status executed) || fail "gov proposals: $done_props"
expect_eq "$(jq -r --arg a "$A1" '[.proposals[] | select(.action.kind == "set_validators" and (.action.activation_height | tostring) == $a)] | length' <<<"$done_props")" 1 \
  "the executed set_validators proposal"
expect_eq "$(gov 1 --json gov proposals --status open | jq '.proposals | length')" 0 "open proposals"
expect_eq "$(as_acct auditor --json gov proposals | jq '.proposals | length')" "$(gov 1 --json gov proposals | jq '.proposals | length')" "an auditor's list"
out=$(as_acct creator gov proposals 2>&1) && fail "a creator listed the proposals: $out"
expect_contains "$out" "only governance members and auditors" "a creator's refusal"
out=$(gov 1 gov proposals --status pending 2>&1) && fail "an unknown status was accepted: $out"
expect_contains "$out" "--status" "an unknown status"
pass "proposal_list: the executed change listed, none open; auditors may list, creators may not"

wait_epoch() {  # wait_epoch URL EPOCH SECONDS
  local deadline=$((SECONDS + $3))
  until [ "$(info "$1" | jq -r '.result.validator_epoch // -1')" = "$2" ]; do
    [ $SECONDS -lt $deadline ] || fail "$1 did not reach validator epoch $2 (height $(info "$1" | jq -r .result.height))"
    sleep 0.5
  done
}
for i in 0 1 2 3; do wait_epoch "$(vurl $i)" 1 180; done
wait_epoch "$URL4" 1 180
from1=$(info "$(vurl 0)" | jq -r .result.validators_from_height)
[ "$from1" -ge "$A1" ] || fail "epoch 1 in force from $from1, before the activation height $A1"
n=$(info "$(vurl 0)" | jq -r '.result.validators | length')
[ "$n" = 5 ] || fail "epoch 1 has $n validators"
[ "$(info "$(vurl 0)" | jq -r .result.pending_validators)" = "null" ] || fail "the change is still pending after it was made"
pass "epoch 1 in force from height $from1 (activation $A1) on v0..v4; v4 synced from an empty directory"

# --- v4 signs: kill v0; 4 of 5 must vote
vkill 0
h=$(vheight 1)
for i in 1 2 3; do wait_vheight $i $((h + 5)) 120; done
until [ "$(info "$URL4" | jq -r .result.height)" -ge $((h + 5)) ]; do sleep 0.2; done
pass "with v0 killed, v1..v4 commit past height $((h + 5)) (quorum 4 of 5 needs v4's votes)"

# --- epoch 2: remove v0
h=$(vheight 1); A2=$((h + 20))
out=$(gov 1 gov set-validators --activation-height $A2 "$(vkey 1)" "$(vkey 2)" "$(vkey 3)" "$K4" 2>&1) ||
  fail "set-validators (remove v0) refused: $out"
for i in 1 2 3; do wait_epoch "$(vurl $i)" 2 180; done
wait_epoch "$URL4" 2 180
from2=$(info "$(vurl 1)" | jq -r .result.validators_from_height)
[ "$from2" -ge "$A2" ] || fail "epoch 2 in force from $from2, before $A2"
pass "epoch 2 (v1..v4) in force from height $from2 (activation $A2)"

# A work registered in epoch 2 has a certificate that verifies offline from the genesis set
# through both hand-offs (and not with a hand-off changed).
head -c 65536 /dev/urandom >"$T/song.bin"
wid=$(creator --json work register "$T/song.bin" --title "After the change" | jq -r .work_id)
[ -n "$wid" ] && [ "$wid" != null ] || fail "register_work in epoch 2"
deadline=$((SECONDS + 60))
until creator work certificate "$wid" -o "$T/song.cert.json" >/dev/null 2>&1; do
  [ $SECONDS -lt $deadline ] || fail "no certificate for work $wid"
  sleep 0.5
done
[ "$(jq '.validator_handoffs | length' "$T/song.cert.json")" = 2 ] || fail "expected 2 hand-offs in the certificate"
"$BIN/folio" work verify "$T/song.bin" --certificate "$T/song.cert.json" --genesis "$DN/genesis.json" >/dev/null ||
  fail "the certificate does not verify through the hand-offs"
jq '.validator_handoffs[0] |= (.[0:200] + (if .[200:201] == "0" then "1" else "0" end) + .[201:])' \
  "$T/song.cert.json" >"$T/song.tampered.json"
out=$("$BIN/folio" work verify "$T/song.bin" --certificate "$T/song.tampered.json" --genesis "$DN/genesis.json" 2>&1) &&
  fail "verified with a tampered hand-off"
expect_contains "$out" "validator hand-off 1" "verification with a tampered hand-off"
pass "work $wid's certificate verifies offline from the genesis set through 2 hand-offs; a changed hand-off byte fails"

# The epoch-0 work: its registration proven under a block the genesis set signed.
creator work certificate "$wid0" -o "$T/early.cert.json" >/dev/null || fail "certificate of work $wid0"
ver=$("$BIN/folio" --json work verify "$T/early.bin" --certificate "$T/early.cert.json" --genesis "$DN/genesis.json") ||
  fail "work $wid0's certificate does not verify"
expect_eq "$(jq -r .registration_tx <<<"$ver")" "$tx0" "the registration transaction the verifier names"
expect_eq "$(jq -r .registrant <<<"$ver")" "$(jq -r .accounts.creator.address "$DN/devnet.json")" "the registrant"
rh=$(jq -r .registration.height "$T/early.cert.json"); ch=$(jq -r .height "$T/early.cert.json")
[ "$rh" -lt "$A1" ] && [ "$ch" -ge "$A2" ] || fail "registration at $rh (epoch 0, before $A1) certified at $ch (epoch 2, from $A2) expected"
unverified() {  # unverified WHAT EXPECTED CERT [GENESIS]
  local out
  out=$("$BIN/folio" work verify "$T/early.bin" --certificate "$3" --genesis "${4:-$DN/genesis.json}" 2>&1) && fail "$1 verified"
  expect_contains "$out" "$2" "$1"
}
jq '.work.title = "Before the change (remastered)"' "$T/early.cert.json" >"$T/e1.json"
unverified "an edited title" "a readable field was changed: work.title" "$T/e1.json"
jq --arg a "$(jq -r .accounts.studio.address "$DN/devnet.json")" '.registration.registrant = $a' "$T/early.cert.json" >"$T/e2.json"
unverified "an edited registrant" "registration.registrant reads" "$T/e2.json"
jq '.registration.tx |= (.[0:100] + (if .[100:101] == "0" then "1" else "0" end) + .[101:])' "$T/early.cert.json" >"$T/e3.json"
unverified "a flipped byte of the registration transaction" "registration: " "$T/e3.json"
jq '.genesis_time_ms += 1' "$DN/genesis.json" >"$T/other-genesis.json"
unverified "another genesis with the same chain id and validators" "the genesis document's hash is" "$T/early.cert.json" "$T/other-genesis.json"
pass "work $wid0 (registered at height $rh in epoch 0, certified at $ch in epoch 2) verifies with its registration transaction and receipt; an edited title or registrant, a flipped transaction byte, or another genesis fails"

# 3 of 4 members commit: kill v1 as well.
vkill 1
h=$(vheight 2)
for i in 2 3; do wait_vheight $i $((h + 5)) 120; done
pass "with v0 and v1 down, v2, v3, v4 commit past height $((h + 5)) (quorum 3 of 4)"

# Restart v0 and v1 (devnet up starts the stopped ones): the retired v0 follows across both
# epochs as an observer; v1 rejoins as a member.
devnet up || fail "restart v0 and v1"
target=$(vheight 2)
for i in 0 1; do wait_vheight $i "$target" 180; done
[ "$(info "$(vurl 0)" | jq -r .result.validator_epoch)" = 2 ] || fail "restarted v0 is not in epoch 2"
pass "restarted, the retired v0 and the member v1 caught up to height $target in epoch 2"

# One chain everywhere.
n=$(same_chain 2 3 0 1)
m=$(info "$URL4" | jq -r .result.height)
top=$((m < n ? m : n))
head -n "$top" "$T/chain.v2" >"$T/chain.ref"
chain_dump "$URL4" "$top" >"$T/chain.v4"
cmp -s "$T/chain.ref" "$T/chain.v4" || fail "v4 diverges: $(diff "$T/chain.ref" "$T/chain.v4" | head -3 | tr '\n' ' ')"
pass "identical block hash and state root at every height 1..$n on v0..v4"

# --- epoch 3: v3 rotates its key in place (docs/operations.md, "Rotating a validator key")
key=$("$BIN/foliod" keygen --out "$T/v5.key" --password-file "$DN/password")
K5=$(jq -r .address <<<"$key")
out=$(gov 2 gov rotate-validator "$K5" "$("$BIN/foliod" keygen | jq -r .address)" --activation-height $(($(vheight 2) + 20)) 2>&1) &&
  fail "a rotation of a key outside the set was accepted: $out"
expect_contains "$out" "is not in the current validator set" "rotating a non-member"
out=$(gov 2 gov rotate-validator "$(vkey 3)" "$K4" --activation-height $(($(vheight 2) + 20)) 2>&1) &&
  fail "a rotation to a member's key was accepted: $out"
expect_contains "$out" "is already a validator" "rotating onto a member"
[ "$(info "$(vurl 2)" | jq -r .result.pending_validators)" = "null" ] || fail "a refused rotation was scheduled"
pass "rotating a key that is not a member, or onto a member's key, is refused; nothing scheduled"

peers=(); for i in 1 2 3; do peers+=(--peer "$(vkey $i)@127.0.0.1:$(jq -r ".validators[$i].p2p" "$L")"); done
peers+=(--peer "$K4@127.0.0.1:$P2P4")
RPC5=$(folio_rpc_port "$BASE" 6); P2P5=$(folio_p2p_port "$BASE" 6); URL5="http://127.0.0.1:$RPC5"
"$BIN/foliod" --home "$T/v5" --genesis "$DN/genesis.json" --validator-key-file "$T/v5.key" --key-password-file "$DN/password" \
  --rpc-listen "127.0.0.1:$RPC5" --p2p-listen "127.0.0.1:$P2P5" --metrics-listen "127.0.0.1:$(folio_metrics_port "$BASE" 6)" \
  "${peers[@]}" >>"$T/v5.log" 2>&1 &
PIDS+=($!)
h=$(vheight 2); A3=$((h + 20))
out=$(gov 2 --json gov rotate-validator "$(vkey 3)" "$K5" --activation-height $A3 2>&1) || fail "rotate-validator refused: $out"
pending=$(info "$(vurl 2)" | jq -c .result.pending_validators)
expect_eq "$(jq -r '.members | join(",")' <<<"$pending")" "$(vkey 1),$(vkey 2),$K5,$K4" "the scheduled set (v3's key replaced in place)"
for u in "$(vurl 1)" "$(vurl 2)" "$URL5"; do wait_epoch "$u" 3 240; done
pass "epoch 3: v3's key rotated to ${K5:0:8} in place (activation $A3); the new node synced from genesis"

vkill 3; vkill 1
h=$(vheight 2)
wait_vheight 2 $((h + 5)) 120
deadline=$((SECONDS + 120))
until [ "$(info "$URL5" | jq -r '.result.height // 0')" -ge $((h + 5)) ]; do
  [ $SECONDS -lt $deadline ] || fail "the rotated key's node did not reach height $((h + 5))"; sleep 0.2
done
pass "old v3 process and v1 stopped: v2, v4 and the rotated key commit past height $((h + 5)) (3 of 4 need its votes)"
