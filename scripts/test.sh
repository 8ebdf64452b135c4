#!/usr/bin/env bash
# Restores, builds and runs every test project; prints "N passed, N failed" summed over all of
# them and exits non-zero on any failure.
#   scripts/test.sh                 unit tests (projects in parallel), then the in-process
#                                   integration tests (trait Category=in-process: a coordinator
#                                   in a TestServer, an emulator in the test host), one project at
#                                   a time, and beside them, in the background, the agent's
#                                   NativeAOT build (scripts/publish.sh, as shipped; once, for every
#                                   later phase that runs the agent binary) and giantvmctl's
#                                   framework-dependent build (for the deployment tests), awaited
#                                   before the end-to-end tests (trait Category=e2e: real
#                                   processes on 127.0.0.1), one project at a time so that
#                                   timing-sensitive runs do not compete for the 2 cores; the
#                                   deployment tests (GiantVm.Deploy.Tests: ansible, one process at
#                                   a time, nothing timed; the playbook installs the NativeAOT
#                                   agent) come last and beside them runs the
#                                   real-kernel test (trait Category=numa-guest:
#                                   scripts/numa-guest.sh, a 4-node NUMA guest under QEMU, with the
#                                   NativeAOT agent; its output is printed when it is done), then
#                                   the tests that run the agent binary, against the NativeAOT agent
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
run() { # name, dotnet test args...: prints and logs to $results/name.log, returns dotnet test's code
  local name=$1; shift
  dotnet test "$@" --no-build -nologo -v q \
    --logger "trx" --logger "console;verbosity=minimal" --results-directory "$results/$name" \
    2>&1 | tee "$results/$name.log"
  local status=${PIPESTATUS[0]}
  [ "$status" -eq 0 ] || rc=1
  return "$status"
}
has_tests() { # project, category: whether the project has tests with that trait
  grep -rqs "Category\", \"$2\"" "$(dirname "$1")" --include='*.cs'
}

if [ $# -gt 0 ]; then
  run all GiantVm.sln "$@"
else
  echo "== unit tests" >&2
  run unit GiantVm.sln --filter "Category!=e2e&Category!=in-process&Category!=numa-guest"
  # Published once, for the phases that run them (deployment, numa-guest, the agent binary tests):
  # the agent as shipped (NativeAOT) and the framework-dependent giantvmctl the deployment tests
  # install. In the background (niced, one after the other: they share the Release build of the
  # libraries) beside the in-process tests, which time nothing to less than seconds; awaited
  # before the end-to-end tests, which do.
  aot="$results/aot-agent"
  ctl="$results/ctl-framework-dependent"
  (
    nice -n 10 scripts/publish.sh --only agent --out "$aot" > "$results/aot-publish.log" 2>&1
    echo $? > "$results/aot-publish.rc"
    nice -n 10 scripts/publish.sh --only ctl --framework-dependent --out "$ctl" > "$results/ctl-publish.log" 2>&1
    echo $? > "$results/ctl-publish.rc"
  ) &
  publish_pid=$!

  echo "== in-process integration tests" >&2
  for proj in tests/*.Tests/*.Tests.csproj; do
    # only projects that have in-process tests (TestServer, TestKit, a whole run in the test host)
    has_tests "$proj" in-process || continue
    echo "-- $(basename "$proj" .csproj)" >&2
    run "in-process-$(basename "$proj" .csproj)" "$proj" --filter "Category=in-process"
  done

  echo "== the agent as shipped: NativeAOT (scripts/publish.sh --only agent, beside the in-process tests)" >&2
  wait "$publish_pid"
  aot_agent=""
  if [ "$(cat "$results/aot-publish.rc" 2>/dev/null)" = 0 ]; then
    aot_agent="$PWD/$aot/giantvm-agent"
  else
    tail -n 30 "$results/aot-publish.log" >&2
    echo "Failed!  - Failed:     1, Passed:     0, Skipped:     0, Total:     1 - the agent's NativeAOT publish" > "$results/aot-agent.log"
    rc=1
  fi
  ctl_fd=""
  if [ "$(cat "$results/ctl-publish.rc" 2>/dev/null)" = 0 ]; then
    ctl_fd="$PWD/$ctl/giantvmctl"
  else
    # not fatal here: the deployment tests then publish giantvmctl themselves (and fail if they cannot)
    echo "giantvmctl's framework-dependent publish failed (the deployment tests publish their own):" >&2
    tail -n 30 "$results/ctl-publish.log" >&2
  fi

  echo "== end-to-end tests" >&2
  deploy=tests/GiantVm.Deploy.Tests/GiantVm.Deploy.Tests.csproj
  for proj in tests/*.Tests/*.Tests.csproj; do
    # only projects that have e2e tests; the deployment tests come last (below)
    has_tests "$proj" e2e || continue
    [ "$proj" != "$deploy" ] || continue
    echo "-- $(basename "$proj" .csproj)" >&2
    run "e2e-$(basename "$proj" .csproj)" "$proj" --filter "Category=e2e"
  done

  # The deployment tests run ansible one process at a time and time nothing, so the real-kernel
  # test (mostly waiting on the emulated guest) runs beside them instead of after them; its
  # output goes to its log and is printed once both are done.
  echo "== deployment tests, and beside them the real kernel: 4-node NUMA guest under QEMU" >&2
  guests=()
  for proj in tests/*.Tests/*.Tests.csproj; do
    has_tests "$proj" numa-guest || continue
    name="numa-guest-$(basename "$proj" .csproj)"
    # the agent in the guest: the NativeAOT publish above (else the script publishes its own)
    ( GIANTVM_TEST_AGENT="$aot_agent" run "$name" "$proj" --filter "Category=numa-guest" >/dev/null ) &
    guests+=("$!:$name")
  done
  if has_tests "$deploy" e2e; then
    echo "-- $(basename "$deploy" .csproj)" >&2
    # the playbook installs the NativeAOT agent and giantvmctl published above (else the tests
    # publish them themselves)
    GIANTVM_TEST_AGENT="$aot_agent" GIANTVM_TEST_CTL="$ctl_fd" run "e2e-$(basename "$deploy" .csproj)" "$deploy" --filter "Category=e2e"
  fi
  for guest in "${guests[@]}"; do
    wait "${guest%%:*}" || rc=1
    echo "-- ${guest#*:}" >&2
    cat "$results/${guest#*:}.log"
  done

  if [ -n "$aot_agent" ]; then
    echo "== the agent binary tests against the NativeAOT agent" >&2
    GIANTVM_TEST_AGENT="$aot_agent" run aot-agent tests/GiantVm.NodeAgent.Tests/GiantVm.NodeAgent.Tests.csproj \
      --filter "FullyQualifiedName~AgentBinaryTests|FullyQualifiedName~AgentWithCoordinatorTests|FullyQualifiedName~LaunchTests|FullyQualifiedName~SystemdTests"
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
