#!/usr/bin/env bash
# Measured run: giantvm-sim on a synthetic 800-machine, 2-day trace. Prints task_usage rows/s
# end to end and peak memory beside the time `zcat` alone takes to decompress the same files.
# Targets: >= 1,000,000 rows/s on 2 cores, within 2x of zcat, memory bounded by live tasks
# (peak RSS on 1 day vs 2 days of the same cluster stays about the same).
#   scripts/bench.d/sim.sh [POLICIES]     default: none,all-be,balanced,least-tasks,random
# The machine may be shared: every command runs GIANTVM_BENCH_ROUNDS times (default 3), zcat
# and the simulator interleaved, and the fastest run of each counts (the one least disturbed);
# the load average is printed before and after. GIANTVM_SIM_BASELINE=PATH/giantvm-sim.dll (another
# build, e.g. of main) adds its runs to every round, for a before/after under the same load.
set -euo pipefail
cd "$(dirname "$0")/../.."

policies="${1:-none,all-be,balanced,least-tasks,random}"
one="${GIANTVM_BENCH_ONE_POLICY:-balanced}"
rounds="${GIANTVM_BENCH_ROUNDS:-3}"
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

load_before="$(cut -d' ' -f1-3 /proc/loadavg)"

measure() { # label, command...: appends "wall cpu maxrss_kb" to $work/times.label
  local label="$1"; shift
  /usr/bin/time -f "%e %U %S %M" -o "$work/time.$label" "$@" >/dev/null 2>"$work/err.$label" || {
    cat "$work/err.$label" >&2; exit 1; }
  awk '{ printf "%s %.2f %s\n", $1, $2 + $3, $4 }' "$work/time.$label" >> "$work/times.$label"
}

best() { # label: the fastest run's "wall cpu maxrss_kb"
  sort -n "$work/times.$1" | head -1
}

trace="$work/trace-800x2d"
bytes=$(du -cb "$trace"/task_usage/*.gz | tail -1 | cut -f1)
rm -f "$work"/times.*
for ((r = 0; r < rounds; r++)); do
  measure zcat bash -c "zcat $trace/task_usage/*.gz > /dev/null"
  measure none $sim run --trace "$trace" --out "$work/out-none" --policies none --no-plots --quiet
  measure one $sim run --trace "$trace" --out "$work/out-one" --policies "$one" --no-plots --quiet
  measure all $sim run --trace "$trace" --out "$work/out-all" --policies "$policies" --no-plots --quiet
  if [ -n "${GIANTVM_SIM_BASELINE:-}" ]; then
    measure base-none dotnet "$GIANTVM_SIM_BASELINE" run --trace "$trace" --out "$work/base-none" --policies none --no-plots --quiet
    measure base-one dotnet "$GIANTVM_SIM_BASELINE" run --trace "$trace" --out "$work/base-one" --policies "$one" --no-plots --quiet
    measure base-all dotnet "$GIANTVM_SIM_BASELINE" run --trace "$trace" --out "$work/base-all" --policies "$policies" --no-plots --quiet
  fi
done
measure day1 $sim run --trace "$work/trace-800x1d" --out "$work/out-day1" --policies "$policies" --no-plots --quiet
rows=$(sed -n 's/.*"rowsRead": *\([0-9]*\).*/\1/p' "$work/out-all/summary.json")
rows1=$(sed -n 's/.*"rowsRead": *\([0-9]*\).*/\1/p' "$work/out-day1/summary.json")

read -r zw zc _ < <(best zcat)
read -r nw nc nr < <(best none)
read -r pw pc pr < <(best one)
read -r sw sc sr < <(best all)
read -r ow _ orss < <(best day1)

awk -v rows="$rows" -v rows1="$rows1" -v bytes="$bytes" -v rounds="$rounds" \
    -v lb="$load_before" -v la="$(cut -d' ' -f1-3 /proc/loadavg)" \
    -v zw="$zw" -v zc="$zc" -v nw="$nw" -v nc="$nc" -v nr="$nr" -v pw="$pw" -v pc="$pc" -v pr="$pr" \
    -v sw="$sw" -v sc="$sc" -v sr="$sr" -v ow="$ow" -v orss="$orss" -v pol="$policies" -v one="$one" 'BEGIN {
  printf "sim: synthetic trace 800 machines x 2 days: %d task_usage rows, %.1f MB gzip\n", rows, bytes / 1e6
  printf "sim: load average before %s, after %s; fastest of %d runs each\n", lb, la, rounds
  printf "sim: zcat alone                 %6.2f s wall  %6.2f s cpu\n", zw, zc
  printf "sim: run --policies none        %6.2f s wall  %6.2f s cpu  %10.0f rows/s  %5.2fx zcat  peak %4.0f MiB\n", nw, nc, rows / nw, nw / zw, nr / 1024
  printf "sim: run --policies %-11s %6.2f s wall  %6.2f s cpu  %10.0f rows/s  %5.2fx zcat  peak %4.0f MiB\n", one, pw, pc, rows / pw, pw / zw, pr / 1024
  printf "sim: run --policies %s\n", pol
  printf "sim:                            %6.2f s wall  %6.2f s cpu  %10.0f rows/s  %5.2fx zcat  peak %4.0f MiB\n", sw, sc, rows / sw, sw / zw, sr / 1024
  printf "sim: same policies on 1 day     %6.2f s wall  (%d rows)  peak %4.0f MiB  (2 days / 1 day peak: %.2f)\n", ow, rows1, orss / 1024, sr / orss
  printf "sim: cpu view (load-independent): rows per cpu-second none %.0f, %s %.0f, all %.0f; cpu vs zcat cpu %.2fx, %.2fx, %.2fx\n", rows / nc, one, rows / pc, rows / sc, nc / zc, pc / zc, sc / zc
  printf "sim: target >= 1,000,000 rows/s: one policy (%s) %s, all policies %s\n", one, (rows / pw >= 1000000 ? "met" : "NOT met"), (rows / sw >= 1000000 ? "met" : "NOT met")
  printf "sim: target within 2x of zcat:   one policy (%s) %s, all policies %s\n", one, (pw / zw <= 2 ? "met" : "NOT met"), (sw / zw <= 2 ? "met" : "NOT met")
  printf "sim: target memory bounded (2-day peak <= 1.25x 1-day peak): %s\n", (sr / orss <= 1.25 ? "met" : "NOT met")
}'

if [ -n "${GIANTVM_SIM_BASELINE:-}" ]; then
  cmp -s "$work/base-all/summary.json" "$work/out-all/summary.json" && same=identical || same=DIFFERENT
  for label in none one all; do
    read -r bw bc _ < <(best "base-$label")
    awk -v l="$label" -v bw="$bw" -v bc="$bc" -v zw="$zw" -v rows="$rows" \
      'BEGIN { printf "sim: baseline %-4s               %6.2f s wall  %6.2f s cpu  %10.0f rows/s  %5.2fx zcat\n", l, bw, bc, rows / bw, bw / zw }'
  done
  echo "sim: baseline summary.json of all policies: $same"
fi
