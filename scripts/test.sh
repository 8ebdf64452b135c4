#!/usr/bin/env bash
# Restores, builds and runs every test project; prints "N passed, N failed" summed over all of
# them and exits non-zero on any failure.
#   scripts/test.sh                 unit tests (projects in parallel), then the in-process
#                                   integration tests (trait Category=in-process: a coordinator
#                                   in a TestServer, an emulator in the test host), one project at
#                                   a time, then the end-to-end tests
#                                   (trait Category=e2e: real processes on 127.0.0.1), one
#                                   project at a time so that timing-sensitive runs do not
#                                   compete for the 2 cores, then the real-kernel test (trait
#                                   Category=numa-guest: scripts/numa-guest.sh, a 4-node NUMA
#                                   guest under QEMU), once, then the agent's NativeAOT build
#                                   (scripts/publish.sh, as shipped) against the tests that run
#                                   the agent binary
#   scripts/test.sh ARGS...         one `dotnet test` run over the solution with ARGS
#                                   (e.g. --filter "Category!=e2e")
set -uo pipefail
cd "$(dirname "$0")/.."

scripts/deps.sh || exit 1

results="TestResults/run-$(date +%Y%m%d-%H%M%S)-$$"
mkdir -p "$results"

if ! dotnet build GiantVm.sln -nologo -v q -clp:NoSummary; then
  echo "build failed" >&2
  echo "0 passed, 1 failed"
  exit 1
fi

rc=0
run() { # name, dotnet test args...
  local name=$1; shift
  dotnet test "$@" --no-build -nologo -v q \
    --logger "trx" --logger "console;verbosity=minimal" --results-directory "$results/$name" \
    2>&1 | tee "$results/$name.log"
  [ "${PIPESTATUS[0]}" -eq 0 ] || rc=1
}

if [ $# -gt 0 ]; then
  run all GiantVm.sln "$@"
else
  echo "== unit tests" >&2
  run unit GiantVm.sln --filter "Category!=e2e&Category!=in-process&Category!=numa-guest"
  echo "== in-process integration tests" >&2
  for proj in tests/*.Tests/*.Tests.csproj; do
    # only projects that have in-process tests (TestServer, TestKit, a whole run in the test host)
    grep -rqs 'Category", "in-process"' "$(dirname "$proj")" --include='*.cs' || continue
    echo "-- $(basename "$proj" .csproj)" >&2
    run "in-process-$(basename "$proj" .csproj)" "$proj" --filter "Category=in-process"
  done
  echo "== end-to-end tests" >&2
  for proj in tests/*.Tests/*.Tests.csproj; do
    # only projects that have e2e tests
    grep -rqs 'Category", "e2e"' "$(dirname "$proj")" --include='*.cs' || continue
    echo "-- $(basename "$proj" .csproj)" >&2
    run "e2e-$(basename "$proj" .csproj)" "$proj" --filter "Category=e2e"
  done
  echo "== real kernel: 4-node NUMA guest under QEMU" >&2
  for proj in tests/*.Tests/*.Tests.csproj; do
    grep -rqs 'Category", "numa-guest"' "$(dirname "$proj")" --include='*.cs' || continue
    echo "-- $(basename "$proj" .csproj)" >&2
    run "numa-guest-$(basename "$proj" .csproj)" "$proj" --filter "Category=numa-guest"
  done
  echo "== the agent as shipped: NativeAOT (scripts/publish.sh --only agent)" >&2
  aot="$results/aot-agent"
  if scripts/publish.sh --only agent --out "$aot" > "$results/aot-publish.log" 2>&1; then
    GIANTVM_TEST_AGENT="$PWD/$aot/giantvm-agent" run aot-agent tests/GiantVm.NodeAgent.Tests/GiantVm.NodeAgent.Tests.csproj \
      --filter "FullyQualifiedName~AgentBinaryTests|FullyQualifiedName~AgentWithCoordinatorTests|FullyQualifiedName~LaunchTests|FullyQualifiedName~SystemdTests"
  else
    tail -n 30 "$results/aot-publish.log" >&2
    echo "Failed!  - Failed:     1, Passed:     0, Skipped:     0, Total:     1 - the agent's NativeAOT publish" > "$results/aot-agent.log"
    rc=1
  fi
fi

# One "Passed!  - Failed: F, Passed: P, Skipped: S, Total: T" (or "Failed!  - ...") line per
# test assembly run; the .trx files stay in $results for details.
passed=0; failed=0
while IFS= read -r line; do
  p=$(sed -n 's/.*Passed: *\([0-9]*\),.*/\1/p' <<<"$line")
  f=$(sed -n 's/.*Failed: *\([0-9]*\),.*/\1/p' <<<"$line")
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
done < <(cat "$results"/*.log | grep -E '^(Passed|Failed)! +- ')
if [ $rc -ne 0 ] && [ $failed -eq 0 ]; then
  failed=1
  echo "dotnet test failed without a failed test (a crashed or aborted test host?)" >&2
fi
echo "$passed passed, $failed failed"
[ $failed -eq 0 ] && [ $passed -gt 0 ]
