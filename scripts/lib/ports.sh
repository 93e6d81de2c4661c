# The one definition of the ports the scripts and tests use (bash; source it).
#
# Devnet layout: validator I of a devnet with base port BASE serves RPC (HTTP and /ws) on
# BASE + 10*I, the validator transport (P2P) on BASE + 10*I - 1 and its metrics (GET /metrics) on
# BASE + 10*I + 3 (so v0 of the default base has foliod's defaults). scripts/devnet writes these
# into DIR/layout.json; the e2e tests place extra processes (a twin, a joining validator) in the
# next free slot the same way.
FOLIO_DEVNET_BASE_PORT=26657   # scripts/devnet's default base
FOLIO_DEVNET_SLOTS=6           # slots a test devnet reserves: 4 validators, a 5th, one extra process
FOLIO_DEVNET_STRIDE=60         # distance between the bases of two test devnets (10 * slots)

folio_rpc_port() { echo $(($1 + 10 * $2)); }      # folio_rpc_port BASE I
folio_p2p_port() { echo $(($1 + 10 * $2 - 1)); }  # folio_p2p_port BASE I
folio_metrics_port() { echo $(($1 + 10 * $2 + 3)); }  # folio_metrics_port BASE I

# folio_free_port: a port the kernel hands out as free right now (its ephemeral range). For a
# single process that nothing else dials back (one node under test, a benchmark's node, etcd).
folio_free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# folio_devnet_ports_free BASE [SLOTS]: every RPC, P2P and metrics port of slots 0..SLOTS-1 binds now.
folio_devnet_ports_free() {
  python3 - "$1" "${2:-$FOLIO_DEVNET_SLOTS}" <<'PY'
import socket, sys
b, slots = int(sys.argv[1]), int(sys.argv[2])
for i in range(slots):
    for p in (b + 10 * i, b + 10 * i - 1, b + 10 * i + 3):
        s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try: s.bind(("127.0.0.1", p))
        except OSError: sys.exit(1)
        finally: s.close()
PY
}

# folio_devnet_free_base [SEED]: a base for a test devnet whose slots are all free. Bases stay
# below Linux's ephemeral range (32768+), so no outgoing connection on this machine (nor a peer's
# reconnect to a port not listening yet) can be holding one; a base whose ports are not all free
# is skipped. SEED (default: this shell's pid) spreads concurrent tests over different bases.
folio_devnet_free_base() {
  local base=$((20000 + (${1:-$$} % 200) * FOLIO_DEVNET_STRIDE)) _
  for _ in $(seq 200); do
    folio_devnet_ports_free "$base" && { echo "$base"; return 0; }
    base=$((base + FOLIO_DEVNET_STRIDE)); [ "$base" -lt 32000 ] || base=20000
  done
  echo "ports: no free devnet base between 20000 and 32000" >&2
  return 1
}
