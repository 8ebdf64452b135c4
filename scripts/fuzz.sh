#!/usr/bin/env bash
# Long fuzz runs of one input boundary (or all of them), for finding what the short pass in
# scripts/test.sh (tests/GiantVm.Fuzz.Tests: fixed seed, fixed executions) does not reach.
#   scripts/fuzz.sh list                          the targets and the documented error of each
#   scripts/fuzz.sh TARGET|all [--seconds N] [--seed S]
#                                                 runs for N seconds (default 60; "all" shares
#                                                 them), a random seed unless given; prints the
#                                                 executions and findings; the input of each
#                                                 finding goes to fuzz-findings/TARGET/. Exit 1 if
#                                                 anything was found.
# The engine is in-process mutation of the seed corpora (real /proc, /sys and cgroup captures,
# the shipped policies and scenarios, serialized records and messages) with a seeded Random; no
# coverage feedback (SharpFuzz/libFuzzer are not used: see docs/reliability.md). A reproducer:
# copy the finding into tests/GiantVm.Fuzz.Tests/Regressions/TARGET/.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ $# -eq 0 ] || [ "$1" = "-h" ] || [ "$1" = "--help" ]; then
  sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'
  [ $# -eq 0 ] && exit 2 || exit 0
fi
dotnet build tests/GiantVm.Fuzz/GiantVm.Fuzz.csproj -c Release -nologo -v q -clp:NoSummary >&2
exec tests/GiantVm.Fuzz/bin/Release/net10.0/giantvm-fuzz "$@" --findings fuzz-findings
