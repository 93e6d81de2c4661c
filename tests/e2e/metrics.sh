#!/usr/bin/env bash
# foliod's Prometheus metrics (docs/operations.md, "Metrics"): GET /metrics on the metrics port
# passes `promtool check metrics` without a single complaint, and its values agree with the node:
# committed transactions by kind, height, rejections by kind and reason, RPC calls by method and
# code, block and latency histograms, the process and the store. Every metric name the Grafana
# dashboard (docs/grafana/folio.json) uses exists in the output. promtool missing is a failure,
# never a skip (scripts/install-deps installs Debian's prometheus).
source "$(dirname "$0")/lib.sh"
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
command -v promtool >/dev/null || fail "promtool not found: scripts/install-deps installs it (Debian's prometheus)"

new_key creator creator BR
new_key studio studio US
new_key nobody "" US
make_chain
# No empty blocks while the test runs: the height only moves with the test's transactions.
start_node --empty-block-ms 600000

scrape() { curl -s --max-time 10 "$METRICS"; }
# value NAME_WITH_LABELS: the sample's value in $T/m (the last scrape), or "absent"
value() { awk -v k="$1" '$1 == k { print $2; found = 1 } END { if (!found) print "absent" }' "$T/m"; }
# sum_of NAME: the sum of every sample of NAME (any labels) in $T/m
sum_of() { awk -v n="$1" '{ s = $1; sub(/\{.*/, "", s) } s == n { t += $2 } END { printf "%d\n", t }' "$T/m"; }

# --- the listener: Content-Type, 404, 405; a bad --metrics-listen is refused before anything starts
hdr=$(curl -s -D - -o /dev/null "$METRICS")
expect_contains "$hdr" "Content-Type: text/plain; version=0.0.4; charset=utf-8" "Content-Type of /metrics"
expect_eq "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$METRICS_PORT/")" 404 "GET / on the metrics port"
expect_eq "$(curl -s -o /dev/null -w '%{http_code}' -X POST "$METRICS")" 405 "POST /metrics"
expect_eq "$(curl -s -o /dev/null -w '%{http_code}' "$NODE/metrics")" 404 "/metrics is not on the RPC port"
rc=0
"$BIN/foliod" --home "$T/h2" --genesis "$T/genesis.json" --validator-key-file "$T/validator.key" \
  --key-password-file "$T/validator.pw" --rpc-listen "127.0.0.1:$(folio_free_port)" --metrics-listen nonsense \
  >"$T/bad.log" 2>&1 || rc=$?
[ "$rc" != 0 ] || fail "--metrics-listen nonsense was accepted"
grep -q -- "--metrics-listen must be HOST:PORT" "$T/bad.log" || fail "the error does not name the option: $(cat "$T/bad.log")"
pass "GET /metrics with the 0.0.4 Content-Type; 404 and 405 elsewhere; a bad --metrics-listen is refused"

# --- load: three works registered (committed), two refused at admission, RPC calls of known counts
for i in 1 2 3; do
  head -c 2000 /dev/urandom >"$T/w$i.bin"
  as creator --json work register "$T/w$i.bin" --title "Work $i" >/dev/null || fail "registering work $i"
done
if as studio work register "$T/w1.bin" --title "Copy" 2>"$T/err"; then fail "a duplicate fingerprint was accepted"; fi
expect_contains "$(cat "$T/err")" "duplicate_fingerprint" "duplicate refused"
if as nobody work register "$T/w2.bin" --title "X" 2>"$T/err"; then fail "a registration without the role was accepted"; fi
expect_contains "$(cat "$T/err")" "(missing_permission)" "refused without the role"
for i in 1 2 3; do rpc rpc_discover '{}' | jq -e .result >/dev/null || fail "rpc_discover"; done
rpc no_such_method '{}' | jq -e '.error.code == -32601' >/dev/null || fail "an unknown method was not -32601"
pass "3 works committed, 2 registrations refused, rpc_discover called 3 times, one unknown method"

