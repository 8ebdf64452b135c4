#!/usr/bin/env bash
# Real actuation on a real kernel: boots a 4-node NUMA Linux guest under QEMU (software
# emulation, no KVM needed) with the guest agent inside and a coordinator on this machine's
# loopback, then moves running BE processes between the guest's NUMA nodes with giantvmctl and
# checks the result with the guest's own tools.
#
#   scripts/numa-guest.sh [--passes LIST] [--no-build] [--agent FILE] [--keep DIR] [--measure S]
#                         [--agent-env LIST] [--timeout S] [--verbose]
#
#   --passes LIST  executors to run, in order (default numactl,cpuset): each pass starts BE
#                  workloads of 64 and 256 MiB on node 3 and the guest agent with that executor,
#                  then `giantvmctl drain 3 --evacuate --wait` and `giantvmctl move PID --to 2 --wait`
#   --no-build     use the coordinator and giantvmctl already built (CONFIGURATION, default
#                  Debug); the self-contained agent is still published when it is missing or
#                  older than its sources
#   --agent FILE   put this self-contained agent executable into the guest instead of the
#                  ReadyToRun one published into artifacts/numa-guest (scripts/test.sh passes its
#                  NativeAOT publish, the agent as shipped, so that it is not published twice)
#   --keep DIR     work in DIR and keep it (console log, coordinator log and journal, initramfs)
#   --measure S    length of the CPU/RSS window of the agent beside numad (default 10; 0: skip
#                  the measurements: no bare taskset+migratepages run, no numad)
#   --agent-env L  environment of the guest agent, space-separated NAME=VALUE (default
#                  "DOTNET_TieredCompilation=0": under emulation the JIT's background tier-up
#                  of the ReadyToRun code costs about a CPU for minutes; "" for .NET's default)
#   --timeout S    give up after S seconds in all (default 900)
#   --verbose      print the guest's console (and the agent's log) as it comes
#
# Needs root for apt-get (qemu-system-x86, busybox-static, socat, numad, numactl, gcc, jq, xz-utils,
# zstd and the Debian kernel that linux-image-amd64 depends on, downloaded with `apt-get download`
# and cached in ${XDG_CACHE_HOME:-~/.cache}/giantvm/kernel). The self-contained agent is published
# to artifacts/numa-guest/ (re-published when node-agent/ or protos/ changed) unless --agent is given.
# Exit code: 0 when every check held in every pass, 1 when a check failed or something did not
# work (the reason is printed), 2 usage. Ctrl-C stops everything it started.
set -euo pipefail
caller=$PWD
cd "$(dirname "$0")/.."
repo=$PWD
config=${CONFIGURATION:-Debug}

