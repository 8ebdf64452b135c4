#!/bin/sh
# /init of the numa-guest initramfs (scripts/numa-guest.sh builds it; busybox sh).
#
# Sets the guest up (proc, sys, cgroup2 with cpuset for the BE cgroup, the network path to the
# host's coordinator), then serves commands from the host, one per line on /dev/ttyS1 (a QEMU
# pipe chardev): "ID VERB ARGS...". Every answer is a line "GVM: ID VERB key=value ..." on the
# console (ttyS0, which QEMU writes to a file the host reads); "GVM: ID error TEXT" when the
# verb failed. The agent's log goes to the console too (Serilog's "[HH:mm:ss INF] ..." lines).
#
# Verbs:
#   start EXECUTOR         BE workloads (config WORKLOADS) on node BE_NODE, then the agent
#   check NAME NODE        the guest's own view of workload NAME: pages per node (numa_maps),
#                          affinity of the process and of every thread, content verified
#   bare MB FROM TO        a fresh MB workload on FROM moved by hand (taskset + migratepages)
#   measure SECONDS        CPU and RSS of the agent and of numad -i 1:1 over the same window
#   stop                   stop the agent and the workloads, remove the per-node leaves
#   poweroff
PATH=/usr/local/bin:/bin:/sbin:/usr/bin:/usr/sbin
export PATH HOME=/root

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mkdir -p /run /tmp /var/log /var/run /root /dev/shm
mount -t tmpfs tmpfs /run
mount -t tmpfs tmpfs /tmp
. /etc/numa-guest.conf

say() { echo "GVM: $*"; }
fail() { echo "GVM: $ID error $*"; }

say boot kernel=$(uname -r) nodes=$(cat /sys/devices/system/node/online) cpus=$(cat /sys/devices/system/cpu/online) numa_balancing=$(cat /proc/sys/kernel/numa_balancing 2>/dev/null || echo -1)

# cgroup2 with cpuset delegated to the BE cgroup and to its children (the cpuset executor's leaves)
mkdir -p /sys/fs/cgroup
mount -t cgroup2 cgroup2 /sys/fs/cgroup || say setup-error cannot mount cgroup2
echo +cpuset > /sys/fs/cgroup/cgroup.subtree_control || say setup-error cannot enable cpuset at the root
BE=/sys/fs/cgroup/$BE_CGROUP
mkdir -p "$BE"
echo +cpuset > "$BE/cgroup.subtree_control" || say setup-error cannot enable cpuset for $BE_CGROUP
say cgroup root=$(cat /sys/fs/cgroup/cgroup.subtree_control) be=$(cat "$BE/cgroup.subtree_control")

# the one network path: eth0 (user-mode networking, restrict=on) whose only reachable address is
# the guestfwd $COORD_IP:$COORD_PORT, which QEMU relays to the coordinator on the host's loopback
insmod /lib/e1000.ko 2>/dev/null
ip link set lo up
ip link set eth0 up && ip addr add 10.0.2.15/24 dev eth0 && ip route add default via 10.0.2.2 \
  || say setup-error no eth0
say net $(ip -o -4 addr show eth0 2>/dev/null | awk '{print $4}')

mkdir -p /run/gvmwork
stty -F /dev/ttyS1 raw -echo 2>/dev/null
exec 3</dev/ttyS1

node_cpus() { cat /sys/devices/system/node/node$1/cpulist; }
now_ns() { /bin/gvmwork now; }
ms_between() { echo $(( ($2 - $1) / 1000000 )); }

# pages per node of PID from numa_maps: "3:16402,0:11" (nodes in order), and the total
pages_of() {
  awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^N[0-9]+=/) { split(substr($i, 2), a, "="); s[a[1]] += a[2] } }
       END { out = ""; for (n = 0; n < 64; n++) if (n in s) out = out (out == "" ? "" : ",") n ":" s[n]; print (out == "" ? "none" : out) }' \
      /proc/$1/numa_maps 2>/dev/null
}
# pages of PID not on NODE
pages_elsewhere() {
  awk -v node="$2" '{ for (i = 1; i <= NF; i++) if ($i ~ /^N[0-9]+=/) { split(substr($i, 2), a, "="); if (a[1] != node) s += a[2] } }
       END { print s + 0 }' /proc/$1/numa_maps 2>/dev/null
}
# 1 when every CPU of LIST (e.g. "2" or "0-1,3") is in node NODE's cpulist
within_node() {
  want=$(expand_list "$(node_cpus $2)")
  for c in $(expand_list "$1"); do
    case " $want " in *" $c "*) ;; *) echo 0; return ;; esac
  done
  echo 1
}
expand_list() {
  echo "$1" | tr ',' '\n' | while IFS=- read a b; do
    [ -n "$a" ] || continue
    [ -n "$b" ] || b=$a
    i=$a; while [ $i -le $b ]; do echo -n "$i "; i=$((i + 1)); done
  done
}
cpus_allowed() { awk '/^Cpus_allowed_list:/ { print $2 }' /proc/$1/status 2>/dev/null; }
ticks_of() { awk '{ sub(/.*\) /, ""); print $12 + $13 }' /proc/$1/stat 2>/dev/null; }  # utime+stime (fields 14, 15)
# RSS from smaps_rollup (a page-table walk: exact; status's VmRSS lags on this kernel, whose
# per-thread RSS counters reach the process only every 64 page faults: a small daemon shows ~0)
rss_kb() { awk '/^Rss:/ { print $2 }' /proc/$1/smaps_rollup 2>/dev/null; }
rss_parts() { awk '/^(Pss|Anonymous|Shared_Clean|Private_Clean):/ { printf "%s%s=%s", (n++ ? "," : ""), $1, $2 } END { print "" }' /proc/$1/smaps_rollup 2>/dev/null | tr -d ':'; }
hwm_kb() { awk '/^VmHWM:/ { print $2 }' /proc/$1/status 2>/dev/null; }  # peak, as the kernel counted it
pid_of() { cat /run/gvmwork/$1.pid 2>/dev/null; }

