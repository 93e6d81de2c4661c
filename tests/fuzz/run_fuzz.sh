#!/usr/bin/env bash
# One libFuzzer target for SECONDS on top of its checked-in corpus (ctest fuzz_run_<name>, label
# fuzz; docs/testing.md). The corpus is only read: new inputs go to WORK_DIR/new, a crashing input
# to WORK_DIR/crashes/ (the test then fails and prints the fuzzer's report).
#   run_fuzz.sh BINARY CORPUS_DIR WORK_DIR SECONDS
set -euo pipefail
bin=$1 corpus=$2 work=$3 secs=$4
if [ ! -x "$bin" ]; then
  echo "FAIL: $bin is missing. The libFuzzer binaries are built by scripts/build into <build>/fuzz with" \
       "clang (installed by scripts/install-deps)." >&2
  exit 1
fi
[ -d "$corpus" ] || { echo "FAIL: no corpus at $corpus" >&2; exit 1; }
mkdir -p "$work/new" "$work/crashes"
log="$work/log"
status=0
"$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
  -artifact_prefix="$work/crashes/" "$work/new" "$corpus" >"$log" 2>&1 || status=$?
if [ "$status" -ne 0 ]; then
  tail -n 200 "$log" >&2
  echo "FAIL: $(basename "$bin") exited with $status; the input is in $work/crashes/" >&2
  exit 1
fi
# The run must really have fuzzed: a binary that does nothing would otherwise pass.
runs=$(sed -n 's/^stat::number_of_executed_units: *\([0-9]*\).*/\1/p' "$log" | tail -1)
corpus_files=$(find "$corpus" -type f | wc -l)
if [ -z "$runs" ] || [ "$runs" -le "$corpus_files" ]; then
  tail -n 50 "$log" >&2
  echo "FAIL: $(basename "$bin") executed ${runs:-no} inputs (corpus: $corpus_files files)" >&2
  exit 1
fi
grep -E '^(INFO: Seed|#[0-9]+ +DONE|stat::)' "$log" || true
echo "ok - $(basename "$bin"): $runs inputs in ${secs}s, corpus $corpus_files files, $(find "$work/new" -type f | wc -l) new inputs kept in $work/new"
