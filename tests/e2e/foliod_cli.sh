#!/usr/bin/env bash
# foliod's command line (docs/operations.md, "Running"): --version and -h/--help answer and exit 0;
# a mistyped option is refused by name, exit non-zero, nothing written; /healthz answers.
source "$(dirname "$0")/lib.sh"
out=$("$BIN/foliod" --version) || fail "foliod --version exited non-zero"
[[ "$out" =~ ^foliod\ [0-9]+\.[0-9]+\.[0-9]+$ ]] || fail "foliod --version printed: $out"
for h in -h --help; do
  out=$("$BIN/foliod" "$h") || fail "foliod $h exited non-zero"
  grep -q -- "--state-values-cache-mb" <<<"$out" || fail "foliod $h does not list the options: $out"
done
pass "--version and -h/--help answer and exit 0"
make_chain
rc=0
"$BIN/foliod" --home "$T/h" --genesis "$T/genesis.json" --rpc-listen "127.0.0.1:$PORT" --state-cache-mbb 8 >"$T/out.log" 2>&1 || rc=$?
[ "$rc" != 0 ] || fail "a mistyped option was accepted"
grep -q -- "state-cache-mbb" "$T/out.log" || fail "the error does not name the option: $(cat "$T/out.log")"
[ ! -e "$T/h" ] || fail "a refused start wrote its home directory"
pass "a mistyped option is refused by name; nothing written"
start_node
[ "$(curl -s "$NODE/healthz")" = ok ] || fail "GET /healthz did not answer ok"
[ "$(curl -s -o /dev/null -w '%{http_code}' -X POST "$NODE/healthz")" = 405 ] || fail "POST /healthz was not 405"
pass "GET /healthz answers ok"
# Genesis is old, so the node is ready from its first own block on (an empty block within 1 s).
for _ in $(seq 50); do r=$(curl -s -w ' %{http_code}' "$NODE/readyz"); [[ "$r" == *' 200' ]] && break; sleep 0.2; done
[[ "$r" == *'"ready":true'*' 200' ]] || fail "GET /readyz on a running single validator: $r"
expect_eq "$(jq -r .peers_needed <<<"${r% *}")" 0 "a single validator needs no peers"
pass "GET /readyz: 200 ready on a committing single validator"

# A head older than the readiness limit: 503 naming why (the node is alive all the same).
kill "$NODE_PID"; wait_gone "$NODE_PID" 30 || fail "foliod did not stop"
start_node --ready-max-block-age-ms 1 --empty-block-ms 5000
sleep 1.2
r=$(curl -s -w ' %{http_code}' "$NODE/readyz")
[[ "$r" == *'head_too_old'*' 503' ]] || fail "GET /readyz with a 1 ms block-age limit: $r"
[ "$(curl -s "$NODE/healthz")" = ok ] || fail "/healthz must stay ok while not ready"
pass "GET /readyz: 503 head_too_old when the newest block is older than --ready-max-block-age-ms"
