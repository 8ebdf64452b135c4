#!/usr/bin/env bash
# The whole loop on emulated GiantVMs, on one machine: builds, starts two emulated GiantVM
# instances, `giantvm` and `giantvm-b` (giantvm-sim emulate, scenario
# coordinator/GiantVm.Simulator/scenarios/demo-4node.yaml, one emulator each), the coordinator as
# a cluster of three members (Akka cluster on loopback) sharing a throwaway PostgreSQL this
# script starts (initdb/pg_ctl in the work folder; the rebalancers' events and the migration log
# live there) with the shipped `demo` policy, and per instance four host agents and the guest
# agent (given all three members' addresses) on 127.0.0.1 (free ports). One coordinator cluster
# serves both instances: a rebalancer per instance, sharded over the members (giantvmctl vms).
# The scenario raises the LC load on the BE tasks' host; the coordinator moves them to the
# lowest-steal node. Decisions are printed as they happen, then the node state and
# the migrations. Every channel is mutual TLS (certificates from scripts/gen-certs.sh in the work
# folder; giantvmctl reads them from a contexts file, GIANTVM_CONFIG). Everything started here is
# stopped on exit, Ctrl-C or TERM.
#
#   scripts/demo.sh [--single] [--no-build] [--keep DIR]
#     --single     one coordinator member on its default SQLite store (no PostgreSQL), one instance
#     --no-build   use the binaries already built (CONFIGURATION, default Debug)
#     --keep DIR   work in DIR and keep it (logs, emulated trees, journal); default: a temp dir
#                  that is deleted at the end
# Exit code: 0 when every BE task of every instance ended on its lowest-steal node, 1 otherwise, 2 usage.
# Without --keep, the PostgreSQL server and its data are removed at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
config=${CONFIGURATION:-Debug}
build=1
keep=""
members=3
while [ $# -gt 0 ]; do
  case "$1" in
    --no-build) build=0 ;;
    --single) members=1 ;;
    --keep) [ $# -ge 2 ] || { echo "demo: --keep needs a folder" >&2; exit 2; }; keep=$2; shift ;;
    -h|--help) sed -n '2,24p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "demo: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
  shift
done

scripts/deps.sh && { command -v jq >/dev/null 2>&1 || scripts/deps.sh jq; }

scenario=coordinator/GiantVm.Simulator/scenarios/demo-4node.yaml
sim=coordinator/GiantVm.Simulator/bin/$config/net10.0/giantvm-sim.dll
coord=coordinator/GiantVm.Coordinator/bin/$config/net10.0/giantvm-coordinator.dll
agent=node-agent/GiantVm.NodeAgent/bin/$config/net10.0/giantvm-agent.dll
ctl=coordinator/GiantVm.Ctl/bin/$config/net10.0/giantvmctl.dll

if [ $build -eq 1 ]; then
  echo "demo: building ($config) ..."
  for p in coordinator/GiantVm.Simulator coordinator/GiantVm.Coordinator coordinator/GiantVm.Ctl node-agent/GiantVm.NodeAgent; do
    dotnet build "$p" -c "$config" -nologo -v q -clp:NoSummary >/dev/null || { echo "demo: build of $p failed (run: dotnet build $p)" >&2; exit 1; }
  done
fi
for f in "$sim" "$coord" "$agent" "$ctl"; do
  [ -f "$f" ] || { echo "demo: $f is missing; run without --no-build" >&2; exit 1; }
done

if [ -n "$keep" ]; then
  work=$(mkdir -p "$keep" && cd "$keep" && pwd)
else
  work=$(mktemp -d /tmp/giantvm-demo.XXXXXX)
  chmod 755 "$work" # the throwaway PostgreSQL runs as the postgres user and must reach $work/postgres
fi
mkdir -p "$work/logs"
vms=(giantvm)
[ $members -eq 1 ] || vms+=(giantvm-b)
emu_of() { if [ "$1" = giantvm ]; then echo "$work/emulated"; else echo "$work/emulated-$1"; fi; }
emu=$(emu_of giantvm)

# Everything started here is registered in pids and stopped on exit (scripts/lib/procs.sh).
. "$repo/scripts/lib/procs.sh"
. "$repo/scripts/lib/postgres.sh"
demo_cleanup() { # exit code
  [ $members -eq 1 ] || pg_throwaway_stop "$work/postgres"
  if [ -z "$keep" ]; then rm -rf "$work"; else echo "demo: logs, trees and journal kept in $work"; fi
  echo "demo: stopped everything it started"
}
procs_trap demo_cleanup

