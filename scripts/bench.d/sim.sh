#!/usr/bin/env bash
# Measured run: giantvm-sim on a synthetic 800-machine, 2-day trace. Prints task_usage rows/s
# end to end and peak memory beside the time `zcat` alone takes to decompress the same files.
# Targets: >= 1,000,000 rows/s on 2 cores, within 2x of zcat, memory bounded by live tasks
# (peak RSS on 1 day vs 2 days of the same cluster stays about the same).
#   scripts/bench.d/sim.sh [POLICIES]     default: none,all-be,balanced,least-tasks,random
set -euo pipefail
cd "$(dirname "$0")/../.."

policies="${1:-none,all-be,balanced,least-tasks,random}"
work="${GIANTVM_BENCH_DIR:-/tmp/giantvm-bench-sim}"
mkdir -p "$work"
dotnet build coordinator/GiantVm.Simulator -c Release -nologo -v q >/dev/null
sim="dotnet coordinator/GiantVm.Simulator/bin/Release/net10.0/giantvm-sim.dll"

for days in 1 2; do
  trace="$work/trace-800x${days}d"
  if [ ! -f "$trace/.complete" ]; then
    rm -rf "$trace"
    $sim synth --machines 800 --days "$days" --out "$trace" --seed 1 >/dev/null
    touch "$trace/.complete"
  fi
done

measure() { # label, command...: prints "wall user sys maxrss_kb"
  local label="$1"; shift
  /usr/bin/time -f "%e %U %S %M" -o "$work/time.$label" "$@" >/dev/null 2>"$work/err.$label" || {
    cat "$work/err.$label" >&2; exit 1; }
  cat "$work/time.$label"
}

trace="$work/trace-800x2d"
bytes=$(du -cb "$trace"/task_usage/*.gz | tail -1 | cut -f1)
read -r zwall zuser zsys zrss < <(measure zcat bash -c "zcat $trace/task_usage/*.gz > /dev/null")
read -r nwall nuser nsys nrss < <(measure none $sim run --trace "$trace" --out "$work/out-none" --policies none --no-plots --quiet)
read -r swall suser ssys srss < <(measure all $sim run --trace "$trace" --out "$work/out-all" --policies "$policies" --no-plots --quiet)
read -r owall ouser osys orss < <(measure day1 $sim run --trace "$work/trace-800x1d" --out "$work/out-day1" --policies "$policies" --no-plots --quiet)
rows=$(sed -n 's/.*"rowsRead": *\([0-9]*\).*/\1/p' "$work/out-all/summary.json")
rows1=$(sed -n 's/.*"rowsRead": *\([0-9]*\).*/\1/p' "$work/out-day1/summary.json")

awk -v rows="$rows" -v rows1="$rows1" -v bytes="$bytes" -v load="$(cut -d' ' -f1-3 /proc/loadavg)" \
    -v zw="$zwall" -v zu="$zuser" -v zs="$zsys" \
    -v nw="$nwall" -v nu="$nuser" -v ns="$nsys" -v nr="$nrss" \
    -v sw="$swall" -v su="$suser" -v ss="$ssys" -v sr="$srss" \
    -v ow="$owall" -v orss="$orss" -v pol="$policies" 'BEGIN {
  printf "sim: synthetic trace 800 machines x 2 days: %d task_usage rows, %.1f MB gzip (load average %s)\n", rows, bytes / 1e6, load
  printf "sim: zcat alone                 %6.2f s wall  %6.2f s cpu\n", zw, zu + zs
  printf "sim: run --policies none        %6.2f s wall  %6.2f s cpu  %10.0f rows/s  %5.2fx zcat  peak %4.0f MiB\n", nw, nu + ns, rows / nw, nw / zw, nr / 1024
  printf "sim: run --policies %s\n", pol
  printf "sim:                            %6.2f s wall  %6.2f s cpu  %10.0f rows/s  %5.2fx zcat  peak %4.0f MiB\n", sw, su + ss, rows / sw, sw / zw, sr / 1024
  printf "sim: same policies on 1 day     %6.2f s wall  (%d rows)  peak %4.0f MiB  (2 days / 1 day peak: %.2f)\n", ow, rows1, orss / 1024, sr / orss
  printf "sim: the machine is shared: cpu figures (rows per cpu-second, cpu ratio to zcat) are the load-independent view:\n"
  printf "sim:   none: %10.0f rows/cpu-s  %5.2fx zcat cpu;  all policies: %10.0f rows/cpu-s  %5.2fx zcat cpu\n", rows / (nu + ns), (nu + ns) / (zu + zs), rows / (su + ss), (su + ss) / (zu + zs)
  printf "sim: target >= 1,000,000 rows/s (all policies): %s\n", (rows / sw >= 1000000 ? "met" : "NOT met")
  printf "sim: target within 2x of zcat (all policies):   %s\n", (sw / zw <= 2 ? "met" : "NOT met")
  printf "sim: target memory bounded (2-day peak <= 1.25x 1-day peak): %s\n", (sr / orss <= 1.25 ? "met" : "NOT met")
}'
