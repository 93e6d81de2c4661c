#!/usr/bin/env bash
# An operator's genesis ceremony and configuration (genesis/README.md; docs/operations.md,
# "Genesis" and "Configuration"): foliod genesis builds a document that a node starts from and
# whose hash the node reports; a bad edit is refused by field and changes nothing; the committed
# examples validate (also against the JSON Schema); foliod runs from a TOML file with relative
# paths, FOLIOD_* variables and flags overriding it; a typo in the file or the environment stops
# the start with its name and writes nothing.
source "$(dirname "$0")/lib.sh"
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
G="$T/genesis.json"

# --- the ceremony ---------------------------------------------------------------------------
echo "validator-pw" >"$T/validator.pw"
"$BIN/foliod" keygen --out "$T/validator.key" --password-file "$T/validator.pw" >/dev/null
gov=$("$BIN/foliod" keygen | jq -r .address); studio=$("$BIN/foliod" keygen | jq -r .address)
"$BIN/foliod" genesis new "$G" --chain-id e2e-genesis-1 --time-ms 1764000000000 >/dev/null || fail "genesis new"
"$BIN/foliod" genesis add-validator "$G" --name v0 --key-file "$T/validator.key" >/dev/null || fail "add-validator"
"$BIN/foliod" genesis add-account "$G" --name gov --address "$gov" --role governance --kyc verified --residency BR \
  >/dev/null || fail "add-account gov"
"$BIN/foliod" genesis add-account "$G" --name studio --address "$studio" --role studio --role creator \
  --balance BRL=1000.00 --balance USD=5.25 --platform >/dev/null || fail "add-account studio"
expect_eq "$(jq -r '.accounts[1].balances.BRL, (.accounts[1].roles | join("+")), .platform' "$G" | paste -sd,)" "1000.00,creator+studio,$studio" \
  "the document holds what was added"
v=$("$BIN/foliod" genesis validate "$G") || fail "validate: $v"
expect_eq "$(jq -r '[.valid, .validators, .accounts, .governance_members] | @csv' <<<"$v")" "true,1,2,1" "validate's summary"
hash=$("$BIN/foliod" genesis hash "$G")
[[ "$hash" =~ ^[0-9a-f]{64}$ ]] || fail "genesis hash printed: $hash"
expect_eq "$(jq -r .genesis_hash <<<"$v")" "$hash" "validate and hash agree"
pass "foliod genesis new, add-validator (from the key file), add-account, validate, hash"

# --- refused edits change nothing -----------------------------------------------------------
before=$(sha256sum <"$G")
refused() {  # refused EXPECTED_SUBSTRING CMD...: the command fails, names the problem, leaves $G alone
  local want="$1" out rc=0; shift
  out=$("$@" 2>&1) || rc=$?
  [ "$rc" != 0 ] || fail "accepted: $*"
  expect_contains "$out" "$want" "error of: $*"
  expect_eq "$(sha256sum <"$G")" "$before" "the file after the refused: $*"
}
refused 'genesis: accounts[2].roles[0]: unknown role "creater"' \
  "$BIN/foliod" genesis add-account "$G" --address "$("$BIN/foliod" keygen | jq -r .address)" --role creater
refused 'genesis: accounts[2].address: this account is listed twice' "$BIN/foliod" genesis add-account "$G" --address "$gov"
refused 'genesis: accounts[2].address: "1234" is not an address' "$BIN/foliod" genesis add-account "$G" --address 1234
refused 'genesis: accounts[2].balances.BRL: "1.001" is not an amount of BRL' \
  "$BIN/foliod" genesis add-account "$G" --address "$("$BIN/foliod" keygen | jq -r .address)" --balance BRL=1.001
refused 'genesis: validators[1].key: this validator key is listed twice' \
  "$BIN/foliod" genesis add-validator "$G" --name v1 --key-file "$T/validator.key"
refused 'genesis: chain_id: must be 1 to 64' "$BIN/foliod" genesis set "$G" --chain-id "bad chain"
refused "exists: foliod genesis new never replaces a file" "$BIN/foliod" genesis new "$G" --chain-id other
refused "unrecognised option '--rolle'" "$BIN/foliod" genesis add-account "$G" --address "$gov" --rolle studio
# A complete document is checked whole: threshold 2 with one governance member never passes.
"$BIN/foliod" genesis set "$G" --governance-threshold 2 >/dev/null || fail "a draft may raise the threshold"
out=$("$BIN/foliod" genesis validate "$G" 2>&1) && fail "validate accepted an unreachable threshold"
expect_contains "$out" "genesis: governance_threshold: is 2 but only 1 accounts have the governance role" "validate"
out=$("$BIN/foliod" --home "$T/refused" --genesis "$G" --validator-key-file "$T/validator.key" \
  --key-password-file "$T/validator.pw" --rpc-listen 127.0.0.1:0 --metrics-listen "" 2>&1) && fail "foliod started"
