# Helpers for multi-validator tests: a 4-validator devnet in a temp dir on its own ports.
source "$(dirname "$0")/lib.sh"
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
DN="$T/dn"
# The devnet's base port: below Linux's ephemeral range, every slot free (scripts/lib/ports.sh, sourced
# by lib.sh). Validator I is at slot I; an extra process (a twin, a joining validator) takes slot 5.
BASE=$(folio_devnet_free_base)
export FOLIO_BIN="$BIN"
devnet() { "$ROOT/scripts/devnet" "$@" --dir "$DN" --base-port "$BASE" >>"$T/devnet.log" 2>&1; }
vurl() { echo "http://127.0.0.1:$(folio_rpc_port "$BASE" "$1")"; }
vpid() { cat "$DN/validators/v$1/foliod.pid"; }
vheight() { curl -s --max-time 3 -H 'content-type: application/json' -d '{"jsonrpc":"2.0","id":1,"method":"chain_info","params":{}}' "$(vurl "$1")" | jq -r '.result.height // -1' 2>/dev/null || echo -1; }
# wait_vheight I H [SECONDS]
wait_vheight() {
  local deadline=$((SECONDS + ${3:-60}))
  until [ "$(vheight "$1")" -ge "$2" ]; do
    [ $SECONDS -lt $deadline ] || fail "v$1 did not reach height $2 (at $(vheight "$1"))"
    sleep 0.2
  done
}
vkill() {  # SIGKILL validator I and wait until it is gone
  local p; p=$(vpid "$1"); kill -9 "$p" 2>/dev/null || true
  wait_gone "$p" 100 && return 0
  fail "v$1 (pid $p) survived SIGKILL"
}
# chain_dump URL TOP : "height hash state_root" for heights 1..TOP, fetched in JSON-RPC batches of
# 100 (the node's batch limit; one curl per batch, not one per block); a height without a block
# prints "height - -".
chain_dump() {
  local url=$1 top=$2 from to
  for ((from = 1; from <= top; from += 100)); do
    to=$((from + 99)); [ $to -le "$top" ] || to=$top
    jq -cn --argjson a "$from" --argjson b "$to" \
      '[range($a; $b + 1) | {jsonrpc: "2.0", id: ., method: "chain_getBlock", params: {height: .}}]' |
      curl -s --max-time 30 -H 'content-type: application/json' --data-binary @- "$url" |
      jq -r --argjson a "$from" --argjson b "$to" '
        (if type == "array" then map({key: (.id | tostring), value: .}) | from_entries else {} end) as $by
        | range($a; $b + 1) | tostring as $h
        | "\($h) \($by[$h].result.header.hash // "-") \($by[$h].result.header.state_root // "-")"'
  done
}
# same_chain I J... : identical block hash and state root at every height up to the lowest head;
# prints that height
same_chain() {
  local min=-1 h i
  for i in "$@"; do h=$(vheight "$i"); { [ $min -lt 0 ] || [ "$h" -lt $min ]; } && min=$h; done
  [ "$min" -ge 1 ] || fail "no common height"
  chain_dump "$(vurl "$1")" "$min" >"$T/chain.v$1"
  # A missing answer is never "equal": each validator must show a real hash and state root.
  local bad
  bad=$(grep -cvE '^[0-9]+ [0-9a-f]{64} [0-9a-f]{64}$' "$T/chain.v$1" || true)
  [ "$bad" = 0 ] && [ "$(wc -l <"$T/chain.v$1")" = "$min" ] ||
    fail "v$1 gave no block at some heights 1..$min: $(grep -vE '^[0-9]+ [0-9a-f]{64} [0-9a-f]{64}$' "$T/chain.v$1" | head -3 | tr '\n' ' ')"
  for i in "${@:2}"; do
    chain_dump "$(vurl "$i")" "$min" >"$T/chain.v$i"
    cmp -s "$T/chain.v$1" "$T/chain.v$i" ||
      fail "v$1 and v$i differ (a fork, a divergence or a missing block): first difference $(diff "$T/chain.v$1" "$T/chain.v$i" | head -3 | tr '\n' ' ')"
  done
  echo "$min"
}
# need_node_modules: node and the repository's node_modules (ws, @noble/curves) for the gateway
# client's tools; npm ci when they are missing. A missing prerequisite fails the test (never a skip).
need_node_modules() {
  command -v node >/dev/null || fail "node is not installed (scripts/install-deps installs it)"
  if [ ! -d "$ROOT/node_modules/ws" ] || [ ! -d "$ROOT/node_modules/@noble/curves" ]; then
    (cd "$ROOT" && npm ci --no-audit --no-fund) >"$T/npm.log" 2>&1 || { cat "$T/npm.log"; fail "node_modules missing and npm ci failed"; }
  fi
}
# story_devnet: 4 validators up and committing (environment such as FOLIO_PAYOUT_TTL_MS passes to
# the devnet), J = its devnet.json, FOLIO_PASSWORD exported; then the story tests' helpers:
#   addr NAME                      the devnet account's address
#   as NAME I folio-args...        the CLI as account NAME against validator I
#   balance WHO I CUR              WHO's balance in CUR at validator I ("0.00" when none)
#   refused WHAT TEXT cmd...       cmd must fail with TEXT in its stderr (it names the rule)
story_devnet() {
  devnet up --validators 4 || { cat "$T/devnet.log"; fail "devnet up"; }
  for i in 0 1 2 3; do wait_vheight $i 2; done
  J="$DN/devnet.json"
  export FOLIO_PASSWORD="$(jq -r .password "$J")"
}
addr() { jq -r ".accounts.$1.address" "$J"; }
as() {
  local n="$1" v="$2" last_v="" last_h="" rc=0; shift 2
  # A command at another validator than the one before first waits until that validator holds
  # the block the one before had when it ended (its transaction's block or later): a read or a
  # nonce there then sees what the command before committed.
  [ -f "$T/as.last" ] && read -r last_v last_h <"$T/as.last"
  if [ -n "$last_v" ] && [ "$last_v" != "$v" ]; then wait_vheight "$v" "$last_h" 60; fi
  "$BIN/folio" --home "$(jq -r ".accounts.$n.home" "$J")" --key "$n" --node "$(vurl "$v")" "$@" || rc=$?
  echo "$v $(vheight "$v")" >"$T/as.last"
  return $rc
}
balance() { as "$1" "$2" --json balance | jq -r --arg c "$3" '[.balances[] | select(.currency == $c) | .amount][0] // "0.00"'; }
refused() {
  local what="$1" want="$2"; shift 2
  if "$@" >"$T/r.out" 2>"$T/r.err"; then fail "$what was accepted: $(cat "$T/r.out")"; fi
  grep -q -- "$want" "$T/r.err" || fail "$what: expected '$want' in: $(cat "$T/r.err")"
}
# converged_and_audited AUDIT_CMD...: every validator reaches v0's height with the same chain, and
# `AUDIT_CMD... I --json audit` (the test's CLI wrapper for the auditor at validator I) reports ok.
converged_and_audited() {
  local h i
  h=$(vheight 0)
  for i in 1 2 3; do wait_vheight $i "$h" 60; done
  same_chain 0 1 2 3 >/dev/null
  for i in 0 1 2 3; do
    expect_eq "$("$@" "$i" --json audit | jq -r .ok)" "true" "conservation audit on v$i"
  done
  pass "identical chains up to height $h and the conservation audit passes on all four validators"
}
bft_cleanup() {
  local rc=$? f
  if [ "$rc" -ne 0 ]; then  # a failed test shows the end of every validator's log
    for f in "$DN"/validators/*/foliod.log; do
      [ -f "$f" ] || continue
      echo "--- last lines of $f" >&2; tail -n 25 "$f" >&2
    done
  fi
  devnet down || true
}
trap 'bft_cleanup; cleanup' EXIT
