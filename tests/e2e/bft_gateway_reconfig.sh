#!/usr/bin/env bash
# The example payment-gateway client (examples/gateway-client, docs/gateway-client.md) pays
# through a validator-set change, over TLS, across a node restart:
#  1. A fifth node v4 (a new validator key, listed by the four with --observer so it follows the
#     chain from the start) serves RPC over TLS 1.3 with a certificate of a test CA; the client
#     talks to it only (wss://, --ca) and refuses it without the CA.
#  2. Payout 1 is instructed and paid (verified against the genesis set, confirmed on the ledger).
#  3. v4 is killed (SIGKILL); payout 2 is instructed meanwhile; v4 restarts and the client, which
#     kept reconnecting, resubscribes from its cursor and pays payout 2.
#  4. Governance replaces the set {v0..v3} by {v1, v2, v4} (quorum 3 of 3: every block from then
#     on carries v4's signature, a key the genesis does not know). After the change, payout 3 is
#     instructed: its settlement_proof carries the hand-off, and the client — trusting only the
#     genesis file — follows it, verifies the new set's signatures, pays and confirms.
#  5. The paid ledger holds payouts 1, 2, 3 exactly once, each confirmed (reference ID-fiat) on
#     v1 and v4; nothing refused; the proof of payout 3 passes the client's proof tests (genuine,
#     and refused with each alteration, the hand-off's too).
# A missing prerequisite (node, openssl, node_modules) fails the test.
source "$(dirname "$0")/bftlib.sh"
GC="$ROOT/examples/gateway-client"
command -v openssl >/dev/null || fail "openssl is not installed"
need_node_modules
PROBE=(node "$GC/test/probe.js")

# ---- a test CA and v4's certificate for 127.0.0.1
ossl() { openssl "$@" >>"$T/openssl.log" 2>&1 || { cat "$T/openssl.log"; fail "openssl $1"; }; }
ossl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$T/ca.key" -out "$T/ca.pem" -days 2 \
  -subj "/CN=folio e2e test CA" -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign"
ossl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$T/tls.key" -out "$T/tls.csr" -subj "/CN=127.0.0.1"
printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n' >"$T/tls.ext"
ossl x509 -req -in "$T/tls.csr" -CA "$T/ca.pem" -CAkey "$T/ca.key" -CAcreateserial -out "$T/tls.pem" -days 2 -extfile "$T/tls.ext"

# ---- four validators listing v4 as an observer; v4 with TLS
echo "v4-pw" >"$T/v4.pw"
K4=$("$BIN/foliod" keygen --out "$T/v4.key" --password-file "$T/v4.pw" | jq -r .address)
FOLIO_DEVNET_FOLIOD_ARGS="--observer $K4" devnet up --validators 4 || { cat "$T/devnet.log"; fail "devnet up"; }
for i in 0 1 2 3; do wait_vheight $i 2 90; done
L="$DN/layout.json"; J="$DN/devnet.json"
FOLIO_PASSWORD="$(jq -r .password "$J")"; export FOLIO_PASSWORD
vkey() { jq -r ".validators[$1].key" "$L"; }
peers=(); for i in 0 1 2 3; do peers+=(--peer "$(vkey $i)@127.0.0.1:$(jq -r ".validators[$i].p2p" "$L")"); done
P4=$(folio_rpc_port "$BASE" 5)
start_v4() {
  "$BIN/foliod" --home "$T/v4" --genesis "$DN/genesis.json" --validator-key-file "$T/v4.key" --key-password-file "$T/v4.pw" \
    --rpc-listen "127.0.0.1:$P4" --p2p-listen "127.0.0.1:$(folio_p2p_port "$BASE" 5)" --metrics-listen "" \
    --tls-cert "$T/tls.pem" --tls-key "$T/tls.key" "${peers[@]}" >>"$T/v4.log" 2>&1 &
  V4PID=$!; PIDS+=("$V4PID")
}
start_v4
URL4="https://127.0.0.1:$P4"; WS4="wss://127.0.0.1:$P4/ws"
info() {  # info URL: chain_info (an https URL is checked against the test CA)
  curl -s --max-time 3 --cacert "$T/ca.pem" -H 'content-type: application/json' -d '{"jsonrpc":"2.0","id":1,"method":"chain_info","params":{}}' "$1"
}
h4() { info "$URL4" | jq -r '.result.height // -1' 2>/dev/null || echo -1; }
wait_h4() {  # wait_h4 HEIGHT SECONDS
  local deadline=$((SECONDS + $2))
  until [ "$(h4)" -ge "$1" ]; do
    [ $SECONDS -lt $deadline ] || { tail -20 "$T/v4.log" >&2; fail "v4 did not reach height $1 (at $(h4))"; }
    sleep 0.3
  done
}
wait_h4 "$(vheight 0)" 90
curl -s --max-time 3 -o /dev/null "http://127.0.0.1:$P4/healthz" && fail "v4 answered plain HTTP on its TLS port"
pass "v4 (${K4:0:8}, not a validator yet) follows the chain and serves RPC over TLS only (https with the test CA)"

