#!/usr/bin/env bash
# Publishes the four binaries as single-file linux-x64 executables that need no .NET runtime on
# the target machine (self-contained), then checks that each one answers --version with the
# version and the commit it was built from (stamped by Directory.Build.targets).
#
#   scripts/publish.sh [--out DIR] [--only NAME[,NAME...]] [--framework-dependent] [--rid RID] [--ready-to-run] [--no-aot]
#
#   --out DIR              where the executables go (default: artifacts/publish)
#   --only NAMES           publish only these: giantvm-agent, giantvm-coordinator, giantvmctl,
#                          giantvm-sim (the short forms agent, coordinator, ctl, sim work too)
#   --framework-dependent  single file that uses the installed .NET runtime (small and quick to
#                          build; for tests and development machines, not for nodes)
#   --rid RID              runtime identifier (default: linux-x64)
#   --ready-to-run         precompile the code (ReadyToRun): larger files, less JIT at start
#                          (what matters on slow CPUs, e.g. the emulated guest of numa-guest.sh)
#   --no-aot               the agent as a JIT single file too (by default a self-contained agent is
#                          compiled ahead of time with NativeAOT: 38 MB RSS instead of 81, less CPU
#                          per sample, no JIT at start; needs clang, which scripts/deps.sh installs)
#
# DIR ends up holding the executables and SHA256SUMS; the Ansible roles install from there
# (giantvm_bin_dir). Exit codes: 0 ok, 1 a publish or a --version check failed, 2 usage.
set -euo pipefail
cd "$(dirname "$0")/.."

usage() { sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'; }

out="artifacts/publish"
rid="linux-x64"
self_contained=true
only=""
ready_to_run=false
aot=true
while [ $# -gt 0 ]; do
  case "$1" in
    --out) [ $# -ge 2 ] || { echo "publish: --out needs a folder" >&2; exit 2; }; out="$2"; shift 2 ;;
    --out=*) out="${1#--out=}"; shift ;;
    --only) [ $# -ge 2 ] || { echo "publish: --only needs a list of names" >&2; exit 2; }; only="$2"; shift 2 ;;
    --only=*) only="${1#--only=}"; shift ;;
    --rid) [ $# -ge 2 ] || { echo "publish: --rid needs a runtime identifier" >&2; exit 2; }; rid="$2"; shift 2 ;;
    --framework-dependent) self_contained=false; shift ;;
    --ready-to-run) ready_to_run=true; shift ;;
    --no-aot) aot=false; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "publish: unknown argument '$1' (see scripts/publish.sh --help)" >&2; exit 2 ;;
  esac
done

# binary name -> project
declare -A project=(
  [giantvm-agent]=node-agent/GiantVm.NodeAgent/GiantVm.NodeAgent.csproj
  [giantvm-coordinator]=coordinator/GiantVm.Coordinator/GiantVm.Coordinator.csproj
  [giantvmctl]=coordinator/GiantVm.Ctl/GiantVm.Ctl.csproj
  [giantvm-sim]=coordinator/GiantVm.Simulator/GiantVm.Simulator.csproj
)
all=(giantvm-agent giantvm-coordinator giantvmctl giantvm-sim)

selected=()
if [ -z "$only" ]; then
  selected=("${all[@]}")
else
  IFS=',' read -r -a wanted <<<"$only"
  for name in "${wanted[@]}"; do
    case "$name" in
      agent) name=giantvm-agent ;;
      coordinator) name=giantvm-coordinator ;;
      ctl) name=giantvmctl ;;
      sim) name=giantvm-sim ;;
    esac
    [ -n "${project[$name]:-}" ] || { echo "publish: --only: unknown binary '$name' (one of: ${all[*]})" >&2; exit 2; }
    selected+=("$name")
  done
fi

command -v dotnet >/dev/null 2>&1 || { echo "publish: the .NET SDK 10 is required (dotnet not on PATH)" >&2; exit 1; }

mkdir -p "$out"
out=$(cd "$out" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/giantvm-publish.XXXXXX")
trap 'rm -rf "$work"' EXIT

# NativeAOT: only the agent (the long-running process on every node), only self-contained and not
# when ReadyToRun was asked for; the native toolchain comes from scripts/deps.sh
aot_agent() { [ "$aot" = true ] && [ "$self_contained" = true ] && [ "$ready_to_run" = false ]; }
if aot_agent && [[ " ${selected[*]} " == *" giantvm-agent "* ]]; then
  "$(dirname "$0")/deps.sh" clang zlib1g-dev >&2 || { echo "publish: NativeAOT needs clang and zlib1g-dev (or use --no-aot)" >&2; exit 1; }
fi

failed=()
for name in "${selected[@]}"; do
  kind=(-p:PublishSingleFile=true -p:IncludeNativeLibrariesForSelfExtract=true -p:PublishReadyToRun=$ready_to_run)
  if [ "$name" = giantvm-agent ] && aot_agent; then
    kind=(-p:PublishAot=true -p:StripSymbols=true)
  fi
  echo "publish: $name (${rid}, self-contained=${self_contained}$([ "${kind[0]}" = -p:PublishAot=true ] && echo ', NativeAOT'))" >&2
  if ! dotnet publish "${project[$name]}" -c Release -r "$rid" --self-contained "$self_contained" "${kind[@]}" \
      -p:DebugType=none -p:GenerateDocumentationFile=false \
      -o "$work/$name" -nologo -v q -clp:NoSummary >&2; then
    echo "publish: $name: dotnet publish failed" >&2
    failed+=("$name"); continue
  fi
  if [ ! -f "$work/$name/$name" ]; then
    echo "publish: $name: the publish produced no executable named $name" >&2
    failed+=("$name"); continue
  fi
  install -m 0755 "$work/$name/$name" "$out/$name"
done

# Every executable must say which version and commit it is. (A framework-dependent build finds
# the runtime through DOTNET_ROOT: the SDK's own folder.)
if [ -z "${DOTNET_ROOT:-}" ]; then
  DOTNET_ROOT=$(dirname "$(readlink -f "$(command -v dotnet)")"); export DOTNET_ROOT
fi
for name in "${selected[@]}"; do
  [ -f "$out/$name" ] || continue
  if version=$("$out/$name" --version 2>/dev/null) && [[ "$version" == *+* ]]; then
    printf '%-20s %s\n' "$name" "$version"
  else
    echo "publish: $name --version did not print version+commit (got: '${version:-}')" >&2
    failed+=("$name")
  fi
done

present=()
for name in "${all[@]}"; do [ -f "$out/$name" ] && present+=("$name"); done
if [ ${#present[@]} -gt 0 ]; then (cd "$out" && sha256sum -- "${present[@]}" > SHA256SUMS); fi

if [ ${#failed[@]} -gt 0 ]; then
  mapfile -t failed < <(printf '%s\n' "${failed[@]}" | sort -u)
  echo "publish: failed: ${failed[*]}" >&2
  exit 1
fi
echo "publish: ${#selected[@]} executable(s) in $out" >&2
