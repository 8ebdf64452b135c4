#!/usr/bin/env bash
# Copies real /proc and /sys files of THIS machine into a fake tree, two snapshots one second
# apart: tests/GiantVm.Linux.Tests/Fixtures/real/{a,b}/{proc,sys}/... . It starts one `sleep`
# (a shell) whose comm it renames to "be (x) y" (spaces and parentheses) and captures it and the
# capturing shell with their threads. The generated trees (4-node, 8-node, QEMU host) are written
# by the C# generators in tests/GiantVm.Linux.Tests/Fixtures/Generators at test time.
set -euo pipefail
cd "$(dirname "$0")/.."
out=tests/GiantVm.Linux.Tests/Fixtures/real
rm -rf "$out"

# a process may rename only itself: the shell renames itself, then waits on a sleep
bash -c 'printf "be (x) y" > /proc/self/comm; sleep 600 & wait' & be=$!
trap 'pkill -P $be 2>/dev/null; kill $be 2>/dev/null || true' EXIT
for _ in $(seq 50); do [ "$(cat /proc/$be/comm)" = "be (x) y" ] && break; sleep 0.1; done

copy() { # copy SRC DST-RELATIVE (skips files that vanished or cannot be read)
  local src=$1 dst=$2
  mkdir -p "$(dirname "$dst")"
  cat "$src" > "$dst" 2>/dev/null || rm -f "$dst"
}

snapshot() {
  local d=$out/$1
  for f in stat meminfo loadavg uptime sys/kernel/numa_balancing; do copy /proc/$f "$d/proc/$f"; done
  for pid in $$ $be; do
    for f in stat status numa_maps comm; do copy /proc/$pid/$f "$d/proc/$pid/$f"; done
    for t in /proc/$pid/task/*; do
      tid=$(basename "$t")
      for f in schedstat comm stat; do copy "$t/$f" "$d/proc/$pid/task/$tid/$f"; done
    done
  done
  local n=/sys/devices/system/node
  for f in online possible has_cpu has_memory has_normal_memory; do copy $n/$f "$d$n/$f"; done
  for node in $n/node[0-9]*; do
    for f in cpulist meminfo numastat; do copy "$node/$f" "$d$node/$f"; done
  done
  local cg=/sys/fs/cgroup
  if [ -f $cg/cgroup.controllers ]; then v2=$cg; else v2=$cg/unified; fi
  for f in cgroup.controllers cpu.stat; do copy $v2/$f "$d$v2/$f"; done
  printf "%s\n%s\n" $$ $be > "$d$v2/cgroup.procs"   # the captured pids only
  [ -f $cg/cpuacct/cpuacct.usage ] && copy $cg/cpuacct/cpuacct.usage "$d$cg/cpuacct/cpuacct.usage"
  printf '%s\n' $be > "$d/be.pids"
}

snapshot a
sleep 1
snapshot b
echo "captured into $out (be pid $be, shell $$)"