as() {  # as NAME VALIDATOR folio-args...
  local n="$1" v="$2"; shift 2
  "$BIN/folio" --home "$(jq -r ".accounts.$n.home" "$J")" --key "$n" --node "$(vurl "$v")" "$@"
}
addr() { jq -r ".accounts.$1.address" "$J"; }
GW=$(addr gateway)
jq -r .accounts.gateway.secret_key "$J" >"$T/gateway.key"; chmod 600 "$T/gateway.key"

# The client without the CA refuses the node's certificate.
out=$("${PROBE[@]}" events "$WS4" "$T/gateway.key" 2>&1) && fail "the client accepted v4's certificate without the CA: $out"
expect_contains "$out" "certificate" "connecting without the CA"
pass "without --ca the client refuses v4's certificate ($(grep -o 'self[- ]signed[^"]*\|unable to [^"]*' <<<"$out" | head -1))"

# ---- setup: the creator is paid out through the gateway, in BRL
as creator 1 payout prefs --gateway "$GW" --currency BRL >/dev/null || fail "payout prefs"
as gateway 1 deposit "$(addr creator)" 100.00 BRL --reference "dep-$$" >/dev/null || fail "deposit"
withdraw() {  # withdraw VALIDATOR AMOUNT -> "payout_id height"
  local o; o=$(as creator "$1" --json withdraw "$2" BRL) || fail "withdraw $2: $o"
  jq -r '"\(.payout_id) \(.height)"' <<<"$o"
}

# ---- the client, on v4 over TLS
GWDIR="$T/gw"
node "$GC/src/cli.js" --ws "$WS4" --ca "$T/ca.pem" --genesis "$DN/genesis.json" --key-file "$T/gateway.key" --state-dir "$GWDIR" \
  >>"$T/client.log" 2>&1 &
CLIENT=$!; PIDS+=("$CLIENT")
paid_ids() { jq -r .payout_id "$GWDIR/paid.jsonl" 2>/dev/null | tr '\n' ' '; }
wait_paid_confirmed() {  # wait_paid_confirmed PAYOUT_ID: paid by the client and confirmed on v1 and v4
  local id=$1 deadline=$((SECONDS + 90)) s1 s4
  until jq -e --argjson id "$id" 'select(.payout_id == $id)' "$GWDIR/paid.jsonl" >/dev/null 2>&1; do
    [ $SECONDS -lt $deadline ] || { tail -30 "$T/client.log"; fail "the client did not pay payout $id (paid: $(paid_ids))"; }
    pid_alive "$CLIENT" || { tail -30 "$T/client.log"; fail "the client exited"; }
    [ ! -s "$GWDIR/refused.jsonl" ] || { cat "$GWDIR/refused.jsonl"; fail "the client refused a genuine payout instruction"; }
    sleep 0.5
  done
  while :; do
    s1=$("${PROBE[@]}" payouts "ws://127.0.0.1:$(folio_rpc_port "$BASE" 1)/ws" "$T/gateway.key" "$id" 2>&1 || true)
    s4=$(FOLIO_GATEWAY_CA="$T/ca.pem" "${PROBE[@]}" payouts "$WS4" "$T/gateway.key" "$id" 2>&1 || true)
    [ "$s1" = "$id confirmed $id-fiat" ] && [ "$s4" = "$s1" ] && break
    [ $SECONDS -lt $deadline ] || { tail -30 "$T/client.log"; fail "payout $id not confirmed with reference $id-fiat on v1 and v4: '$s1' / '$s4'"; }
    sleep 0.5
  done
}

read -r P1 H1 <<<"$(withdraw 1 12.34)"
wait_paid_confirmed "$P1"
grep -q "logged in as $GW at $WS4" "$T/client.log" || fail "the client did not log in over wss"
pass "payout $P1 (height $H1, genesis set) verified, paid and confirmed by the client over TLS"

# ---- v4 killed: the client reconnects (with back-off) and resubscribes from its cursor once v4 is back
cursor_before=$(cat "$GWDIR/cursor")
kill -9 "$V4PID"; wait "$V4PID" 2>/dev/null || true
read -r P2 H2 <<<"$(withdraw 2 3.21)"
sleep 3
start_v4
wait_h4 "$H2" 90
wait_paid_confirmed "$P2"
n=$(grep -c "reconnecting in" "$T/client.log" || true)
[ "$n" -ge 1 ] || fail "the client did not log a reconnection"
grep -q "subscribed from seq $cursor_before" "$T/client.log" || fail "the client did not resubscribe from its cursor $cursor_before"
pass "v4 killed and restarted: the client reconnected ($n failed attempts with back-off), resubscribed from seq $cursor_before and paid payout $P2 (instructed while v4 was down)"

# ---- the validator-set change: {v0..v3} -> {v1, v2, v4}
gov() { "$BIN/folio" --home "$DN/accounts/governance" --key governance --password-file "$DN/password" --node "$(vurl "$1")" "${@:2}"; }
A1=$(($(vheight 1) + 15))
out=$(gov 1 gov set-validators --activation-height $A1 "$(vkey 1)" "$(vkey 2)" "$K4" 2>&1) || fail "set-validators refused: $out"
epoch_of() { info "$1" | jq -r '.result.validator_epoch // -1'; }
deadline=$((SECONDS + 120))
for u in "$(vurl 1)" "$(vurl 2)" "$URL4"; do
  until [ "$(epoch_of "$u")" = 1 ]; do
    [ $SECONDS -lt $deadline ] || fail "$u did not reach validator epoch 1 (height $(info "$u" | jq -r .result.height), activation $A1)"
    sleep 0.5
  done
done
FROM1=$(info "$URL4" | jq -r .result.validators_from_height)
expect_eq "$(info "$URL4" | jq -r '.result.validators[].key' | sort | tr '\n' ' ')" \
  "$(printf '%s\n' "$(vkey 1)" "$(vkey 2)" "$K4" | sort | tr '\n' ' ')" "the validator set of epoch 1"
pass "governance replaced {v0..v3} by {v1, v2, v4}: epoch 1 in force from height $FROM1 (activation $A1)"

# ---- payout 3, after the change
read -r P3 H3 <<<"$(withdraw 1 7.89)"
[ "$H3" -ge "$FROM1" ] || fail "payout $P3 was instructed at height $H3, before the change ($FROM1)"
wait_paid_confirmed "$P3"
grep -q "verified (signed by validator epoch 1) and paid payout $P3" "$T/client.log" ||
  { tail -20 "$T/client.log"; fail "the client did not verify payout $P3 against epoch 1's set"; }
pass "payout $P3 (height $H3, epoch 1) verified through the hand-off from the genesis set, paid and confirmed"

# ---- its proof: one hand-off, v4 among the signers; the proof tests on it
FOLIO_GATEWAY_CA="$T/ca.pem" "${PROBE[@]}" proof "$WS4" "$T/gateway.key" "$DN/genesis.json" "$T/proof3.json" "$P3" ||
  fail "fetching payout $P3's proof"
[ "$(jq '.proof.validator_handoffs | length' "$T/proof3.json")" = 1 ] || fail "the proof of payout $P3 does not carry 1 hand-off"
signers=$(jq -r '.proof.commit' "$T/proof3.json" | python3 -c '
import sys
c = bytes.fromhex(sys.stdin.read().strip()); n = c[1]
print(" ".join(c[2 + 96 * i: 34 + 96 * i].hex() for i in range(n)))')
case " $signers " in *" $K4 "*) ;; *) fail "v4 did not sign payout $P3's block: $signers";; esac
[ "$(jq '.proof.validator_handoffs | length' <<<"$(FOLIO_GATEWAY_CA="$T/ca.pem" "${PROBE[@]}" proof "$WS4" "$T/gateway.key" "$DN/genesis.json" /dev/stdout "$P1")")" = 0 ] ||
  fail "the proof of payout $P1 (before the change) carries hand-offs"