start() { # name, command...
  local name=$1; shift
  "$@" >"$work/logs/$name.log" 2>&1 &
  pids+=("$(jobs -p %+)")
  disown %+ # no job notices; procs_cleanup waits on the pids itself
}

free_port() {
  local p
  for _ in $(seq 1 100); do
    p=$((10000 + RANDOM % 22000)) # below the ephemeral range (32768+): no outgoing connection takes it
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null && [[ " ${used_ports:-} " != *" $p "* ]]; then
      used_ports="${used_ports:-} $p"
      echo "$p"; return 0
    fi
  done
  echo "demo: no free port found" >&2; return 1
}

wait_for() { # seconds, description, command...
  local seconds=$1 what=$2; shift 2
  local end=$((SECONDS + seconds))
  until "$@" 2>/dev/null; do
    if [ $SECONDS -ge $end ]; then echo "demo: timed out after ${seconds}s waiting for $what (logs: $work/logs)" >&2; return 1; fi
    sleep 0.2
  done
}

healthy() { # metrics port: /healthz says Healthy once the member is Up in the cluster
  bash -c "exec 3<>/dev/tcp/127.0.0.1/$1 && printf 'GET /healthz HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&3 && grep -q Healthy <&3"
}
grpc=(); metrics=(); akka=(); urls=(); seeds=()
for i in $(seq 0 $((members - 1))); do
  grpc+=("$(free_port)"); metrics+=("$(free_port)"); akka+=("$(free_port)")
  urls+=("https://127.0.0.1:${grpc[$i]}")
  seeds+=("akka.tcp://giantvm@127.0.0.1:${akka[$i]}")
done
url=$(IFS=,; echo "${urls[*]}")        # agents and giantvmctl try the members in turn
seed_nodes=$(IFS=,; echo "${seeds[*]}")
started=$SECONDS

# Secure by default: one CA for this demo, an identity per member, host, the guest and the operator.
certs=$work/certs
member_names=$(seq -s, -f 'member-%g' 0 $((members - 1)))
scripts/gen-certs.sh --out "$certs" --vm "$(IFS=,; echo "${vms[*]}")" --hosts 4 --members "$member_names" --operators demo >/dev/null 2>"$work/logs/gen-certs.log"
tls() { echo --tls-cert "$certs/$1.crt" --tls-key "$certs/$1.key" --tls-ca "$certs/ca.crt"; }
export GIANTVM_CONFIG=$work/giantvmctl.yaml
cat > "$GIANTVM_CONFIG" <<EOF
current-context: demo
contexts:
  demo:
    coordinator: '$url'
    vm: giantvm
    cert: '$certs/operator-demo.crt'
    key: '$certs/operator-demo.key'
    ca: '$certs/ca.crt'
EOF
echo "demo: mutual TLS everywhere: CA and identities in $certs (scripts/gen-certs.sh); giantvmctl context in $GIANTVM_CONFIG"

for v in "${vms[@]}"; do
  echo "demo: emulated GiantVM '$v': 4 hosts x 4 CPUs, 4 BE tasks on node 1 (scenario $scenario)"
  start "emulator-$v" dotnet "$sim" emulate --root "$(emu_of "$v")" --scenario "$scenario" --duration 300s
done
if [ $members -gt 1 ]; then
  pg_port=$(free_port)
  pg_throwaway_start "$work/postgres" "$pg_port" || exit 1
  store=$(pg_throwaway_uri "$pg_port")
  echo "demo: coordinator cluster of $members members on $url, store $store (throwaway PostgreSQL in $work/postgres), policy 'demo' (coordinator/policies/demo.yaml)"
else
  store="sqlite:$work/coordinator0/giantvm.db"
  echo "demo: one coordinator member on $url, store $store, policy 'demo' (coordinator/policies/demo.yaml)"
fi
for i in $(seq 0 $((members - 1))); do
  start "coordinator$i" dotnet "$coord" --policy demo --urls "${urls[$i]}" --metrics-url "http://127.0.0.1:${metrics[$i]}" \
    --data-dir "$work/coordinator$i" --member-name "member-$i" --akka-port "${akka[$i]}" --seed-nodes "$seed_nodes" --cluster-size $members \
    --store "$store" $(tls "coordinator-member-$i")
