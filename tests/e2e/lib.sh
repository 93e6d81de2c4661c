# Shared helpers for the end-to-end tests: a throwaway single-validator chain in a temp dir,
# driven through the real binaries. Every test cleans up after itself (trap).
set -euo pipefail
BIN="${FOLIO_BIN:?FOLIO_BIN must point at build/bin}"
export FOLIO_KEYSTORE_KDF=interactive
T="$(mktemp -d /tmp/folio-e2e.XXXXXX)"
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do
    wait_gone "$p" 30 || true
    kill -9 "$p" 2>/dev/null || true
    wait "$p" 2>/dev/null || true
  done
  if [ "${KEEP:-0}" = 1 ]; then echo "kept $T" >&2; else rm -rf "$T"; fi
}
trap cleanup EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }
pass() { echo "ok - $*"; }
# expect_eq ACTUAL EXPECTED WHAT
expect_eq() { [ "$1" = "$2" ] || fail "$3: expected '$2', got '$1'"; }
expect_contains() { case "$1" in *"$2"*) ;; *) fail "$3: '$1' does not contain '$2'";; esac; }

# Ports: one definition for the scripts and tests (scripts/lib/ports.sh).
source "$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/scripts/lib/ports.sh"
source "$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/scripts/lib/proc.sh"

rpc() {  # rpc METHOD PARAMS_JSON [TOKEN] -> the whole response
  local auth=()
  [ -n "${3:-}" ] && auth=(-H "Authorization: Bearer $3")
  curl -s --max-time 10 -H 'content-type: application/json' "${auth[@]}" \
    -d "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"$1\",\"params\":$2}" "$NODE"
}

# new_key NAME ROLES RESIDENCY: a keystore home T/NAME with key NAME; sets ADDR_<NAME>, SK_<NAME>
ACCOUNTS_JSON="[]"
new_key() {
  local name="$1" roles="$2" res="${3:-US}" key addr sk
  key=$("$BIN/foliod" keygen); addr=$(jq -r .address <<<"$key"); sk=$(jq -r .secret_key <<<"$key")
  echo "pw-$name" >"$T/pw-$name"
  "$BIN/folio" --home "$T/$name" --password-file "$T/pw-$name" keys import "$name" --secret-hex "$sk" >/dev/null
  printf -v "ADDR_$name" '%s' "$addr"; printf -v "SK_$name" '%s' "$sk"
  ACCOUNTS_JSON=$(jq -c --arg n "$name" --arg a "$addr" --arg r "$roles" --arg res "$res" \
    '. + [{name:$n, address:$a, roles:($r | split(",") | map(select(length>0))), kyc:"verified", residency:$res}]' <<<"$ACCOUNTS_JSON")
}

# as NAME folio-args...: runs the CLI as NAME against the node
as() { local n="$1"; shift; "$BIN/folio" --home "$T/$n" --key "$n" --password-file "$T/pw-$n" --node "$NODE" "$@"; }

# make_chain [THRESHOLD]: writes T/genesis.json with a validator and ACCOUNTS_JSON
make_chain() {
  local key
  echo "validator-pw-$$" >"$T/validator.pw"
  key=$("$BIN/foliod" keygen --out "$T/validator.key" --password-file "$T/validator.pw")
  CHAIN_ID="e2e-$$"
  # The genesis document, built as an operator would (foliod genesis, genesis/README.md).
  rm -f "$T/genesis.json"
  "$BIN/foliod" genesis new "$T/genesis.json" --chain-id "$CHAIN_ID" --time-ms 1764000000000 \
    --governance-threshold "${1:-1}" >/dev/null || fail "foliod genesis new"
  "$BIN/foliod" genesis add-validator "$T/genesis.json" --name v0 --key-file "$T/validator.key" >/dev/null \
    || fail "foliod genesis add-validator"
  "$BIN/foliod" genesis add-account "$T/genesis.json" --from-json <(printf '%s' "$ACCOUNTS_JSON") >/dev/null \
    || fail "foliod genesis add-account"
  PORT=$(folio_free_port); NODE="http://127.0.0.1:$PORT"
  # Its own metrics port too (foliod's default, 26660, is one per machine): docs/operations.md, "Metrics".
  METRICS_PORT=$(folio_free_port); METRICS="http://127.0.0.1:$METRICS_PORT/metrics"
}

start_node() {  # extra foliod args...
  "$BIN/foliod" --home "$T/node" --genesis "$T/genesis.json" --validator-key-file "$T/validator.key" \
    --key-password-file "$T/validator.pw" --rpc-listen "127.0.0.1:$PORT" --metrics-listen "127.0.0.1:$METRICS_PORT" \
    "$@" >>"$T/foliod.log" 2>&1 &
  NODE_PID=$!
  PIDS+=("$NODE_PID")
  wait_serving "$T/foliod.log"
}

# wait_serving LOG: waits (30 s) until the foliod NODE_PID answers chain_info at NODE; fails
# showing LOG if it exits first.
wait_serving() {
  local deadline=$((SECONDS + 30))
  until rpc chain_info '{}' 2>/dev/null | jq -e '.result.height >= 0' >/dev/null 2>&1; do
    pid_alive "$NODE_PID" || { cat "$1" >&2; fail "foliod exited"; }
    [ $SECONDS -lt $deadline ] || fail "foliod did not answer at $NODE within 30 s"
    sleep 0.1
  done
}

height() { rpc chain_info '{}' | jq -r .result.height; }
state_root() { rpc chain_info '{}' | jq -r .result.state_root; }
wait_height() {  # wait until height >= $1
  local deadline=$((SECONDS + 30))
  until [ "$(height)" -ge "$1" ]; do [ $SECONDS -lt $deadline ] || fail "height $1 not reached"; sleep 0.1; done
}

# login NAME -> prints a bearer token (auth_challenge + a signature by the CLI's key)
login() { as "$1" --json auth login | jq -r .token; }
