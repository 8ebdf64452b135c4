#!/usr/bin/env bash
# Installs what the project needs beyond the .NET SDK, from Debian's packages, when missing.
# Idempotent and quiet when everything is there. Used by test.sh, demo.sh and bench.sh.
set -euo pipefail

need=()
command -v numactl >/dev/null 2>&1 || need+=(numactl)
command -v migratepages >/dev/null 2>&1 || need+=(numactl)
command -v taskset >/dev/null 2>&1 || need+=(util-linux)
command -v zcat >/dev/null 2>&1 || need+=(gzip)
# scripts/gen-certs.sh (the demo, the end-to-end tests and the playbook issue certificates with it).
command -v openssl >/dev/null 2>&1 || need+=(openssl)
# The deployment tests (tests/GiantVm.Deploy.Tests) lint and run the Ansible playbook.
command -v ansible-playbook >/dev/null 2>&1 || need+=(ansible)
command -v ansible-lint >/dev/null 2>&1 || need+=(ansible-lint)
# giantvmctl's completion scripts are run in real shells by the tests (tests/GiantVm.Ctl.Tests/Cli).
command -v zsh >/dev/null 2>&1 || need+=(zsh)
command -v fish >/dev/null 2>&1 || need+=(fish)
# The store tests (tests/Shared/TestPostgres.cs) start a throwaway PostgreSQL with initdb/pg_ctl.
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || need+=(postgresql)
# The partition test (tests/GiantVm.EndToEnd.Tests, PartitionTests) cuts members apart with nft
# rules inside network namespaces it creates (ip netns, veth pairs).
command -v nft >/dev/null 2>&1 || need+=(nftables)
command -v ip >/dev/null 2>&1 || need+=(iproute2)
for extra in "$@"; do
  case "$extra" in
    ansible) ;; # always installed (above); the argument is kept for older callers
    promtool) command -v promtool >/dev/null 2>&1 || need+=(prometheus) ;;
    *) [ "$(dpkg-query -W -f='${Status}' "$extra" 2>/dev/null)" = "install ok installed" ] || need+=("$extra") ;;
  esac
done

if ! command -v dotnet >/dev/null 2>&1; then
  echo "deps: the .NET SDK 10 is required (dotnet not on PATH); see https://dot.net" >&2
  exit 1
fi

if [ ${#need[@]} -gt 0 ]; then
  mapfile -t need < <(printf '%s\n' "${need[@]}" | sort -u)
  if [ "$(id -u)" -ne 0 ]; then
    echo "deps: missing packages: ${need[*]} (run as root or: sudo apt-get install ${need[*]})" >&2
    exit 1
  fi
  echo "deps: installing ${need[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  # wait for another apt/dpkg (scripts/test.sh runs the numa-guest test, which calls this, beside
  # the deployment tests, whose playbook runs apt) instead of failing on its lock
  apt-get -o DPkg::Lock::Timeout=300 update -qq >/dev/null
  apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
