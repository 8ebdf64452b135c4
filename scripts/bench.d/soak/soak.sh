#!/usr/bin/env bash
# Soak (issue 18 item 7; not run by CI, not run by a plain scripts/bench.sh): three coordinator
# members on loopback sharing a throwaway PostgreSQL (started here, removed at the end), N synthetic agents for M minutes with churn, a --follow client that stops
# reading and a flood of bogus results. Prints RSS and the live heap (after a full GC it induces in
# each member every minute; --no-induced-gc: the newest natural one, with its age) per member every
# minute, then reports lost, decision rounds late, and whether memory stayed flat. See docs/reliability.md.
#   scripts/bench.sh soak [--agents 1000] [--minutes 10] [--bogus-rate 50] [--no-induced-gc]
set -euo pipefail
cd "$(dirname "$0")/../../.."
usage() { sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'; }
for arg in "$@"; do
  case "$arg" in -h|--help) usage; exit 0 ;; esac
done
args=("$@")
i=0
while [ $i -lt ${#args[@]} ]; do
  case "${args[$i]}" in
    --agents|--minutes|--bogus-rate)
      value="${args[$((i + 1))]:-}"
      [[ "$value" =~ ^[0-9]+(\.[0-9]+)?$ ]] || { echo "soak: ${args[$i]} needs a number (got '$value'); see --help" >&2; exit 2; }
      i=$((i + 2)) ;;
    --no-induced-gc) i=$((i + 1)) ;;
    *) echo "soak: unknown argument '${args[$i]}'; see --help" >&2; exit 2 ;;
  esac
done
dotnet build coordinator/GiantVm.Coordinator -c Release -nologo -v q -clp:NoSummary | grep -v "^$" || true
dotnet build coordinator/GiantVm.Ctl -c Release -nologo -v q -clp:NoSummary
scripts/deps.sh
. scripts/lib/postgres.sh
pg=$(mktemp -d /tmp/giantvm-soak-pg.XXXXXX)
trap 'pg_throwaway_stop "$pg"; rm -rf "$pg"' EXIT
port=$((20000 + RANDOM % 10000))
pg_throwaway_start "$pg" "$port"
rc=0
dotnet run -c Release scripts/bench.d/soak/soak-load.cs -- --repo "$PWD" --store "$(pg_throwaway_uri "$port")" "$@" || rc=$?
exit $rc
