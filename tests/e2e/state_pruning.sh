#!/usr/bin/env bash
# Pruning (docs/operations.md, "Pruning"): a single validator with --state-retain-versions 128
# and --ledger-retain-blocks 128 runs past 600 blocks while works are registered; its state and
# ledger floors follow the head, old blocks answer -32002, every work is still there; a certificate of a work whose registration
# block was pruned is refused naming an archive node, one of a work registered since verifies offline,
# and the node restarts on its pruned store and goes on. A retention below the minimum is refused
# before anything is written.
source "$(dirname "$0")/lib.sh"
new_key creator creator BR
make_chain
out=$("$BIN/foliod" --home "$T/refused" --genesis "$T/genesis.json" --validator-key-file "$T/validator.key" \
  --key-password-file "$T/validator.pw" --state-retain-versions 10 2>&1) && fail "a retention of 10 was accepted"
expect_contains "$out" "--state-retain-versions must be 0 (keep all) or at least 128 (got 10)" "the refusal"
[ ! -e "$T/refused" ] || fail "a refused start wrote its home"
out=$("$BIN/foliod" --home "$T/refused" --genesis "$T/genesis.json" --validator-key-file "$T/validator.key" \
  --key-password-file "$T/validator.pw" --ledger-retain-blocks 10 2>&1) && fail "a block retention of 10 was accepted"
expect_contains "$out" "--ledger-retain-blocks must be 0 (keep all) or at least 128 (got 10)" "the refusal"
[ ! -e "$T/refused" ] || fail "a refused start wrote its home"
pass "--state-retain-versions or --ledger-retain-blocks below 128 is refused by name; nothing written"

# Empty blocks every 10 ms: the chain grows fast while works are registered now and then.
start_node --state-retain-versions 128 --ledger-retain-blocks 128 --empty-block-ms 10
metric() { curl -s "http://127.0.0.1:$METRICS_PORT/metrics" | awk -v m="$1" '$1 == m {print $2}'; }
ids=()
for i in 1 2 3 4 5 6; do
  head -c 4000 /dev/urandom >"$T/w$i.bin"
  ids+=("$(as creator --json work register "$T/w$i.bin" --title "Pruned $i" | jq -r .work_id)")
  sleep 1
done
deadline=$((SECONDS + 120))
until [ "$(height)" -ge 600 ]; do [ $SECONDS -lt $deadline ] || fail "height 600 not reached (at $(height))"; sleep 0.5; done
# The floors first, then the height (the chain moves on in between: floor <= height - 128 holds).
floor=$(metric folio_state_floor_height); lfloor=$(metric folio_ledger_floor_height); lfloor=${lfloor%.*}; h=$(height)
[ -n "$floor" ] && [ "${floor%.*}" -ge $((h - 128 - 64 - 128)) ] && [ "${floor%.*}" -le $((h - 128)) ] ||
  fail "state floor ${floor:-missing} at height $h (expected about $((h - 128)))"
pass "at height $h the state floor is $floor: trees older than 128 heights are pruned"
[ -n "$lfloor" ] && [ "$lfloor" -ge $((h - 128 - 64 - 512)) ] && [ "$lfloor" -le $((h - 128)) ] ||
  fail "ledger floor ${lfloor:-missing} at height $h (expected about $((h - 128)))"
e=$(rpc chain_getBlock '{"height":1}')
expect_eq "$(jq -r .error.code <<<"$e")" -32002 "chain_getBlock 1 after pruning"
[ "$(jq -r .error.data.lowest_height <<<"$e")" -ge "$lfloor" ] || fail "lowest_height in $e"
expect_eq "$(rpc chain_getBlock "{\"height\":$h}" | jq -r .result.header.height)" "$h" "the head block"
expect_eq "$(rpc chain_getBlock '{"height":0}' | jq -r .result.header.height)" 0 "the genesis block"
pass "blocks below the ledger floor $lfloor are pruned (-32002 with the lowest height held); genesis and the head are served"

for i in 1 2 3 4 5 6; do
  expect_eq "$(as creator --json work show "${ids[$((i - 1))]}" | jq -r .title)" "Pruned $i" "work ${ids[$((i - 1))]}"
done
out=$(as creator work certificate "${ids[0]}" -o "$T/cert.json" 2>&1) && fail "a certificate of work ${ids[0]}, whose registration block is pruned"
expect_contains "$out" "is not held by this node (pruned" "the certificate of a work registered below the floor"
head -c 4000 /dev/urandom >"$T/w8.bin"
late=$(as creator --json work register "$T/w8.bin" --title "After pruning" | jq -r .work_id)
deadline=$((SECONDS + 60))
until as creator work certificate "$late" -o "$T/cert.json" >/dev/null 2>&1; do
  [ $SECONDS -lt $deadline ] || fail "no certificate for work $late"; sleep 0.5
done
as creator work verify "$T/w8.bin" --certificate "$T/cert.json" --genesis "$T/genesis.json" >/dev/null ||
  fail "the certificate of a work registered after pruning does not verify"
pass "every work is there; a pruned registration block is named (ask an archive node); a work registered since has a certificate that verifies offline"

kill "$NODE_PID"; wait_gone "$NODE_PID" 30 || fail "foliod did not stop"
start_node --state-retain-versions 128 --ledger-retain-blocks 128 --empty-block-ms 10
h2=$(height); wait_height $((h2 + 50))
expect_eq "$(as creator --json work show "${ids[5]}" | jq -r .title)" "Pruned 6" "work after the restart"
head -c 4000 /dev/urandom >"$T/w7.bin"
as creator --json work register "$T/w7.bin" --title "After restart" >/dev/null || fail "register after the restart"
pass "restarted on its pruned store at height $h2: it commits on and registers a new work"
