#!/usr/bin/env bash
# Benchmarks: the BenchmarkDotNet suites in tests/GiantVm.Benchmarks, then every measured run in
# scripts/bench.d/*.sh (each prints its own figures). Targets are judged here, not in unit tests.
# Suites run in-process: the default out-of-process toolchain rebuilds a project per suite, which
# times out (2 min) on a busy 2-core machine.
#   scripts/bench.sh              everything
#   scripts/bench.sh linux        only suites/runs whose name contains "linux"
#   scripts/bench.sh soak [--agents N] [--minutes M]
#                                 only the soak (scripts/bench.d/soak/soak.sh, 10 minutes by
#                                 default); it is never part of "everything"
#   scripts/bench.sh coordinator-vms [--vms 200] [--steady-seconds 60] [--seconds 20] ...
#                                 only the 200-instance, 3-member run (scripts/bench.d/coordinator-vms.sh;
#                                 --help there); "everything" runs it with its defaults
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh

if [ "${1:-}" = "soak" ]; then
  shift
  exec scripts/bench.d/soak/soak.sh "$@"
fi

if [ "${1:-}" = "coordinator-vms" ]; then
  shift
  exec scripts/bench.d/coordinator-vms.sh "$@"
fi

only="${1:-}"
filter="*"
[ -n "$only" ] && filter="*${only}*"

dotnet build tests/GiantVm.Benchmarks -c Release -nologo -v q
dotnet run --project tests/GiantVm.Benchmarks -c Release --no-build -- \
  --filter "$filter" --inProcess --artifacts BenchmarkDotNet.Artifacts

shopt -s nullglob
for run in scripts/bench.d/*.sh; do
  name=$(basename "$run" .sh)
  if [ -n "$only" ] && [[ "$name" != *"$only"* ]]; then continue; fi
  echo "== measured run: $name"
  bash "$run"
done
