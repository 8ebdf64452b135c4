#!/usr/bin/env bash
# Coordinator at scale (issue 19, "Scale"): 200 GiantVM instances x 5 synthetic agents (1 guest +
# 4 hosts: 1,000 streams, one load process) against 3 giantvm-coordinator members (Release build,
# real processes on 127.0.0.1) sharing a throwaway PostgreSQL (started here, removed at the end).
# Phase 1: one report a second per agent for --steady-seconds: rounds late by more than 1 s
# (target < 1 %), persist latency p50/p99, RSS and rebalancers per member. Phase 2: agents report
# as fast as acks come back for --seconds: ingest (target >= 20,000 reports/s and >= 0.5x a bare
# gRPC echo in a process of its own, coordinator-echo.cs, measured in the same run). Prints
# PASS/FAIL per target; exit 1 when one fails.
#   scripts/bench.sh coordinator-vms [--vms 200] [--agents-per-vm 5] [--steady-seconds 60] [--seconds 20]
set -euo pipefail
cd "$(dirname "$0")/../.."
usage() { sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; }
args=("$@")
i=0
while [ $i -lt ${#args[@]} ]; do
  case "${args[$i]}" in
    -h|--help) usage; exit 0 ;;
    --vms|--agents-per-vm|--steady-seconds|--seconds)
      value="${args[$((i + 1))]:-}"
      [[ "$value" =~ ^[0-9]+(\.[0-9]+)?$ ]] || { echo "coordinator-vms: ${args[$i]} needs a number (got '$value'); see --help" >&2; exit 2; }
      i=$((i + 2)) ;;
    *) echo "coordinator-vms: unknown argument '${args[$i]}'; see --help" >&2; exit 2 ;;
  esac
done
dotnet build coordinator/GiantVm.Coordinator -c Release -nologo -v q -clp:NoSummary | grep -v "^$" || true
# The echo baseline is a process of its own (coordinator-load.cs runs it with --no-build).
dotnet build -c Release scripts/bench.d/coordinator-echo.cs -nologo -v q -clp:NoSummary | grep -v "^$" || true
. scripts/lib/postgres.sh
pg=$(mktemp -d /tmp/giantvm-bench-pg.XXXXXX)
trap 'pg_throwaway_stop "$pg"; rm -rf "$pg"' EXIT
port=$((20000 + RANDOM % 10000))
pg_throwaway_start "$pg" "$port"
rc=0
dotnet run -c Release scripts/bench.d/coordinator-load.cs -- --members 3 --repo "$PWD" \
  --store "$(pg_throwaway_uri "$port")" "$@" || rc=$?
exit $rc
