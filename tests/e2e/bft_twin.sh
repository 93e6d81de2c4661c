#!/usr/bin/env bash
# A double-signing validator ends up with evidence on the ledger. Four validators run as separate
# processes; a fifth foliod (the "twin") runs with the SAME key as one of them, its own data
# directory, its own ports and so its own safety state: when that key leads a round both processes
# propose, and the twin's votes can conflict too. The honest validators hear both (the transport
# keeps every authenticated connection of a key, docs/transport.md), detect the equivocation,
# gossip the evidence, and a block records it (`ev/`, RPC evidence_list). Checked: every honest
# validator's evidence_list names the twinned key, commits continue, and all validators (the
# twinned pair included) have the same block hash and state root at every height.
source "$(dirname "$0")/bftlib.sh"
devnet up --validators 4 || { cat "$T/devnet.log"; fail "devnet up"; }
for i in 0 1 2 3; do wait_vheight $i 2 90; done
pass "4-process devnet commits"

L="$DN/layout.json"
# Twin the validator with the smallest key: the smaller key dials, so the twin (listing the same
# peers) dials all three others and each of them hears both processes.
J=$(jq -r '.validators | to_entries | min_by(.value.key) | .key' "$L")
KEY=$(jq -r ".validators[$J].key" "$L")
HONEST=(); for i in 0 1 2 3; do [ "$i" = "$J" ] || HONEST+=("$i"); done
peers=()
for i in "${HONEST[@]}"; do
  peers+=(--peer "$(jq -r ".validators[$i].key" "$L")@127.0.0.1:$(jq -r ".validators[$i].p2p" "$L")")
done
TRPC=$(folio_rpc_port "$BASE" 5); TP2P=$(folio_p2p_port "$BASE" 5)
"$BIN/foliod" --home "$T/twin" --genesis "$DN/genesis.json" --validator-key-file "$DN/validators/v$J/validator.key" --key-password-file "$DN/password" \
  --rpc-listen "127.0.0.1:$TRPC" --p2p-listen "127.0.0.1:$TP2P" --metrics-listen "127.0.0.1:$(folio_metrics_port "$BASE" 5)" \
  "${peers[@]}" >>"$T/twin.log" 2>&1 &
PIDS+=($!)
pass "twin of v$J (key ${KEY:0:8}) started with its own data directory"

evidence_names() {  # evidence_names I -> number of evidence records naming KEY on validator I
  curl -s --max-time 3 -H 'content-type: application/json' \
    -d '{"jsonrpc":"2.0","id":1,"method":"evidence_list","params":{}}' "$(vurl "$1")" |
    jq --arg k "$KEY" '[.result.evidence[]? | select(.validator == $k)] | length' 2>/dev/null || echo 0
}
deadline=$((SECONDS + 240))
for i in "${HONEST[@]}"; do
  until [ "$(evidence_names "$i")" -ge 1 ]; do
    if [ $SECONDS -ge $deadline ]; then
      grep -h "equivocation" "$DN"/validators/v*/foliod.log "$T/twin.log" | tail -5 >&2 || true
      fail "no evidence naming ${KEY:0:8} on v$i"
    fi
    sleep 0.5
  done
done
ev_h=$(curl -s -d '{"jsonrpc":"2.0","id":1,"method":"evidence_list","params":{}}' "$(vurl "${HONEST[0]}")" |
       jq -r '[.result.evidence[].height] | min')
pass "evidence naming the twinned key is on the ledger of v${HONEST[0]}, v${HONEST[1]}, v${HONEST[2]} (first at height $ev_h)"

# Commits continue with the twin running.
h=$(vheight "${HONEST[0]}")
for i in "${HONEST[@]}"; do wait_vheight "$i" $((h + 5)) 120; done
pass "commits continued past height $((h + 5)) with the twin running"

# One chain: honest validators, the twinned validator and the twin itself.
n=$(same_chain "${HONEST[@]}" "$J")
pass "identical block hash and state root at every height 1..$n on v0..v3"
turl="http://127.0.0.1:$TRPC"
th=$(curl -s --max-time 3 -d '{"jsonrpc":"2.0","id":1,"method":"chain_info","params":{}}' "$turl" | jq -r '.result.height // 0')
[ "$th" -ge 1 ] || fail "the twin committed nothing"
m=$(( th < n ? th : n ))
head -n "$m" "$T/chain.v${HONEST[0]}" >"$T/chain.ref"
chain_dump "$turl" "$m" >"$T/chain.twin"
cmp -s "$T/chain.ref" "$T/chain.twin" || fail "the twin diverges: $(diff "$T/chain.ref" "$T/chain.twin" | head -3 | tr '\n' ' ')"
pass "the twin's own chain agrees at heights 1..$m"