expect_contains "$out" "governance_threshold" "foliod's start on the bad document"
[ ! -e "$T/refused" ] || fail "a refused start wrote its home"
"$BIN/foliod" genesis set "$G" --governance-threshold 1 >/dev/null
expect_eq "$("$BIN/foliod" genesis hash "$G")" "$hash" "the hash after setting the threshold back"
pass "bad edits are refused by field and leave the file as it was; foliod and validate refuse an incomplete document"

# --- the committed examples -----------------------------------------------------------------
"$BIN/foliod" genesis validate "$ROOT/genesis/consortium-example.json" >/dev/null || fail "consortium example"
python3 - "$ROOT/genesis" <<'EOF' || fail "the JSON Schema check"
import json, sys, copy, jsonschema
d = sys.argv[1]
schema = json.load(open(d + "/genesis.schema.json"))
jsonschema.Draft202012Validator.check_schema(schema)
v = jsonschema.Draft202012Validator(schema)
doc = json.load(open(d + "/consortium-example.json"))
v.validate(doc)
for edit in (lambda x: x.update({"chain-id": "x"}), lambda x: x["accounts"][0].update({"kcy": "verified"}),
             lambda x: x["accounts"][0]["roles"].append("creater"), lambda x: x.update({"validators": []})):
    bad = copy.deepcopy(doc); edit(bad)
    if v.is_valid(bad): sys.exit("the schema accepts a malformed document: %s" % json.dumps(bad)[:200])
EOF
pass "genesis/consortium-example.json validates (foliod and the JSON Schema); the schema refuses typos"

# --- configuration --------------------------------------------------------------------------
PORT=$(folio_free_port); PORT2=$(folio_free_port)
mkdir -p "$T/etc"
cp "$G" "$T/etc/genesis.json"; cp "$T/validator.key" "$T/validator.pw" "$T/etc/"
cat >"$T/etc/foliod.toml" <<EOF
# relative paths are relative to this file's folder
home = "../state"
genesis = "genesis.json"
validator-key-file = "validator.key"
key-password-file = "validator.pw"
log-format = "json"
metrics-listen = ""

[rpc]
listen = "127.0.0.1:$PORT"
threads = 1
EOF
# A typo in the file: refused by name (with the right name suggested), nothing written.
sed 's/^threads = 1/thread = 1/' "$T/etc/foliod.toml" >"$T/etc/typo.toml"
out=$("$BIN/foliod" --config "$T/etc/typo.toml" 2>&1) && fail "a config typo was accepted"
expect_contains "$out" 'typo.toml:11: unknown setting \"rpc-thread\" (did you mean \"rpc-threads\"?)' "the typo's error"
# A FOLIOD_ variable that names no option: refused.
out=$(FOLIOD_RPC_LISEN=x "$BIN/foliod" --config "$T/etc/foliod.toml" 2>&1) && fail "an unknown FOLIOD_ variable was accepted"
expect_contains "$out" "FOLIOD_RPC_LISEN names no foliod setting (did you mean FOLIOD_RPC_LISTEN?)" "the variable's error"
[ ! -e "$T/state" ] || fail "a refused start wrote its home"
pass "a typo in the config file or the environment is refused by name; nothing written"

# The file alone (from $FOLIOD_CONFIG), then the environment over it, then a flag over both.
NODE="http://127.0.0.1:$PORT"
(cd / && FOLIOD_CONFIG="$T/etc/foliod.toml" exec "$BIN/foliod" >>"$T/foliod.log" 2>&1) &
NODE_PID=$!; PIDS+=("$NODE_PID")
wait_serving "$T/foliod.log"
expect_eq "$(rpc chain_info '{}' | jq -r .result.genesis_hash)" "$hash" "the node's genesis hash (foliod genesis hash)"
[ -d "$T/state/data" ] || fail "home was not resolved against the config file's folder"
grep -q '"component":"main","msg":"started"' "$T/foliod.log" || fail "log-format = json from the file was not applied"
kill "$NODE_PID"; wait_gone "$NODE_PID" 30 || fail "foliod did not stop"
NODE="http://127.0.0.1:$PORT2"
FOLIOD_RPC_LISTEN="127.0.0.1:$PORT" FOLIOD_LOG_FORMAT=text "$BIN/foliod" --config "$T/etc/foliod.toml" \
  --rpc-listen "127.0.0.1:$PORT2" >>"$T/foliod2.log" 2>&1 &
NODE_PID=$!; PIDS+=("$NODE_PID")
wait_serving "$T/foliod2.log"  # on the flag's port
grep -q ' INFO  main: started' "$T/foliod2.log" || fail "FOLIOD_LOG_FORMAT=text did not override the file"
! curl -s --max-time 2 "http://127.0.0.1:$PORT/healthz" >/dev/null || fail "the environment's port beat the flag's"
pass "foliod runs from the TOML file (relative paths, \$FOLIOD_CONFIG); FOLIOD_* variables and flags override it"
