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
vblock() {  # vblock I HEIGHT -> "hash state_root"
  curl -s --max-time 3 -H 'content-type: application/json' \
    -d "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"chain_getBlock\",\"params\":{\"height\":$2}}" "$(vurl "$1")" |
    jq -r '"\(.result.header.hash) \(.result.header.state_root)"'
}
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
# same_chain I J... : identical block hash and state root at every height up to the lowest head
same_chain() {
  local min=-1 h i ref
  for i in "$@"; do h=$(vheight "$i"); { [ $min -lt 0 ] || [ "$h" -lt $min ]; } && min=$h; done
  [ "$min" -ge 1 ] || fail "no common height"
  local re='^[0-9a-f]{64} [0-9a-f]{64}$' got
  for ((h = 1; h <= min; h++)); do
    ref=$(vblock "$1" $h)
    # A missing answer is never "equal": each validator must show a real hash and state root.
    [[ "$ref" =~ $re ]] || fail "v$1 gave no block at height $h (got '$ref')"
    for i in "${@:2}"; do
      got=$(vblock "$i" $h)
      [[ "$got" =~ $re ]] || fail "v$i gave no block at height $h (got '$got')"
      [ "$got" = "$ref" ] || fail "fork or divergence at height $h between v$1 and v$i"
    done
  done
  echo "$min"
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