H=$(height)
# Transactions committed according to the chain itself: the blocks' transaction counts.
committed=0
for ((h = 1; h <= H; h++)); do
  n=$(rpc chain_getBlock "{\"height\":$h}" | jq '.result.transactions | length')
  committed=$((committed + n))
done
expect_eq "$committed" 3 "transactions in the chain's blocks"
scrape >"$T/m"
[ -s "$T/m" ] || fail "empty scrape"

# --- promtool: exit 0 and not one line of complaint
if ! promtool check metrics <"$T/m" >"$T/promtool.out" 2>&1; then
  cat "$T/promtool.out" >&2; fail "promtool check metrics failed"
fi
[ ! -s "$T/promtool.out" ] || { cat "$T/promtool.out" >&2; fail "promtool check metrics complained"; }
pass "promtool check metrics: exit 0, no complaints ($(grep -c '^# TYPE' "$T/m") metrics)"

# --- values agree with the node
expect_eq "$(value folio_height)" "$(height)" "folio_height against chain_info"
expect_eq "$(value folio_height)" "$H" "no block committed while looking"
expect_eq "$(value 'folio_tx_committed_total{kind="register_work"}')" 3 "committed register_work"
expect_eq "$(sum_of folio_tx_committed_total)" "$committed" "committed transactions, all kinds"
expect_eq "$(value 'folio_tx_committed_total{kind="nft_transfer"}')" 0 "every kind is there from the start"
expect_eq "$(value 'folio_tx_admitted_total{kind="register_work"}')" 3 "admitted register_work"
expect_eq "$(value 'folio_tx_rejected_total{kind="register_work",reason="duplicate_fingerprint"}')" 1 \
  "the duplicate in the rejections by reason"
expect_eq "$(value 'folio_tx_rejected_total{kind="register_work",reason="missing_permission"}')" 1 \
  "the refusal without the role in the rejections by reason"
expect_eq "$(sum_of folio_tx_rejected_total)" 2 "rejections in all"
expect_eq "$(value folio_blocks_committed_total)" "$H" "blocks committed since start (a fresh chain)"
expect_eq "$(value folio_block_transactions_count)" "$H" "block size histogram: one observation per block"
expect_eq "$(value folio_block_transactions_sum)" "$committed" "block size histogram: its transactions"
expect_eq "$(value 'folio_block_transactions_bucket{le="+Inf"}')" "$H" "+Inf bucket"
expect_eq "$(value folio_tx_commit_latency_seconds_count)" 3 "one commit latency per transaction admitted here"
awk '$1 == "folio_tx_commit_latency_seconds_sum" { exit !($2 > 0 && $2 < 30) }' "$T/m" || fail "commit latency sum: $(value folio_tx_commit_latency_seconds_sum)"
awk '$1 == "folio_block_size_bytes_sum" { exit !($2 >= 3 * 64 && $2 < 3 * 4096) }' "$T/m" || fail "block bytes: $(value folio_block_size_bytes_sum)"
expect_eq "$(value 'folio_rpc_requests_total{method="rpc_discover",code="0"}')" 3 "rpc_discover calls"
expect_eq "$(value 'folio_rpc_request_duration_seconds_count{method="rpc_discover"}')" 3 "rpc_discover latency observations"
expect_eq "$(value 'folio_rpc_requests_total{method="other",code="-32601"}')" 1 "the unknown method"
[ "$(value 'folio_rpc_requests_total{method="tx_submit",code="-32003"}')" -ge 2 ] || fail "tx_submit rejections: $(value 'folio_rpc_requests_total{method="tx_submit",code="-32003"}')"
[ "$(value 'folio_rpc_requests_total{method="tx_submit",code="0"}')" -ge 3 ] || fail "tx_submit results"
expect_eq "$(value folio_consensus_height)" "$H" "a single validator orders what it stores"
expect_eq "$(value folio_executor_lag_blocks)" 0 "no executor lag on a single validator"
expect_eq "$(value folio_peers)" 0 "no peers on a single validator"
expect_eq "$(value folio_mempool_transactions)" 0 "the mempool is empty after the commits"
expect_eq "$(value 'folio_subscriptions{kind="settlement"}')" 0 "no subscriptions"
expect_eq "$(value "folio_build_info{version=\"$("$BIN/foliod" --version | cut -d' ' -f2)\"}")" 1 "build info"
pid_rss=$(awk '/^VmRSS/ { print $2 * 1024 }' "/proc/$NODE_PID/status")
awk -v r="$pid_rss" '$1 == "folio_process_resident_memory_bytes" { exit !($2 > r / 2 && $2 < r * 2) }' "$T/m" \
  || fail "RSS $(value folio_process_resident_memory_bytes) against /proc's $pid_rss"
