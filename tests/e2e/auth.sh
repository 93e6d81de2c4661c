#!/usr/bin/env bash
# Zero-trust RPC: an unauthenticated account_get is refused, the account's own token gets it, a
# token of another (ordinary) account is refused, an auditor's token reads it, and bad logins
# (wrong signature, reused nonce, garbage token) are refused with their documented codes.
source "$(dirname "$0")/lib.sh"
new_key alice creator BR
new_key bob creator US
new_key audit auditor US
make_chain
start_node

q="{\"address\":\"$ADDR_alice\"}"
r=$(rpc account_get "$q")
expect_eq "$(jq -r .error.code <<<"$r")" "-32010" "unauthenticated account_get"
r=$(rpc account_get "$q" "0000000000000000000000000000000000000000000000000000000000000000")
expect_eq "$(jq -r .error.code <<<"$r")" "-32010" "unknown token"
pass "unauthenticated and unknown-token reads refused (-32010)"

alice_tok=$(login alice)
r=$(rpc account_get "$q" "$alice_tok")
expect_eq "$(jq -r .result.address <<<"$r")" "$ADDR_alice" "own account"
expect_eq "$(jq -c .result.roles <<<"$r")" '["creator"]' "own roles"
pass "the account's own token reads it"

bob_tok=$(login bob)
r=$(rpc account_get "$q" "$bob_tok")
expect_eq "$(jq -r .error.code <<<"$r")" "-32011" "another account's token"
audit_tok=$(login audit)
expect_eq "$(rpc account_get "$q" "$audit_tok" | jq -r .result.address)" "$ADDR_alice" "auditor reads"
pass "another account is forbidden (-32011); an auditor may read"

# A login with a signature over the wrong message fails; a nonce works once.
nonce=$(rpc auth_challenge '{}' | jq -r .result.nonce)
bad=$(rpc auth_login "{\"address\":\"$ADDR_alice\",\"nonce\":\"$nonce\",\"signature\":\"$(printf '%0128d' 0)\"}")
expect_eq "$(jq -r .error.code <<<"$bad")" "-32012" "bad signature login"
reuse=$(rpc auth_login "{\"address\":\"$ADDR_alice\",\"nonce\":\"$nonce\",\"signature\":\"$(printf '%0128d' 0)\"}")
expect_eq "$(jq -r .error.code <<<"$reuse")" "-32012" "nonce cannot be retried"
# A VALID login, then the very same request replayed: the nonce is single-use, so the replay is
# refused although its signature is good. (Signed here with the example gateway client's BIP-340
# code, an independent implementation of docs/rpc-protocol.md's auth message.)
chain=$(rpc chain_info '{}' | jq -r .result.chain_id)
nonce=$(rpc auth_challenge '{}' | jq -r .result.nonce)
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
sig=$(cd "$ROOT" && node --input-type=module -e "
  import { signAuth } from './examples/gateway-client/src/folio.js';
  const hex = (h) => Uint8Array.from(h.match(/../g).map((b) => parseInt(b, 16)));
  console.log(signAuth(hex('$SK_alice'), '$chain', '$nonce'));") || fail "signing the login with node"
req="{\"address\":\"$ADDR_alice\",\"nonce\":\"$nonce\",\"signature\":\"$sig\"}"
first=$(rpc auth_login "$req")
[ -n "$(jq -r '.result.token // empty' <<<"$first")" ] || fail "a valid login was refused: $first"
replay=$(rpc auth_login "$req")
expect_eq "$(jq -r .error.code <<<"$replay")" "-32012" "a replayed valid login"
pass "bad logins refused; a valid login works once and its replay is refused (-32012)"
