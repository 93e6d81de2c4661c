#!/usr/bin/env bash
# A 2|2 partition made with Linux network namespaces and nftables (shared/faults-howto.md):
# no commits while split, commits after healing, one chain on all four. Each validator runs in
# its own namespace on a private bridge; all traffic stays inside namespaces this test creates.
# Needs root, iproute2 and nftables; skipped (77) where they are missing.
source "$(dirname "$0")/lib.sh"
if [ "$(id -u)" != 0 ] || ! command -v ip >/dev/null || ! command -v nft >/dev/null; then
  echo "skip: needs root, ip and nft"; exit 77
fi
TAG="f$(( $$ % 10000 ))"
NET="10.213.$(( $$ % 250 + 1 ))"
HUB="${TAG}hub"
ns_cleanup() {
  for i in 1 2 3 4; do ip netns del "${TAG}v$i" 2>/dev/null || true; done
  ip netns del "$HUB" 2>/dev/null || true
}
trap 'cleanup; ns_cleanup' EXIT
ip netns add "$HUB" || { echo "skip: cannot create network namespaces"; exit 77; }
ip -n "$HUB" link add br0 type bridge
ip -n "$HUB" link set br0 up
for i in 1 2 3 4; do
  ip netns add "${TAG}v$i"
  ip link add "${TAG}e$i" type veth peer name "${TAG}h$i"
  ip link set "${TAG}e$i" netns "${TAG}v$i"
  ip link set "${TAG}h$i" netns "$HUB"
  ip -n "$HUB" link set "${TAG}h$i" master br0
  ip -n "$HUB" link set "${TAG}h$i" up
  ip -n "${TAG}v$i" addr add "$NET.$i/24" dev "${TAG}e$i"
  ip -n "${TAG}v$i" link set "${TAG}e$i" up
  ip -n "${TAG}v$i" link set lo up
done

# Keys (encrypted at rest, as foliod requires) and genesis.
echo "partition-pw" >"$T/key.pw"
"$BIN/foliod" genesis new "$T/genesis.json" --chain-id partition-test --time-ms 1764000000000 >/dev/null
for i in 1 2 3 4; do
  k=$("$BIN/foliod" keygen --out "$T/v$i.key" --password-file "$T/key.pw"); echo "$(jq -r .address <<<"$k")" >"$T/v$i.addr"
  "$BIN/foliod" genesis add-validator "$T/genesis.json" --name "v$i" --key-file "$T/v$i.key" >/dev/null
done
for i in 1 2 3 4; do
  peers=()
  for j in 1 2 3 4; do [ $j = $i ] || peers+=(--peer "$(cat "$T/v$j.addr")@$NET.$j:26656"); done
  ip netns exec "${TAG}v$i" "$BIN/foliod" --home "$T/n$i" --genesis "$T/genesis.json" --validator-key-file "$T/v$i.key" --key-password-file "$T/key.pw" \
    --rpc-listen "$NET.$i:26657" --p2p-listen "$NET.$i:26656" --metrics-listen "$NET.$i:26660" "${peers[@]}" \
    --round-timeout-ms 500 >"$T/n$i.log" 2>&1 &
  PIDS+=($!)
done
h_of() { ip netns exec "${TAG}v$1" curl -s --max-time 2 -d '{"jsonrpc":"2.0","id":1,"method":"chain_info","params":{}}' "http://$NET.$1:26657" | jq -r '.result.height // -1' 2>/dev/null || echo -1; }
blk() { ip netns exec "${TAG}v$1" curl -s --max-time 2 -d "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"chain_getBlock\",\"params\":{\"height\":$2}}" "http://$NET.$1:26657" | jq -r '"\(.result.header.hash) \(.result.header.state_root)"'; }
wait_h() { local d=$((SECONDS + ${3:-60})); until [ "$(h_of "$1")" -ge "$2" ]; do [ $SECONDS -lt $d ] || fail "v$1 did not reach $2"; sleep 0.3; done; }
for i in 1 2 3 4; do wait_h $i 3; done
pass "4 validators in separate namespaces commit"

# Split {1,2} | {3,4}: drop both directions between the halves on every node.
split() {
  local i j side
  for i in 1 2 3 4; do
    ip netns exec "${TAG}v$i" nft add table inet part
    ip netns exec "${TAG}v$i" nft add chain inet part in '{ type filter hook input priority 0; }'
    ip netns exec "${TAG}v$i" nft add chain inet part out '{ type filter hook output priority 0; }'
    for j in 1 2 3 4; do
      if { [ $i -le 2 ] && [ $j -ge 3 ]; } || { [ $i -ge 3 ] && [ $j -le 2 ]; }; then
        ip netns exec "${TAG}v$i" nft add rule inet part in ip saddr "$NET.$j" drop
        ip netns exec "${TAG}v$i" nft add rule inet part out ip daddr "$NET.$j" drop
      fi
    done
  done
}
heal() { for i in 1 2 3 4; do ip netns exec "${TAG}v$i" nft delete table inet part 2>/dev/null || true; done; }
split
sleep 4
before=$(h_of 1); before3=$(h_of 3)
sleep 8
expect_eq "$(h_of 1)" "$before" "no commits on side {1,2} while split"
expect_eq "$(h_of 3)" "$before3" "no commits on side {3,4} while split"
pass "partition 2|2: no commits for 8 s (heights $before / $before3)"
heal
for i in 1 2 3 4; do wait_h $i $((before + 3)) 90; done
pass "healed: commits resumed on all four"
min=$(for i in 1 2 3 4; do h_of $i; done | sort -n | head -1)
for ((h = 1; h <= min; h++)); do
  ref=$(blk 1 $h)
  for i in 2 3 4; do [ "$(blk $i $h)" = "$ref" ] || fail "divergence at height $h (v1 vs v$i)"; done
done
pass "identical block hash and state root at every height 1..$min"
