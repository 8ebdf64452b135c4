#!/usr/bin/env bash
# Measured run: the guest agent's own cost with 500 real BE processes (copies of sleep named
# gvmbench-be) at a 1 s report interval, streaming to a real coordinator, for BENCH_SECONDS
# (default 60). CPU from /proc/<agent>/stat (utime+stime) over the window, RSS from status.
# Targets: under 1% of one core, RSS under 60 MB. Also prints the CPU the agent used to start
# (up to the end of the warm-up) and the load average around the window: the machine is shared.
#   BENCH_TASKS=500 BENCH_SECONDS=60 scripts/bench.d/agent.sh
#   BENCH_AGENT=path/to/other/giantvm-agent BENCH_AGENT_ARGS='--numa-maps false' BENCH_AGENT_ENV='DOTNET_gcServer=0' ...
set -euo pipefail
cd "$(dirname "$0")/../.."

tasks="${BENCH_TASKS:-500}"
seconds="${BENCH_SECONDS:-60}"
warmup="${BENCH_WARMUP:-10}"
work=$(mktemp -d /tmp/giantvm-bench-agent.XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  [ -n "${be_pids:-}" ] && kill $be_pids 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

dotnet build node-agent/GiantVm.NodeAgent -c Release -nologo -v q >/dev/null
dotnet build coordinator/GiantVm.Coordinator -c Release -nologo -v q >/dev/null
agent="${BENCH_AGENT:-node-agent/GiantVm.NodeAgent/bin/Release/net10.0/giantvm-agent}"
coordinator=coordinator/GiantVm.Coordinator/bin/Release/net10.0/giantvm-coordinator

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
port=$(free_port); mport=$(free_port); aport=$(free_port)

cp /bin/sleep "$work/gvmbench-be"
be_pids=""
for _ in $(seq "$tasks"); do
  "$work/gvmbench-be" 3600 &
  be_pids="$be_pids $!"
done

"$coordinator" --policy none --urls "http://127.0.0.1:$port" --metrics-url "http://127.0.0.1:$mport" \
  --data-dir "$work/coordinator" --log-level Warning >"$work/coordinator.log" 2>&1 &
pids+=($!)
env ${BENCH_AGENT_ENV:-} "$agent" run --role guest --coordinator "http://127.0.0.1:$port" --be-comm '^gvmbench-be$' --interval 1s \
  --metrics-port "$aport" --log-level Warning ${BENCH_AGENT_ARGS:-} >"$work/agent.log" 2>&1 &
apid=$!
pids+=($apid)

sleep "$warmup"
hz=$(getconf CLK_TCK)
ticks() { awk '{ s=$0; sub(/.*\) /, "", s); split(s, f, " "); print f[12] + f[13] }' "/proc/$apid/stat"; }
reported() { curl -s "http://127.0.0.1:$aport/metrics" | awk '/^giantvm_agent_samples_total\{outcome="reported"\}/ { print $2 }'; }
sent() { curl -s "http://127.0.0.1:$aport/metrics" | awk '/^giantvm_agent_messages_sent_total\{kind="report"\}/ { print $2 }'; }
sampling() { curl -s "http://127.0.0.1:$aport/metrics" | awk '/^giantvm_agent_sample_cpu_seconds_total / { print $2 }'; }
# the metrics scrapes stay outside the window: read before its start and after its end (the first
# scrape of a process JITs the whole metrics path, tens of ms, which is no per-sample cost)
r0=$(reported); s0=$(sent); c0=$(sampling); t0=$(ticks); start=$(date +%s.%N); load0=$(cut -d' ' -f1 /proc/loadavg)
sleep "$seconds"
t1=$(ticks); end=$(date +%s.%N); r1=$(reported); s1=$(sent); c1=$(sampling); load1=$(cut -d' ' -f1 /proc/loadavg)
rss_kb=$(awk '/^VmRSS:/ { print $2 }' "/proc/$apid/status")
hwm_kb=$(awk '/^VmHWM:/ { print $2 }' "/proc/$apid/status")

python3 - "$t0" "$t1" "$hz" "$start" "$end" "${r0:-0}" "${r1:-0}" "${s0:-0}" "${s1:-0}" "$rss_kb" "$hwm_kb" "$tasks" "$warmup" "$load0" "$load1" "${c0:-}" "${c1:-}" <<'PY'
import sys
t0, t1, hz, start, end, r0, r1, s0, s1, rss, hwm, tasks, warmup, load0, load1, c0, c1 = sys.argv[1:]
cpu_s = (float(t1) - float(t0)) / float(hz)
wall = float(end) - float(start)
samples = float(r1) - float(r0)
sent = float(s1) - float(s0)
pct = 100 * cpu_s / wall
rss_mb = int(rss) / 1024
hwm_mb = int(hwm) / 1024
print(f"agent with {tasks} BE tasks, 1 s interval, {wall:.0f} s window:")
print(f"  load average {load0} at the start, {load1} at the end of the window")
print(f"  start-up CPU (first {warmup} s) {float(t0) / float(hz):.2f} s")
print(f"  samples reported {samples:.0f}, reports sent {sent:.0f}")
print(f"  CPU {cpu_s:.2f} s = {pct:.2f}% of one core; {1000 * cpu_s / max(samples, 1):.1f} ms per sample")
if c0 and c1:
    sampling_ms = 1000 * (float(c1) - float(c0)) / max(samples, 1)
    print(f"    of which the sampling thread (taking samples, computing reports) {sampling_ms:.1f} ms, the rest {1000 * cpu_s / max(samples, 1) - sampling_ms:.1f} ms")
print(f"  RSS {rss_mb:.1f} MB (peak {hwm_mb:.1f} MB)")
print(f"  target CPU < 1% of a core: {'PASS' if pct < 1 else 'FAIL'}; target RSS < 60 MB: {'PASS' if rss_mb < 60 else 'FAIL'}")
PY
grep -E "ERR|FTL" "$work/agent.log" | head -5 || true
