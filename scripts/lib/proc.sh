# Process helpers shared by scripts/devnet, scripts/bench and the e2e tests. Source it.
#
# pid_alive PID [NAME]: true when PID is a running process — not a zombie (a killed process whose
# parent is gone can stay a zombie on some machines, and `kill -0` still succeeds on it) — and,
# when NAME is given, its command is NAME (a recycled pid is not our process).
pid_alive() {
  local p="${1:-}" name="${2:-}" stat state comm
  [[ "$p" =~ ^[0-9]+$ ]] || return 1
  stat=$(cat "/proc/$p/stat" 2>/dev/null) || return 1
  # /proc/PID/stat: "PID (COMM) STATE ..." — COMM may hold spaces and parentheses, so split at
  # the last ") ".
  state=${stat##*) }
  state=${state%% *}
  case "$state" in Z | X | x | '') return 1 ;; esac
  if [ -n "$name" ]; then
    comm=${stat#*(}
    comm=${comm%) *}
    [ "$comm" = "$name" ] || return 1
  fi
  return 0
}

# wait_gone PID [TRIES]: waits (0.1 s steps, default 50) until PID no longer runs; false if it still does.
wait_gone() {
  local p="$1" n="${2:-50}"
  for _ in $(seq "$n"); do pid_alive "$p" || return 0; sleep 0.1; done
  ! pid_alive "$p"
}