[ -n "${FOLIO_SAVE_PROOF:-}" ] && cp "$T/proof3.json" "$FOLIO_SAVE_PROOF"
FOLIO_PROOF_FIXTURE="$T/proof3.json" node --test "$GC/test/verify.test.js" >"$T/unit.log" 2>&1 || { cat "$T/unit.log"; fail "the proof tests on payout $P3's proof"; }
grep -q "^# skipped 0" "$T/unit.log" || { cat "$T/unit.log"; fail "proof tests were skipped"; }
grep -q "rejected: a member of the hand-off's new set changed" "$T/unit.log" || fail "the hand-off cases did not run"
grep -E "^# (tests|pass)" "$T/unit.log" | tr '\n' ' '; echo
pass "payout $P3's proof carries 1 hand-off and v4's signature; it verifies from the genesis file, and each alteration (the hand-off's header, signature, new set, state proof, the hand-off left out, ...) is refused"

# ---- the paid ledger
kill "$CLIENT"; wait "$CLIENT" 2>/dev/null || true
expect_eq "$(paid_ids)" "$P1 $P2 $P3 " "the paid ledger's payouts"
[ ! -s "$GWDIR/refused.jsonl" ] || { cat "$GWDIR/refused.jsonl"; fail "the client refused a payout"; }
pass "the paid ledger holds payouts $P1, $P2, $P3 exactly once; nothing refused"