passes="numactl,cpuset"
build=1
agent_file=""
keep=""
measure=10
timeout=900
verbose=0
agent_env="DOTNET_TieredCompilation=0"
usage() { sed -n '2,33p' "$0" | sed 's/^# \{0,1\}//'; }
need_arg() { [ $# -ge 2 ] && [ -n "$2" ] || { echo "numa-guest: $1 needs a value (see --help)" >&2; exit 2; }; }
while [ $# -gt 0 ]; do
  case "$1" in
    --passes) need_arg "$@"; passes=$2; shift ;;
    --no-build) build=0 ;;
    --agent) need_arg "$@"; case "$2" in /*) agent_file=$2 ;; *) agent_file=$caller/$2 ;; esac; shift ;;
    --keep) need_arg "$@"; keep=$2; shift ;;
    --measure) need_arg "$@"; measure=$2; shift ;;
    --timeout) need_arg "$@"; timeout=$2; shift ;;
    --agent-env) [ $# -ge 2 ] || { echo "numa-guest: --agent-env needs a value (\"\" for none)" >&2; exit 2; }; agent_env=$2; shift ;;
    --verbose) verbose=1 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "numa-guest: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
  shift
done
[[ "$measure" =~ ^[0-9]+$ ]] || { echo "numa-guest: --measure must be a whole number of seconds, got '$measure'" >&2; exit 2; }
for kv in $agent_env; do
  [[ "$kv" =~ ^[A-Za-z_][A-Za-z0-9_]*=[^\'\"]*$ ]] || { echo "numa-guest: --agent-env: '$kv' is not NAME=VALUE" >&2; exit 2; }
done
[ -z "$agent_file" ] || { [ -f "$agent_file" ] && [ -x "$agent_file" ]; } \
  || { echo "numa-guest: --agent: $agent_file is not an executable file" >&2; exit 2; }
[[ "$timeout" =~ ^[0-9]+$ ]] && [ "$timeout" -gt 0 ] || { echo "numa-guest: --timeout must be a positive number of seconds, got '$timeout'" >&2; exit 2; }
IFS=',' read -r -a pass_list <<<"$passes"
[ ${#pass_list[@]} -gt 0 ] || { echo "numa-guest: --passes is empty" >&2; exit 2; }
for p in "${pass_list[@]}"; do
  case "$p" in numactl|cpuset) ;; *) echo "numa-guest: --passes: unknown executor '$p' (numactl or cpuset)" >&2; exit 2 ;; esac
done

started=$(date +%s)
log() { printf 'numa-guest: [%4ds] %s\n' $(( $(date +%s) - started )) "$*"; }
die() { log "FAILED: $*"; exit 1; }
left() { echo $(( timeout - ($(date +%s) - started) )); }

# ---------------------------------------------------------------- what the machine needs
log "checking packages (qemu-system-x86, busybox-static, socat, numad, numactl, gcc, jq, xz-utils, zstd)"
scripts/deps.sh qemu-system-x86 busybox-static socat numad numactl gcc libc6-dev jq xz-utils zstd >/dev/null \
  || die "installing the packages failed (run as root, or: apt-get install qemu-system-x86 busybox-static socat numad numactl gcc libc6-dev jq xz-utils zstd)"
for tool in qemu-system-x86_64 socat numad numactl migratepages numastat taskset gcc jq busybox xz zstd; do
  command -v "$tool" >/dev/null 2>&1 || die "$tool is not installed after the package installation"
done
busybox=/bin/busybox
[ -x "$busybox" ] && ! ldd "$busybox" >/dev/null 2>&1 || die "$busybox is missing or not statically linked (package busybox-static)"

cache=${XDG_CACHE_HOME:-$HOME/.cache}/giantvm
mkdir -p "$cache/kernel"

# The kernel: what linux-image-amd64 depends on today (security updates replace the version).
kernel_package() { apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/ { print $2; exit }'; }
kpkg=$(kernel_package || true)
if [ -z "$kpkg" ]; then
  log "apt has no linux-image-amd64 entry yet: apt-get update"
  apt-get update -qq >/dev/null 2>&1 || true
  kpkg=$(kernel_package || true)
fi
if [ -z "$kpkg" ]; then
  # offline: the newest kernel cached by an earlier run
  kpkg=$(ls -1t "$cache/kernel" 2>/dev/null | grep '^linux-image-' | head -n 1 || true)
  [ -n "$kpkg" ] || die "cannot resolve the kernel package (apt-cache depends linux-image-amd64 gave nothing, nothing cached)"
  log "using the cached kernel $kpkg (apt could not resolve linux-image-amd64)"
fi
kdir=$cache/kernel/$kpkg
if [ ! -s "$kdir/vmlinuz" ] || [ ! -s "$kdir/e1000.ko" ]; then
  log "downloading $kpkg (apt-get download, dpkg -x) into $kdir"
  # everything is unpacked in a temp folder (removed however the script ends) and renamed into the
  # cache, e1000.ko last: an interrupted download never leaves a truncated file that is reused
  tmp=$(mktemp -d "$cache/kernel/.dl.XXXXXX")
  trap 'rm -rf "$tmp"' EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  (cd "$tmp" && apt-get download "$kpkg" >/dev/null 2>&1) || die "apt-get download $kpkg failed"
  dpkg -x "$tmp"/*.deb "$tmp/x" || die "dpkg -x of $kpkg failed"
  mkdir -p "$tmp/out"
  cp "$tmp"/x/boot/vmlinuz-* "$tmp/out/vmlinuz"
  cp "$tmp"/x/boot/config-* "$tmp/out/config"
  e1000=$(find "$tmp/x/lib/modules" -name 'e1000.ko*' -print -quit)
  [ -n "$e1000" ] || die "$kpkg has no e1000 module"
  case "$e1000" in
    *.ko) cp "$e1000" "$tmp/out/e1000.ko" ;;
    *.ko.xz) xz -dc "$e1000" > "$tmp/out/e1000.ko" || die "xz -d of $e1000 failed" ;;
    *.ko.zst) zstd -qdc "$e1000" > "$tmp/out/e1000.ko" || die "zstd -d of $e1000 failed" ;;
    *) die "unknown module format $e1000" ;;
  esac
  mkdir -p "$kdir"
  mv -f "$tmp/out/vmlinuz" "$tmp/out/config" "$kdir/"
  mv -f "$tmp/out/e1000.ko" "$kdir/e1000.ko"
  rm -rf "$tmp"
  trap - EXIT
fi
for opt in CONFIG_NUMA=y CONFIG_MIGRATION=y CONFIG_CPUSETS=y CONFIG_SERIAL_8250_CONSOLE=y; do
  grep -qx "$opt" "$kdir/config" || die "$kpkg lacks $opt"
done
log "kernel $kpkg"

# ---------------------------------------------------------------- work folder and cleanup
if [ -n "$keep" ]; then
  work=$(mkdir -p "$keep" && cd "$keep" && pwd)
  rm -rf "${work:?}/root" "$work/coord" "$work/console.log" "$work/ctl.in" "$work/ctl.out"
else
  work=$(mktemp -d /tmp/giantvm-numa-guest.XXXXXX)
fi

# every process started from here on is registered in pids and stopped on exit (scripts/lib/procs.sh)
. "$repo/scripts/lib/procs.sh"
numa_guest_cleanup() { # exit code
  local rc=$1
  { exec 7>&-; } 2>/dev/null || true
  if [ -z "$keep" ]; then
    if [ "$rc" -ne 0 ] && [ -f "$work/console.log" ]; then
      echo "numa-guest: the last lines of the guest console:" >&2
      tail -n 40 "$work/console.log" | tr -d '\r' | sed 's/^/  | /' >&2
    fi
    rm -rf "$work"
  else
    echo "numa-guest: console log, coordinator data and initramfs kept in $work" >&2
  fi
  echo "numa-guest: stopped everything it started ($(( $(date +%s) - started )) s in all)" >&2
}
procs_trap numa_guest_cleanup

# ---------------------------------------------------------------- builds
coord_dll=coordinator/GiantVm.Coordinator/bin/$config/net10.0/giantvm-coordinator.dll
ctl_dll=coordinator/GiantVm.Ctl/bin/$config/net10.0/giantvmctl.dll
agent_dir=artifacts/numa-guest
agent_bin=$agent_dir/giantvm-agent
if [ -n "$agent_file" ]; then
  agent_bin=$agent_file
  log "agent: $agent_bin (given with --agent, not published here)"
fi
if [ $build -eq 1 ]; then
  for p in coordinator/GiantVm.Coordinator coordinator/GiantVm.Ctl; do
    log "building $p ($config)"
    dotnet build "$p" -c "$config" -nologo -v q -clp:NoSummary >"$work/build.log" 2>&1 \
      || { tail -n 20 "$work/build.log" >&2; die "build of $p failed"; }
  done
fi
if [ -z "$agent_file" ] && { [ ! -x "$agent_bin" ] || [ -n "$(find node-agent protos Directory.Build.props Directory.Packages.props -newer "$agent_bin" \
        \( -name '*.cs' -o -name '*.csproj' -o -name '*.proto' -o -name '*.props' \) -not -path '*/obj/*' -not -path '*/bin/*' -print -quit)" ]; }; then
  log "publishing the self-contained giantvm-agent into $agent_dir (a minute or two)"
  scripts/publish.sh --only agent --ready-to-run --out "$agent_dir" >"$work/publish.log" 2>&1 \
    || { tail -n 20 "$work/publish.log" >&2; die "scripts/publish.sh --only agent failed"; }
fi
for f in "$coord_dll" "$ctl_dll" "$agent_bin"; do
  [ -f "$f" ] || die "$f is missing; run without --no-build"
done

src=scripts/numa-guest
work_bin=$cache/gvmwork-$(sha256sum "$src/gvmwork.c" | cut -c1-16)
if [ ! -x "$work_bin" ]; then
  log "compiling the BE workload ($src/gvmwork.c, static)"
  gcc -O2 -static -pthread -o "$work_bin.tmp" "$src/gvmwork.c" && mv "$work_bin.tmp" "$work_bin" || die "gcc failed on $src/gvmwork.c"
fi

# ---------------------------------------------------------------- the initramfs
log "building the initramfs"
root=$work/root
mkdir -p "$root"/{bin,sbin,lib,lib64,usr/bin,usr/local/bin,etc,proc,sys,dev,run,tmp,root,var/log,var/run}
cp "$busybox" "$root/bin/busybox"
for applet in $("$busybox" --list); do
  [ "$applet" = busybox ] || ln -sf busybox "$root/bin/$applet"
done
tools=(numactl migratepages numastat numad taskset)
for t in "${tools[@]}"; do cp "$(command -v "$t")" "$root/usr/local/bin/$t"; done
cp "$work_bin" "$root/bin/gvmwork"
cp "$agent_bin" "$root/bin/giantvm-agent"
cp "$kdir/e1000.ko" "$root/lib/e1000.ko"
cp "$src/init.sh" "$root/init"
chmod +x "$root/init"
# shared libraries: what ldd lists for the tools, plus what the .NET host loads with dlopen
libs=$(for t in "${tools[@]}"; do ldd "$(command -v "$t")"; done | awk '/=> \// { print $3 } /^\t\/lib/ { print $1 }')
ldconfig -p > "$work/ldconfig.txt"
for l in libstdc++.so.6 libgcc_s.so.1 libm.so.6 libdl.so.2 librt.so.1 libpthread.so.0 libc.so.6; do
  path=$(awk -v l="$l" '$1 == l && /x86-64/ && !found++ { print $NF }' "$work/ldconfig.txt")
  [ -n "$path" ] || die "$l not found (ldconfig -p); the agent needs it"
  libs+=$'\n'$path
done
for l in $(sort -u <<<"$libs"); do
  [ -n "$l" ] || continue
  mkdir -p "$root$(dirname "$l")"
  cp -L "$l" "$root$l"
done
# the loader path as programs name it, whatever the distribution's layout
[ -e "$root/lib64/ld-linux-x86-64.so.2" ] || cp -L /lib64/ld-linux-x86-64.so.2 "$root/lib64/"
coord_port_guest=5000
cat > "$root/etc/numa-guest.conf" <<EOF
BE_CGROUP=be
BE_NODE=3
WORKLOADS="w64:64 w256:256"
COORD_IP=10.0.2.100
COORD_PORT=$coord_port_guest
AGENT_ARGS=""
AGENT_ENV="$agent_env"
EOF
# uncompressed newc cpio: unpacking is a copy, much faster under emulation than gunzip
(cd "$root" && find . | "$busybox" cpio -o -H newc 2>/dev/null) > "$work/initramfs.cpio"
log "initramfs $(( $(stat -c %s "$work/initramfs.cpio") / 1048576 )) MiB"

# ---------------------------------------------------------------- the coordinator
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null \
  || shuf -i 20000-60000 -n 1; }
port=$(free_port)
mport=$(free_port)
cat > "$work/policy.yaml" <<'EOF'
# numa-guest: no automatic moves (there is no steal under emulation); the operator's verbs only
name: numa-guest
mode: none
interval: 1s
command_timeout: 120s
signal:
  stale_after: 10s
migrate:
  min_cpu_cores: 0
EOF
mkdir -p "$work/coord"
export DOTNET_CLI_TELEMETRY_OPTOUT=1
ctl() { dotnet "$ctl_dll" "$@" --coordinator "http://127.0.0.1:$port"; }
log "starting giantvm-coordinator on 127.0.0.1:$port"
dotnet "$coord_dll" --policy "$work/policy.yaml" --urls "http://127.0.0.1:$port" \
  --metrics-url "http://127.0.0.1:$mport" --data-dir "$work/coord" >"$work/coordinator.log" 2>&1 &
pids+=($!)
coord_pid=$!
for _ in $(seq 1 300); do
  ctl status >/dev/null 2>&1 && break
  kill -0 "$coord_pid" 2>/dev/null || { tail -n 20 "$work/coordinator.log" >&2; die "the coordinator exited"; }
  sleep 0.2
done
ctl status >/dev/null 2>&1 || die "the coordinator did not answer within 60 s (log: $work/coordinator.log)"

# ---------------------------------------------------------------- the guest
# Control channel host -> guest: the guest's second serial port (ttyS1), a QEMU pipe chardev.
# Results come back on the console (ttyS0), which QEMU writes to console.log.
mkfifo "$work/ctl.in" "$work/ctl.out"
console=$work/console.log
: > "$console"
log "booting QEMU: 4 NUMA nodes x (1 CPU, 1 GiB), TCG, guestfwd 10.0.2.100:$coord_port_guest -> socat -> 127.0.0.1:$port"
numa=()
for k in 0 1 2 3; do
  numa+=(-object "memory-backend-ram,id=m$k,size=1G" -numa "node,nodeid=$k,cpus=$k,memdev=m$k")
done
qemu-system-x86_64 -accel tcg -cpu max -m 4G -smp 4,sockets=4,cores=1,threads=1 "${numa[@]}" \
  -kernel "$kdir/vmlinuz" -initrd "$work/initramfs.cpio" \
  -append "console=ttyS0 quiet panic=-1 numa_balancing=disable transparent_hugepage=never" \
  -nodefaults -display none -no-reboot -monitor none \
  -serial "file:$console" -serial "pipe:$work/ctl" \
  -netdev "user,id=n0,restrict=on,guestfwd=tcp:10.0.2.100:$coord_port_guest-cmd:socat - TCP:127.0.0.1:$port" \
  -device e1000,netdev=n0 </dev/null >"$work/qemu.log" 2>&1 &
pids+=($!)
qemu_pid=$!
# hold the guest's input open (a writer that never goes away), and drain what it writes back
exec 7<>"$work/ctl.in"
cat "$work/ctl.out" >/dev/null &
pids+=($!)
if [ $verbose -eq 1 ]; then
  tail -n +1 -f "$console" | sed -u 's/\r$//; s/^/  | /' &
  pids+=($!)
fi

# wait_for REGEX SECONDS: prints the first console line matching REGEX
# complete_console: the console's complete lines, without the carriage returns. A line the guest
# is still writing (the serial port delivers it a few bytes at a time) is left out until its
# newline arrives, so a caller never reads half of an answer.
complete_console() {
  local text
  text=$(tr -d '\r\0' <"$console"; printf x)
  text=${text%x}
  case "$text" in
    *$'\n') ;;
    *$'\n'*) text=${text%$'\n'*}$'\n' ;;
    *) text="" ;;
  esac
  printf '%s' "$text"
}

wait_for() {
  local regex=$1 secs=$2 i=0 line
  while [ $i -lt $(( secs * 5 )) ]; do
    line=$(complete_console | grep -E -m 1 -- "$regex" || true)
    if [ -n "$line" ]; then echo "$line"; return 0; fi
    kill -0 "$qemu_pid" 2>/dev/null || { log "QEMU exited: $(tail -n 5 "$work/qemu.log" | tr '\n' ' ')"; return 1; }
    [ "$(left)" -gt 0 ] || { log "the overall --timeout of $timeout s passed"; return 1; }
    i=$((i + 1)); sleep 0.2
  done
  return 1
}
# field KEY LINE: the value of key=value in LINE
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<" $2"; }

cmd_seq=0
# guest VERB ARGS... SECONDS: sends a command, sets ANSWER to its answer line (dies on "error").
# Not to be called in a subshell (the command counter lives here).
guest() {
  local secs=${*: -1} args=("${@:1:$#-1}")
  cmd_seq=$((cmd_seq + 1))
  local id=c$cmd_seq
  printf '%s %s\n' "$id" "${args[*]}" >&7
  local line
  line=$(wait_for "^GVM: $id (${args[0]}|error) " "$secs") || die "no answer from the guest to '${args[*]}' within $secs s"
  case "$line" in "GVM: $id error "*) die "guest: ${line#GVM: $id error }" ;; esac
  ANSWER=$line
}

boot=$(wait_for '^GVM: boot ' 180) || die "the guest did not boot within 180 s"
log "guest up: ${boot#GVM: boot }"
wait_for '^GVM: ready' 60 >/dev/null || die "the guest's /init did not get ready"
if grep -qa '^GVM: setup-error' "$console"; then
  grep -a '^GVM: setup-error' "$console" | tr -d '\r' | while read -r l; do log "guest: $l"; done
  die "the guest's setup failed (above)"
fi
log "guest: cgroup.subtree_control $(tr -d '\r' <"$console" | sed -n 's/^GVM: cgroup //p'), eth0 $(tr -d '\r' <"$console" | sed -n 's/^GVM: net //p')"

# ---------------------------------------------------------------- checks
failures=0
summary=()
failed=()
check_ok() { log "  ok: $*"; }
check_bad() { log "  FAILED: $*"; failures=$((failures + 1)); failed+=("[${pass:-setup}] $*"); }
# is_answer TEXT: TEXT is giantvmctl's JSON answer with a decisions array (not an error message)
is_answer() { jq -e '.decisions | type == "array"' <<<"$1" >/dev/null 2>&1; }
# one_line TEXT: TEXT on one line, at most 300 characters, for a FAILED line
one_line() { tr '\n' ' ' <<<"$1" | cut -c1-300; }
# ms VALUE: VALUE when it is a number of milliseconds, else 0 (null: a timed-out or missing result)
ms() { if [[ $1 =~ ^[0-9]+(\.[0-9]+)?$ ]]; then echo "$1"; else echo 0; fi; }
# pages outside NODE in a "3:16402,0:11" list
outside() { tr ',' '\n' <<<"$1" | awk -F: -v n="$2" '$1 != n { s += $2 } END { print s + 0 }'; }

# guest_check NAME NODE: the guest's own view; sets G_PAGES G_ELSEWHERE
guest_check() {
  local name=$1 node=$2 line
  guest check "$name" "$node" 120; line=$ANSWER
  G_PAGES=$(field pages "$line"); G_ELSEWHERE=$(field elsewhere "$line")
  local cpus threads tok verify
  cpus=$(field cpus "$line"); threads=$(field threads "$line"); tok=$(field threads_ok "$line"); verify=$(field verify "$line")
  log "  guest sees $name (pid $(field pid "$line")): pages per node $G_PAGES, Cpus_allowed_list $cpus, $tok/$threads threads on node $node's CPUs ($(field node_cpus "$line")), content ${verify//:/ }"
  [ "$G_ELSEWHERE" = 0 ] && check_ok "$name: every page on node $node (numa_maps)" || check_bad "$name: $G_ELSEWHERE pages not on node $node (numa_maps: $G_PAGES)"
  [ "$(field cpus_ok "$line")" = 1 ] && [ "$tok" = "$threads" ] && [ "$threads" -ge 2 ] \
    && check_ok "$name: affinity of the process and its $threads threads = node $node's CPU" \
    || check_bad "$name: affinity $cpus, $tok of $threads threads on node $node's CPUs"
  [[ "$verify" == ok:* ]] && check_ok "$name: content intact (${verify#ok:} words re-read)" || check_bad "$name: content check said '${verify//:/ }'"
}

# agree NAME GUEST_MOVED JOURNAL_MOVED
agree() {
  local name=$1 g=$2 j=$3
  if [ -z "$j" ] || [ "$j" = null ]; then check_bad "$name: the journal has no pagesMoved"; return; fi
  local diff=$(( g > j ? g - j : j - g ))
  # a few pages may change between the agent's reading and the guest's (stack, page tables)
  if [ $diff -le $(( g / 100 + 8 )) ]; then
    check_ok "$name: journal pagesMoved $j agrees with the guest's count $g"
  else
    check_bad "$name: journal pagesMoved $j, the guest counted $g"
  fi
}

# journal_result PID TRIGGER: the newest result record's "status pagesMoved pagesLeft durationMs"
journal_result() {
  ctl migrations --pid "$1" -o json 2>/dev/null \
    | jq -r --arg t "$2" '[.[] | select(.kind == "result" and .trigger == $t)] | last | "\(.status) \(.pagesMoved) \(.pagesLeft) \(.durationMs)"'
}

# the agent's own figure: "Result <command> sent N ms after the command arrived"
# (logged just after the result went out: allow it a few seconds to reach the console)
agent_turnaround() { # COMMAND_ID -> ms
  local line
  line=$(wait_for "INF\] Result $1 .* sent .* ms after" 20) || return 0
  sed -n 's/.* sent \([0-9.]*\) ms after.*/\1/p' <<<"$line"
}