fds=$(ls "/proc/$NODE_PID/fd" | wc -l)
awk -v f="$fds" '$1 == "folio_process_open_fds" { exit !($2 > 0 && $2 <= f + 8 && $2 >= f - 8) }' "$T/m" \
  || fail "open fds $(value folio_process_open_fds) against /proc's $fds"
du_b=$(du -sb "$T/node/data" | cut -f1)
awk -v d="$du_b" '$1 == "folio_store_size_bytes" { exit !($2 > 0 && $2 <= d) }' "$T/m" \
  || fail "store size $(value folio_store_size_bytes) against du's $du_b"
[ "$(value 'folio_store_compactions_total{db="chain",kind="flush"}')" != absent ] || fail "no LevelDB counts"
pass "values agree: height, committed/admitted/rejected by kind and reason, blocks, latencies, RPC, process, store"

# --- the dashboard's metric names all exist (histograms by their _bucket/_sum/_count series)
python3 - "$ROOT/docs/grafana/folio.json" "$T/m" <<'PY' || fail "the dashboard uses metrics the node does not export"
import json, re, sys
dash = json.load(open(sys.argv[1]))
exprs = [t["expr"] for p in dash["panels"] for t in p.get("targets", [])]
exprs += [v.get("definition", "") for v in dash.get("templating", {}).get("list", [])]
used = set(re.findall(r"\bfolio_[a-z0-9_]+", " ".join(exprs)))
exported = set()
for line in open(sys.argv[2]):
    if line.startswith("# TYPE "):
        _, _, name, kind = line.split()
        exported.add(name)
        if kind == "histogram":
            exported.update(name + s for s in ("_bucket", "_sum", "_count"))
missing = sorted(used - exported)
if missing:
    print("not exported:", ", ".join(missing))
    sys.exit(1)
print("ok - the dashboard's %d metric names are all exported" % len(used))
PY

# --- metrics off: --metrics-listen "" serves no listener (a second node of the same chain, its own home)
P2=$(folio_free_port)
"$BIN/foliod" --home "$T/node2" --genesis "$T/genesis.json" --validator-key-file "$T/validator.key" \
  --key-password-file "$T/validator.pw" --rpc-listen "127.0.0.1:$P2" --metrics-listen "" >>"$T/foliod2.log" 2>&1 &
PIDS+=($!)
deadline=$((SECONDS + 30))
until curl -s --max-time 2 "http://127.0.0.1:$P2/healthz" 2>/dev/null | grep -q ok; do
  pid_alive "${PIDS[-1]}" || { cat "$T/foliod2.log" >&2; fail "the second foliod exited"; }
  [ $SECONDS -lt $deadline ] || fail "the second foliod did not answer"; sleep 0.1
done
grep -q "serving metrics" "$T/foliod2.log" && fail "metrics served with --metrics-listen \"\""
grep -q "serving metrics address=127.0.0.1:$METRICS_PORT" "$T/foliod.log" || fail "the first node did not log its metrics address"
pass "--metrics-listen \"\" turns the listener off; the address is logged when on"
