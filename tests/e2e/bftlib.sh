# Helpers for multi-validator tests: a 4-validator devnet in a temp dir on its own ports.
source "$(dirname "$0")/lib.sh"
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
DN="$T/dn"
# Ports stay below Linux's ephemeral range (32768+), so no outgoing connection on this machine (nor
# a peer's reconnect to a port not listening yet) can be holding one; a base whose ports are not
# all free is skipped.
ports_free() {  # ports_free BASE: the 5 validators' RPC (BASE+10i) and P2P (BASE+10i-1) ports bind
  python3 - "$1" <<'PY'
import socket, sys
b = int(sys.argv[1])
for i in range(5):
    for p in (b + 10 * i, b + 10 * i - 1):
        s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try: s.bind(("127.0.0.1", p))
        except OSError: sys.exit(1)
        finally: s.close()
PY
}
BASE=$((20000 + ($$ % 200) * 60))
for _ in $(seq 200); do
  ports_free "$BASE" && break
  BASE=$((BASE + 60)); [ "$BASE" -lt 32000 ] || BASE=20000
done
export FOLIO_BIN="$BIN"
devnet() { "$ROOT/scripts/devnet" "$@" --dir "$DN" --base-port "$BASE" >>"$T/devnet.log" 2>&1; }
vurl() { echo "http://127.0.0.1:$((BASE + 10 * $1))"; }
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
  for _ in $(seq 100); do kill -0 "$p" 2>/dev/null || return 0; sleep 0.05; done
  fail "v$1 (pid $p) survived SIGKILL"
}
# same_chain I J... : identical block hash and state root at every height up to the lowest head
same_chain() {
  local min=-1 h i ref
  for i in "$@"; do h=$(vheight "$i"); { [ $min -lt 0 ] || [ "$h" -lt $min ]; } && min=$h; done
  [ "$min" -ge 1 ] || fail "no common height"
  for ((h = 1; h <= min; h++)); do
    ref=$(vblock "$1" $h)
    for i in "${@:2}"; do
      [ "$(vblock "$i" $h)" = "$ref" ] || fail "fork or divergence at height $h between v$1 and v$i"
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