# start workload NAME of MB MiB on node NODE in cgroup directory CG (empty: none); waits until
# its memory is touched. Its own copy of the binary (page cache placed on NODE too), so that
# moving one workload's text pages never moves another's.
start_workload() {
  name=$1 mb=$2 node=$3 cg=$4
  rm -f /run/gvmwork/$name.pid /run/gvmwork/$name.verify
  numactl --cpunodebind=$node --preferred=$node /bin/busybox cp /bin/gvmwork /run/gvmwork/$name
  if [ -n "$cg" ]; then
    sh -c "echo \$\$ > $cg/cgroup.procs && exec numactl --cpunodebind=$node --preferred=$node /run/gvmwork/$name run $mb $name" &
  else
    numactl --cpunodebind=$node --preferred=$node /run/gvmwork/$name run $mb $name &
  fi
  i=0
  while [ ! -s /run/gvmwork/$name.pid ]; do
    i=$((i + 1)); [ $i -le 1200 ] || return 1
    sleep 0.1
  done
}

verify_workload() { # NAME PID -> "ok WORDS" | "bad N FIRST" | "timeout"
  rm -f /run/gvmwork/$1.verify
  kill -USR1 $2 || { echo gone; return; }
  i=0
  while [ ! -s /run/gvmwork/$1.verify ]; do
    i=$((i + 1)); [ $i -le 1200 ] || { echo timeout; return; }
    sleep 0.1
  done
  cat /run/gvmwork/$1.verify
}

AGENT_PID=
start_agent() {
  exec_name=$1
  env $AGENT_ENV /bin/giantvm-agent run --role guest --coordinator "http://$COORD_IP:$COORD_PORT" \
    --be-cgroup "$BE_CGROUP" --executor "$exec_name" --interval 1s $AGENT_ARGS > /dev/console 2>&1 &
  AGENT_PID=$!
}

cmd_start() {
  executor=$1
  case "$executor" in numactl|cpuset) ;; *) fail "start: unknown executor '$executor'"; return ;; esac
  cg=$BE
  if [ "$executor" = cpuset ]; then
    # the cpuset executor's layout: tasks in per-node leaves <be>/node<K>
    cg=$BE/node$BE_NODE
    mkdir -p "$cg"
    node_cpus $BE_NODE > "$cg/cpuset.cpus" && echo $BE_NODE > "$cg/cpuset.mems" \
      || { fail "start: cannot set up $cg"; return; }
  fi
  for w in $WORKLOADS; do
    name=${w%%:*} mb=${w#*:}
    start_workload $name $mb $BE_NODE "$cg" || { fail "start: workload $name did not start"; return; }
    pid=$(pid_of $name)
    say $ID workload name=$name mb=$mb pid=$pid pages=$(pages_of $pid) cpus=$(cpus_allowed $pid) cgroup=$(cat /proc/$pid/cgroup)
  done
  t0=$(now_ns)
  start_agent $executor
  say $ID start executor=$executor agent=$AGENT_PID
}

cmd_check() {
  name=$1 node=$2 pid=$(pid_of $1)
  [ -n "$pid" ] && [ -d /proc/$pid ] || { fail "check: workload $name is not running"; return; }
  threads=0 on=0
  for t in /proc/$pid/task/*; do
    threads=$((threads + 1))
    l=$(awk '/^Cpus_allowed_list:/ { print $2 }' $t/status 2>/dev/null)
    [ "$(within_node "$l" $node)" = 1 ] && on=$((on + 1))
  done
  cpus=$(cpus_allowed $pid)
  v=$(verify_workload $name $pid)
  say $ID check name=$name pid=$pid node=$node node_cpus=$(node_cpus $node) pages=$(pages_of $pid) \
    elsewhere=$(pages_elsewhere $pid $node) cpus=$cpus cpus_ok=$(within_node "$cpus" $node) \
    threads=$threads threads_ok=$on verify="$(echo $v | tr ' ' ':')"
  numastat -p $pid 2>/dev/null | sed -n 's/^Total */GVM-INFO: numastat -p '"$pid"' (MB per node) /p'
}

