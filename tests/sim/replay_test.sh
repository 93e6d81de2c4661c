#!/usr/bin/env bash
# S20 (docs/reliability.md): the simulator's runs are exact functions of their seed, and a
# failure it reports can be replayed from the command it prints.
#   replay_test.sh CONSENSUS_SIM CONSENSUS_SIM_BROKEN REPO_ROOT
# CONSENSUS_SIM_BROKEN is the simulator over a core built with FOLIO_CONSENSUS_BREAK_COMMIT_RULE
# (a deliberately broken safety rule, tests/sim/CMakeLists.txt).
set -euo pipefail
sim=$1 broken=$2 root=$3
fail() { echo "FAIL: $*" >&2; exit 1; }
pass() { echo "ok - $*"; }
[ -x "$sim" ] && [ -x "$broken" ] || fail "simulator binaries missing: $sim $broken"

# 1. The same seeds in two processes give identical traces; different seeds give different ones
#    (a constant hash would prove nothing).
same_twice() {  # ARGS...: runs twice with --hashes, compares, checks the hashes are distinct
  local a b
  a=$("$sim" "$@" --hashes --quiet) || fail "sim $* failed: $a"
  b=$("$sim" "$@" --hashes --quiet) || fail "sim $* failed on the second run"
  [ "$a" = "$b" ] || fail "sim $*: the traces differ between two runs: $(diff <(echo "$a") <(echo "$b") | head -5)"
  local seeds distinct
  seeds=$(grep -c '^seed .* trace [0-9a-f]\{16\}$' <<<"$a")
  distinct=$(grep '^seed' <<<"$a" | awk '{print $4}' | sort -u | wc -l)
  [ "$seeds" -ge 10 ] || fail "sim $*: expected at least 10 trace hashes, got $seeds"
  [ "$distinct" = "$seeds" ] || fail "sim $*: $seeds seeds but only $distinct distinct traces"
}
same_twice --n 4 --twins 1 --crash 10 --seed 1 --seeds 30
same_twice --n 7 --twins 1 --reconfig --seed 1 --seeds 10
same_twice --twins-rounds 3 --seed 1000 --seeds 20 --stride 37
pass "a seed run twice (two processes) gives the identical trace hash; seeds differ from each other"

# 2. The broken safety rule is caught, and the printed replay command reproduces the identical
#    failure (the same summary line: failure, heights, messages, trace hash).
replays() {  # WHAT ARGS...: the broken build must fail; replay its first failure
  local what=$1; shift
  local out first cmd again
  if out=$("$broken" "$@" --quiet); then fail "$what: the broken safety rule was not detected"; fi
  first=$(grep -m1 '^FAIL seed' <<<"$out") || fail "$what: no failing seed printed: $out"
  cmd=$(grep -m1 '^  replay: ' <<<"$out" | sed 's/^  replay: //')
  [ -n "$cmd" ] || fail "$what: no replay command printed"
  case "$cmd" in "$broken "*) ;; *) fail "$what: the replay command does not run the same binary: $cmd";; esac
  # shellcheck disable=SC2086  # the printed command is a plain argument list
  if again=$($cmd 2>/dev/null); then fail "$what: the replay passed: $cmd"; fi
  grep -qxF "$first" <<<"$again" || fail "$what: the replay differs: '$first' vs '$(grep -m1 '^FAIL' <<<"$again")'"
  # A second replay gives the same line again.
  [ "$(grep -m1 '^FAIL' <<<"$($cmd 2>/dev/null || true)")" = "$first" ] || fail "$what: the second replay differs"
  echo "  $what: $first"
  echo "    replayed: $cmd"
}
replays "random seeds" --n 4 --twins 1 --seed 1 --seeds 50
replays "twins scenarios" --twins-rounds 2 --seed 0 --seeds all
# The correct core passes the same seeds (the failure is the broken rule's, not the harness's).
"$sim" --n 4 --twins 1 --seed 1 --seeds 50 --quiet >/dev/null || fail "the correct core fails the same seeds"
"$sim" --twins-rounds 2 --seed 0 --seeds 200 --quiet >/dev/null || fail "the correct core fails the twins scenarios"
pass "a broken safety rule is caught and its printed seed replays the identical failure"

# 3. scripts/sim fails when one of its parallel workers fails (it once ignored their exit codes).
out=$(SIM="$broken" JOBS=2 "$root/scripts/sim" --seeds 10 2>&1) && fail "scripts/sim passed with a broken core: $out"
grep -q '^FAILED: --n 4 --twins 1 .*--seeds 5' <<<"$out" || fail "scripts/sim did not name the failed worker: $(tail -20 <<<"$out")"
out=$(SIM="$sim" JOBS=2 "$root/scripts/sim" --seeds 10 2>&1) || fail "scripts/sim fails with the correct core: $(tail -20 <<<"$out")"
pass "scripts/sim fails when a parallel worker fails, and passes otherwise"
