#!/usr/bin/env bash
# Restores, builds and runs every test project; prints "N passed, N failed" summed over all of
# them and exits non-zero on any failure. Extra arguments go to `dotnet test`
# (e.g. scripts/test.sh --filter "Category!=e2e").
set -uo pipefail
cd "$(dirname "$0")/.."

scripts/deps.sh || exit 1

results="TestResults/run-$(date +%Y%m%d-%H%M%S)-$$"
mkdir -p "$results"

dotnet build GiantVm.sln -nologo -v q -clp:NoSummary || { echo "0 passed, 1 failed"; echo "build failed" >&2; exit 1; }

dotnet test GiantVm.sln --no-build -nologo -v q \
  --logger "trx" --logger "console;verbosity=minimal" \
  --results-directory "$results" "$@"
rc=$?

passed=0; failed=0
shopt -s nullglob
for trx in "$results"/*.trx; do
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")
  f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  e=$(sed -n 's/.* error="\([0-9]*\)".*/\1/p' <<<"$counters")
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0} + ${e:-0}))
done
if [ $rc -ne 0 ] && [ $failed -eq 0 ]; then failed=1; echo "dotnet test exited $rc" >&2; fi
echo "$passed passed, $failed failed"
[ $failed -eq 0 ] && [ $passed -gt 0 ]