cmd_bare() {
  mb=$1 from=$2 to=$3 name=bare$1
  start_workload $name $mb $from "" || { fail "bare: workload did not start"; return; }
  pid=$(pid_of $name)
  before=$(pages_elsewhere $pid $to)
  cpus=$(node_cpus $to)
  t0=$(now_ns)
  taskset -a -p -c $cpus $pid >/dev/null || { fail "bare: taskset failed"; return; }
  t1=$(now_ns)
  migratepages $pid $from $to || { fail "bare: migratepages failed"; return; }
  t2=$(now_ns)
  after=$(pages_elsewhere $pid $to)
  say $ID bare mb=$mb pid=$pid from=$from to=$to taskset_ms=$(ms_between $t0 $t1) migratepages_ms=$(ms_between $t1 $t2) \
    total_ms=$(ms_between $t0 $t2) pages_moved=$((before - after)) pages_left=$after cpus=$(cpus_allowed $pid)
  kill $pid; wait $pid 2>/dev/null
}

cmd_measure() {
  secs=$1
  [ -n "$AGENT_PID" ] && [ -d /proc/$AGENT_PID ] || { fail "measure: the agent is not running"; return; }
  numad -i 1:1 || { fail "measure: numad did not start"; return; }
  i=0
  while [ ! -s /var/run/numad.pid ]; do i=$((i + 1)); [ $i -le 100 ] || break; sleep 0.1; done
  npid=$(cat /var/run/numad.pid 2>/dev/null)
  [ -n "$npid" ] && [ -d /proc/$npid ] || { fail "measure: numad is not running"; return; }
  sleep 2 # numad's first scans and the agent's steady state
  clk=100
  a0=$(ticks_of $AGENT_PID) n0=$(ticks_of $npid) t0=$(now_ns)
  sleep $secs
  a1=$(ticks_of $AGENT_PID) n1=$(ticks_of $npid) t1=$(now_ns)
  ms=$(ms_between $t0 $t1)
  say $ID measure window_ms=$ms agent_cpu_ms=$(( (a1 - a0) * 1000 / clk )) agent_rss_kb=$(rss_kb $AGENT_PID) agent_hwm_kb=$(hwm_kb $AGENT_PID) \
    numad_cpu_ms=$(( (n1 - n0) * 1000 / clk )) numad_rss_kb=$(rss_kb $npid) numad_hwm_kb=$(hwm_kb $npid) \
    agent_rss_parts=$(rss_parts $AGENT_PID) numad_rss_parts=$(rss_parts $npid)
  numad -i 0 2>/dev/null
  i=0; while [ -d /proc/$npid ] && [ $i -lt 50 ]; do i=$((i + 1)); sleep 0.1; done
  kill $npid 2>/dev/null
  tail -n 3 /var/log/numad.log 2>/dev/null | sed 's/^/GVM-INFO: numad.log /'
}

cmd_stop() {
  if [ -n "$AGENT_PID" ]; then
    kill $AGENT_PID 2>/dev/null
    i=0; while [ -d /proc/$AGENT_PID ] && [ $i -lt 150 ]; do i=$((i + 1)); sleep 0.1; done
    kill -9 $AGENT_PID 2>/dev/null
    AGENT_PID=
  fi
  for f in /run/gvmwork/*.pid; do
    [ -e "$f" ] || continue
    kill $(cat $f) 2>/dev/null
    rm -f "$f"
  done
  sleep 0.5
  for d in $BE/node*; do [ -d "$d" ] && rmdir "$d" 2>/dev/null; done
  say $ID stop leaves=$(ls -d $BE/node* 2>/dev/null | wc -l)
}

say ready
while IFS= read -r line <&3; do
  line=$(echo "$line" | tr -d '\r')
  [ -n "$line" ] || continue
  set -- $line
  ID=$1; verb=$2; shift 2
  case "$verb" in
    start) cmd_start "$@" ;;
    check) cmd_check "$@" ;;
    bare) cmd_bare "$@" ;;
    measure) cmd_measure "$@" ;;
    stop) cmd_stop ;;
    poweroff) cmd_stop >/dev/null; say $ID poweroff now; sync; poweroff -f ;;
    *) fail "unknown verb '$verb'" ;;
  esac
done
say control-channel-closed
poweroff -f
