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
