#!/usr/bin/env bash
# Coordinator load: 1,000 simulated agents over loopback against a one-member coordinator and a bare
# gRPC echo (coordinator-echo.cs, a process of its own) in the same run; prints reports/s reaching
# the snapshot, ack p50/p99 and the ratio.
#   scripts/bench.d/coordinator.sh [agents=1000] [seconds=10]
set -euo pipefail
cd "$(dirname "$0")"
dotnet build -c Release coordinator-echo.cs -nologo -v q -clp:NoSummary | grep -v "^$" || true
dotnet run -c Release coordinator-load.cs -- "${1:-1000}" "${2:-10}"