for pass in "${pass_list[@]}"; do
  log "== pass: executor $pass"
  declare -A wpid=() wpages=()
  guest start "$pass" 300; out=$ANSWER
  while read -r l; do
    n=$(field name "$l"); wpid[$n]=$(field pid "$l"); wpages[$n]=$(field pages "$l")
    log "  started $n ($(field mb "$l") MiB) pid ${wpid[$n]} on node 3: pages per node ${wpages[$n]}, Cpus_allowed_list $(field cpus "$l"), cgroup $(field cgroup "$l")"
  done < <(tr -d '\r' <"$console" | grep -a "^GVM: c$cmd_seq workload ")
  [ -n "${wpid[w64]:-}" ] && [ -n "${wpid[w256]:-}" ] || die "the guest did not report both workloads"
  log "  guest agent started (pid $(field agent "$out")), waiting for the coordinator to see both tasks on node 3"
  seen=0
  for _ in $(seq 1 300); do
    n3=$(ctl tasks -o json 2>/dev/null | jq --argjson a "${wpid[w64]}" --argjson b "${wpid[w256]}" \
      '[.tasks[] | select((.pid == $a or .pid == $b) and .node == 3)] | length' 2>/dev/null || echo 0)
    [ "$n3" = 2 ] && { seen=1; break; }
    [ "$(left)" -gt 0 ] || break
    sleep 0.5
  done
  [ $seen -eq 1 ] || die "the coordinator did not see both workloads on node 3 (giantvmctl tasks: $(ctl tasks 2>&1 | tr '\n' ' '))"
  log "  coordinator sees both on node 3"

  log "  \$ giantvmctl drain 3 --evacuate --wait"
  t0=$(date +%s%N)
  drain_rc=0
  drain=$(ctl drain 3 --evacuate --wait --timeout 150s -o json) || drain_rc=$?
  t1=$(date +%s%N)
  log "  drain returned after $(( (t1 - t0) / 1000000 )) ms (exit code $drain_rc)"
  [ $drain_rc -eq 0 ] || check_bad "drain 3 --evacuate --wait exited with $drain_rc"
  declare -A target=()
  evacuated=(w64 w256)
  if ! is_answer "$drain"; then
    check_bad "drain 3 --evacuate --wait gave no JSON answer with decisions: $(one_line "$drain")"
    evacuated=()
  fi
  for n in "${evacuated[@]}"; do
    d=$(jq -c --argjson p "${wpid[$n]}" '.decisions[] | select(.pid == $p)' <<<"$drain")
    [ -n "$d" ] || { check_bad "$n: no evacuate decision"; continue; }
    target[$n]=$(jq -r .to <<<"$d")
    st=$(jq -r .status <<<"$d"); pm=$(jq -r .result.pagesMoved <<<"$d"); dur=$(ms "$(jq -r .result.durationMs <<<"$d")")
    log "  evacuate $n: node 3 -> ${target[$n]}: $st, pages moved $pm, agent's executor ${dur} ms"
    [ "$st" = done ] && check_ok "$n: evacuate result done" || check_bad "$n: evacuate result $st ($(jq -r .result.error <<<"$d"))"
    before=$(outside "${wpages[$n]}" "${target[$n]}")
    guest_check "$n" "${target[$n]}"
    agree "$n" $(( before - G_ELSEWHERE )) "$pm"
    wpages[$n]=$G_PAGES
    cmd=$(ctl migrations --pid "${wpid[$n]}" -o json 2>/dev/null | jq -r '[.[] | select(.kind == "decision" and .trigger == "evacuate")] | last | .commandId')
    ta=$(agent_turnaround "$cmd")
    summary+=("$pass evacuate $n 3->${target[$n]}: $pm pages, executor $(printf '%.0f' "$dur") ms, agent command->result ${ta:-?} ms (both evacuations run at once)")
  done
  [ "$(ctl nodes -o json | jq '[.nodes[] | select(.node == 3) | .beTasks] | .[0]')" = 0 ] 2>/dev/null \
    && check_ok "node 3 holds no BE task (giantvmctl nodes)" || log "  note: giantvmctl nodes still counts BE tasks on node 3 (last report)"

  mover=w64
  log "  \$ giantvmctl move ${wpid[$mover]} --to 2 --wait"
  mv_rc=0
  mv=$(ctl move "${wpid[$mover]}" --to 2 --wait --timeout 150s -o json) || mv_rc=$?
  [ $mv_rc -eq 0 ] || check_bad "move --to 2 --wait exited with $mv_rc"
  if is_answer "$mv"; then
    d=$(jq -c '.decisions[0]' <<<"$mv")
  else
    check_bad "move --to 2 --wait gave no JSON answer with decisions: $(one_line "$mv")"
    d='{"status":"no answer"}'
  fi
  st=$(jq -r .status <<<"$d"); pm=$(jq -r .result.pagesMoved <<<"$d"); dur=$(ms "$(jq -r .result.durationMs <<<"$d")")
  log "  move $mover: node ${target[$mover]:-?} -> 2: $st, pages moved $pm, agent's executor ${dur} ms"
  [ "$st" = done ] && check_ok "$mover: move result done" || check_bad "$mover: move result $st ($(jq -r .result.error <<<"$d"))"
  before=$(outside "${wpages[$mover]}" 2)
  guest_check "$mover" 2
  agree "$mover (move)" $(( before - G_ELSEWHERE )) "$pm"
  cmd=$(ctl migrations --pid "${wpid[$mover]}" -o json 2>/dev/null | jq -r '[.[] | select(.kind == "decision" and .trigger == "move")] | last | .commandId')
  ta=$(agent_turnaround "$cmd")
  summary+=("$pass move $mover ${target[$mover]:-?}->2: $pm pages, executor $(printf '%.0f' "$dur") ms, agent command->result ${ta:-?} ms")
  [ "$pass" = "${pass_list[0]}" ] && { move_ms=${ta:-}; move_from=${target[$mover]:-0}; }
  # the other workload stayed where the drain put it
  other=w256
  guest_check "$other" "${target[$other]:-0}"

  # the journal on disk says the same as the answers
  for n in w64 w256; do
    j=$(ctl migrations --pid "${wpid[$n]}" -o json | jq -r '[.[] | select(.kind == "result")] | map(.status) | join(",")')
    [ -n "$j" ] && [[ ! "$j" =~ (failed|refused|partial|timeout) ]] && check_ok "$n: journal results $j" || check_bad "$n: journal results '$j'"
  done

  if [ "$pass" = "${pass_list[0]}" ] && [ "$measure" -gt 0 ]; then
    log "  measuring: bare taskset + migratepages of a fresh 64 MiB workload, node $move_from -> 2 (the move's path, by hand)"
    guest bare 64 "$move_from" 2 180; b=$ANSWER
    bare_ms=$(field total_ms "$b")
    log "  bare: taskset $(field taskset_ms "$b") ms + migratepages $(field migratepages_ms "$b") ms = $bare_ms ms, pages moved $(field pages_moved "$b"), left $(field pages_left "$b")"
    summary+=("bare taskset + migratepages, 64 MiB $move_from->2: $bare_ms ms (taskset $(field taskset_ms "$b") ms, migratepages $(field migratepages_ms "$b") ms), $(field pages_moved "$b") pages")
    if [ -n "${move_ms:-}" ] && [ "${bare_ms:-0}" -gt 0 ]; then
      summary+=("agent command->result / bare for the 64 MiB move: $(awk -v a="$move_ms" -v b="$bare_ms" 'BEGIN { printf "%.2fx", a / b }') (target: within 1.2x; reported, not asserted)")
    fi
    log "  measuring: guest agent and numad -i 1:1 over the same ${measure} s window"
    guest measure "$measure" $(( measure + 60 )); m=$ANSWER
    w=$(field window_ms "$m")
    summary+=("$(awk -v w="$w" -v a="$(field agent_cpu_ms "$m")" -v n="$(field numad_cpu_ms "$m")" -v ar="$(field agent_rss_kb "$m")" -v nr="$(field numad_rss_kb "$m")" \
      'BEGIN { s = w / 1000; printf "agent: %.1f ms CPU per 1 s sample (%.2f%% of a CPU), RSS %.1f MB; numad -i 1:1: %.1f ms CPU per scan (%.2f%% of a CPU), RSS %.1f MB (window %.1f s, 1 scan/s assumed)", a / s, a / w * 100, ar / 1024, n / s, n / w * 100, nr / 1024, s }')")
    summary+=("  smaps_rollup (kB): agent $(field agent_rss_parts "$m"); numad $(field numad_rss_parts "$m"); agent environment: ${agent_env:-none}")
    log "  ${m#GVM: }"
  fi

  ctl undrain 3 >/dev/null || check_bad "undrain 3 failed"
  guest stop 60
  unset wpid wpages target
done

guest poweroff 60
for _ in $(seq 1 100); do kill -0 "$qemu_pid" 2>/dev/null || break; sleep 0.1; done
kill -0 "$qemu_pid" 2>/dev/null && log "QEMU did not exit after poweroff; it is stopped by the cleanup"

echo
echo "numa-guest report ($kpkg, QEMU TCG, 4 nodes x 1 CPU x 1 GiB; $(( $(date +%s) - started )) s so far)"
for s in "${summary[@]}"; do echo "  $s"; done
if [ $failures -eq 0 ]; then
  echo "numa-guest: all checks held (passes: ${pass_list[*]})"
  exit 0
fi
echo "numa-guest: $failures check(s) FAILED:"
for f in "${failed[@]}"; do echo "  FAILED $f"; done
exit 1
