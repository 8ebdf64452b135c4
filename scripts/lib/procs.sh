# Sourced, not run: stopping every background process a script started, on exit, Ctrl-C or TERM
# (scripts/demo.sh, scripts/numa-guest.sh).
#
#   . scripts/lib/procs.sh
#   procs_trap [HOOK]   turns on job control (set -m: every background process in its own process
#                       group, so that stopping it stops all of it), empties pids and installs the
#                       EXIT, INT (exit 130) and TERM (exit 143) traps
#   pids+=("$!")        registers a started process; its pid is its process group's id
#
# On exit every registered group gets TERM, up to 5 s to go, then KILL; then HOOK runs with the
# exit code as its argument (the script's own clean-up: its work folder, its last words), and the
# script exits with that code.

procs_trap() {
  procs_hook=${1:-}
  set -m
  pids=()
  trap procs_cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
}

# stop_procs: TERM to every group in pids, up to 5 s for them to go, KILL to what is left.
stop_procs() {
  local pid
  for pid in "${pids[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || true; done
  for _ in $(seq 1 50); do
    local alive=0
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ $alive -eq 0 ] && break
    sleep 0.1
  done
  for pid in "${pids[@]}"; do kill -KILL -- "-$pid" 2>/dev/null || true; done
}

procs_cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  stop_procs
  if [ -n "${procs_hook:-}" ]; then "$procs_hook" "$rc"; fi
  exit "$rc"
}
