#!/usr/bin/env bash
# The validator key at rest (docs/operations.md, "The validator key"): foliod unlocks an encrypted
# key file with --key-password-file (or FOLIOD_KEY_PASSWORD_FILE); a wrong password, a tampered
# file or a plain-text key make it exit non-zero with a specific error before it writes anything;
# --insecure-plaintext-key is the explicit way to accept plain text; `foliod key encrypt` migrates.
source "$(dirname "$0")/lib.sh"
make_chain
# refuses PATTERN WHAT foliod-args...: foliod exits non-zero, logs PATTERN, creates no home.
refuses() {
  local pattern="$1" what="$2" rc=0; shift 2
  rm -rf "$T/h"
  "$BIN/foliod" --home "$T/h" --genesis "$T/genesis.json" --rpc-listen "127.0.0.1:$PORT" "$@" >"$T/out.log" 2>&1 || rc=$?
  [ "$rc" != 0 ] || fail "$what: foliod started"
  grep -q -- "$pattern" "$T/out.log" || fail "$what: no '$pattern' in: $(cat "$T/out.log")"
  [ ! -e "$T/h" ] || fail "$what: foliod wrote its home directory"
}
grep -q '"cipher"' "$T/validator.key" || fail "make_chain did not write an encrypted key"
echo wrong >"$T/wrong.pw"
refuses "WRONG_PASSWORD_OR_CORRUPT: cannot unlock the validator key" "wrong password" \
  --validator-key-file "$T/validator.key" --key-password-file "$T/wrong.pw"
refuses "NO_PASSWORD: the validator key file" "no password" --validator-key-file "$T/validator.key"
pass "a wrong or missing password: exit non-zero, a specific error, nothing written"

jq '.cipher.ciphertext |= (.[0:10] + (if .[10:11] == "0" then "1" else "0" end) + .[11:])' "$T/validator.key" >"$T/tampered.key"
refuses "WRONG_PASSWORD_OR_CORRUPT" "tampered ciphertext" --validator-key-file "$T/tampered.key" --key-password-file "$T/validator.pw"
head -c 200 "$T/validator.key" >"$T/truncated.key"
refuses "CORRUPT_FILE" "truncated key file" --validator-key-file "$T/truncated.key" --key-password-file "$T/validator.pw"
pass "a tampered or damaged key file: exit non-zero, a specific error, nothing written"

# A plain-text key: refused, accepted only with --insecure-plaintext-key, migrated by `key encrypt`.
"$BIN/foliod" keygen | jq -r .secret_key >"$T/plain.key"
refuses "PLAINTEXT_KEY: the validator key file" "plain-text key" --validator-key-file "$T/plain.key"
"$BIN/foliod" key encrypt --in "$T/plain.key" --out "$T/migrated.key" --password-file "$T/validator.pw" >"$T/enc.json"
expect_eq "$(jq -r .address "$T/enc.json")" "$("$BIN/foliod" address "$(cat "$T/plain.key")")" "migrated key's address"
grep -q "$(cat "$T/plain.key")" "$T/migrated.key" && fail "the migrated file holds the secret in plain text"
if "$BIN/foliod" key encrypt --in "$T/plain.key" --out "$T/migrated.key" --password-file "$T/validator.pw" 2>"$T/err"; then
  fail "key encrypt replaced an existing file"
fi
grep -q ALREADY_EXISTS "$T/err" || fail "key encrypt over an existing file: $(cat "$T/err")"
pass "a plain-text key is refused (PLAINTEXT_KEY); foliod key encrypt migrates it and never overwrites"

# The right password through the environment variable starts the node; so does plain text with the flag.
FOLIOD_KEY_PASSWORD_FILE="$T/validator.pw" "$BIN/foliod" --home "$T/node" --genesis "$T/genesis.json" \
  --validator-key-file "$T/validator.key" --rpc-listen "127.0.0.1:$PORT" --metrics-listen "127.0.0.1:$METRICS_PORT" \
  >>"$T/foliod.log" 2>&1 &
NODE_PID=$!; PIDS+=("$NODE_PID")
wait_serving "$T/foliod.log"
pass "FOLIOD_KEY_PASSWORD_FILE unlocks the key; the node serves"
kill "$NODE_PID"; wait_gone "$NODE_PID" 30 || fail "foliod did not stop"
# The genesis validator's key is the encrypted one; a plain-text copy of another key, accepted
# only with the explicit flag, reaches the genesis check (the flag lets the file through).
rc=0; "$BIN/foliod" --home "$T/h2" --genesis "$T/genesis.json" --validator-key-file "$T/plain.key" \
  --insecure-plaintext-key --rpc-listen "127.0.0.1:$PORT" >"$T/out.log" 2>&1 || rc=$?
[ "$rc" != 0 ] && grep -q "not in the genesis validator set" "$T/out.log" || fail "--insecure-plaintext-key: $(cat "$T/out.log")"
grep -q "stored unencrypted" "$T/out.log" || fail "no warning for a plain-text key"
pass "--insecure-plaintext-key accepts a plain-text key, with a warning"