done
for v in "${vms[@]}"; do
  e=$(emu_of "$v")
  wait_for 60 "the emulator's files of $v" test -f "$e/emulator/status.json"
  for k in 0 1 2 3; do
    start "host$k-$v" dotnet "$agent" run --role host --node-id $k --vm "$v" --coordinator "$url" \
      --proc-root "$e/host$k/proc" --sys-root "$e/host$k/sys" --lc-cgroup lc $(tls "host-$v-$k")
  done
  start "guest-$v" dotnet "$agent" run --role guest --vm "$v" --coordinator "$url" \
    --proc-root "$e/guest/proc" --sys-root "$e/guest/sys" --be-cgroup be \
    --executor emulated --emulator-root "$e" $(tls "guest-$v")
done
for i in $(seq 0 $((members - 1))); do
  wait_for 90 "coordinator member $i to join the cluster" healthy "${metrics[$i]}"
done
for v in "${vms[@]}"; do
  wait_for 60 "the guest agent of $v to connect" grep -q "Connected to coordinator" "$work/logs/guest-$v.log"
done
dotnet "$ctl" status | sed -n '/^MEMBER/,/^$/p' || true

echo "demo: all running ($((SECONDS - started))s). At 15s host 1's LC load climbs to 95%; decisions as they happen:"
echo
tail -n +1 -q -F "$work/logs/emulator-giantvm.log" "$work"/logs/coordinator?.log 2>/dev/null \
  | grep --line-buffered -E 'LC load|Decision |Result ' \
  | sed -u -E 's/^\[emulator +([0-9.]+s)\] /  [emulator \1] /; s/^\[([0-9:]+) INF\] /  [coordinator \1] /' &
pids+=("$(jobs -p %+)") # the pipeline's process group
disown %+

status() { cat "${1:-$emu}/emulator/status.json"; }
# After the spike (20s), the node that can take every BE task with the least steal by the
# cluster model (LC demand + all BE demand over its CPUs; ties: lowest id).
best_node='([.tasks[].demand_cores] | add) as $be | .nodes | map({id, cpus, lc: .lc_demand_cores}) | min_by([([.lc + $be - .cpus, 0] | max), .id]) | .id'
all_on_best() { status "${1:-$emu}" | jq -e "($best_node) as \$best | .time_seconds > 20 and ([.tasks[] | select(.cpu_node != \$best or .page_node != \$best)] | length == 0)" >/dev/null; }
every_instance_on_best() { for v in "${vms[@]}"; do all_on_best "$(emu_of "$v")" || return 1; done; }
ok=0
best="the lowest-steal node"
if wait_for 75 "every BE task of every instance on its lowest-steal node" every_instance_on_best; then
  best=$(status | jq "$best_node")
  ok=1
  moved_at=$(status | jq '.time_seconds')
  # let the steal signal settle on the new node for a few seconds
  target=$(awk -v t="$moved_at" 'BEGIN { print t + 5 }')
  wait_for 30 "5 more emulated seconds" bash -c "jq -e '.time_seconds > $target' '$emu/emulator/status.json' >/dev/null"
fi
sleep 0.5
echo
echo "== nodes (emulator's model: what the agents read) =="
status | jq -r '["NODE","CPUS","LC LOAD","BE DEMAND","GUEST SERVED","STEAL","BE TASKS"],
  (.nodes[] | [.id, .cpulist, ((.lc_load_ratio*100|round|tostring)+"%"), .be_demand_cores, .guest_served_cores, .steal_ratio, .be_tasks])
  | @tsv' | column -t -s $'\t'
echo
echo "== BE tasks =="
status | jq -r '["PID","COMM","NODE","DEMAND","SERVED","PAGES PER NODE"],
  (.tasks[] | [.pid, .comm, .cpu_node, .demand_cores, .served_cores, (.pages_per_node | to_entries | map("N\(.key)=\(.value)") | join(","))]) | @tsv' | column -t -s $'\t'
echo
echo "== giantvmctl nodes (the coordinator's view) =="
dotnet "$ctl" nodes || true
echo
echo "== giantvmctl status (the coordinator cluster; instance giantvm) =="
dotnet "$ctl" status || true
echo
echo "== giantvmctl vms (every instance this coordinator cluster serves) =="
dotnet "$ctl" vms || true
echo
echo "== giantvmctl migrations (from the store: $store) =="
dotnet "$ctl" migrations || true
echo
be_steal=$(status | jq '.be_steal_ratio')
if [ $ok -eq 1 ]; then
  echo "demo: every BE task of ${vms[*]} is on its lowest-steal node (giantvm: node $best); the steal giantvm's BE tasks see is now $be_steal (demo policy steal_low 0.05). Took $((SECONDS - started))s."
else
  echo "demo: the BE tasks did NOT all reach $best; BE steal $be_steal. Logs: $work/logs"
  [ -n "$keep" ] || keep=$work
  exit 1
fi
