#!/usr/bin/env bash
# `folio events --follow` follows the settlement_subscribe stream over the node's WebSocket: it
# prints every event once, in order, survives a restart of the node (reconnects, logs in again and
# resubscribes from the next event it has not printed) and needs no new login while it stays
# connected.
source "$(dirname "$0")/lib.sh"
new_key gw gateway US
new_key alice creator US
make_chain
start_node
deposit() { as gw deposit "$ADDR_alice" "$1.00" USD --reference "WIRE-$1" >/dev/null; }
for i in 1 2 3; do deposit "$i"; done

as gw events --from-seq 1 --follow >"$T/follow.out" 2>"$T/follow.err" &
FOLLOW=$!
PIDS+=("$FOLLOW")
wait_lines() {  # wait_lines N: until the follower printed N events
  local deadline=$((SECONDS + 60))
  until [ "$(wc -l <"$T/follow.out")" -ge "$1" ]; do
    pid_alive "$FOLLOW" || { cat "$T/follow.err" >&2; fail "events --follow exited"; }
    [ $SECONDS -lt $deadline ] || { cat "$T/follow.err" >&2; fail "events --follow printed $(wc -l <"$T/follow.out") of $1 events"; }
    sleep 0.2
  done
}
wait_lines 3
for i in 4 5; do deposit "$i"; done
wait_lines 5
pass "events --follow replays the past events and streams new ones"

# The node goes away and comes back: the follower reconnects and resumes from its cursor.
kill "$NODE_PID"; wait_gone "$NODE_PID" 30 || fail "foliod did not stop"
sleep 1
start_node
for i in 6 7; do deposit "$i"; done
wait_lines 7
expect_contains "$(cat "$T/follow.err")" "reconnecting from event 6" "the follower says where it resumes"
seqs=$(jq -r .seq "$T/follow.out" | paste -sd, -)
expect_eq "$seqs" "1,2,3,4,5,6,7" "every event once, in order, across the restart"
refs=$(jq -r '.reference // empty' "$T/follow.out" | paste -sd, -)
expect_eq "$refs" "WIRE-1,WIRE-2,WIRE-3,WIRE-4,WIRE-5,WIRE-6,WIRE-7" "the events are the deposits"
pass "events --follow resumes after the node restarts, with no gap and no duplicate"
