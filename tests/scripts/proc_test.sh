#!/usr/bin/env bash
# scripts/lib/proc.sh: a zombie (killed, never reaped: `kill -0` still succeeds on it) is not a
# running process, and a recycled pid of another program is not ours. This is why `devnet up`
# right after a kill -9 starts the validator again instead of reporting it "already running".
set -euo pipefail
source "$(dirname "$0")/../../scripts/lib/proc.sh"
fail() { echo "FAIL: $*" >&2; exit 1; }

# A child that exits while its parent never waits for it stays a zombie.
out=$(mktemp)
python3 -c '
import os, sys, time
pid = os.fork()
if pid == 0:
    os._exit(0)
print(pid, flush=True)
time.sleep(5)' >"$out" &
parent=$!
for _ in $(seq 50); do [ -s "$out" ] && break; sleep 0.1; done
z=$(cat "$out")
for _ in $(seq 50); do grep -q '^State:.*Z' "/proc/$z/status" 2>/dev/null && break; sleep 0.1; done
grep -q '^State:.*Z' "/proc/$z/status" || fail "no zombie to test with"
kill -0 "$z" 2>/dev/null || fail "kill -0 refuses the zombie (the premise of this test)"
pid_alive "$z" && fail "pid_alive took a zombie for a running process"
wait_gone "$z" 1 || fail "wait_gone waited for a zombie"

pid_alive "$parent" || fail "a running process is not alive"
pid_alive "$parent" python3 || fail "python3 is not python3"
pid_alive "$parent" foliod && fail "a process of another program counted as foliod"
pid_alive "" && fail "an empty pid counted"
pid_alive 0x12 && fail "a malformed pid counted"
kill "$parent"; wait "$parent" 2>/dev/null || true
wait_gone "$parent" 20 || fail "wait_gone: the process did not end"
rm -f "$out"
echo "proc helpers: 9 checks passed"
