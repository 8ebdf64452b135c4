#!/usr/bin/env python3
"""What could N single moves remove if the policy knew every task's future? Reads the snapshots
`giantvm-sim run --policies none --dump-snapshots DIR` wrote (DIR/none/instance-*.jsonl) and values
every possible move (task, step, target) by the LC CPU-seconds it would remove over the rest of the
task's life (the harm it causes on its source minus the harm it causes on the target, every other
task where none left it), with the simulator's per-host model at the default weights (wL = wV = 1,
vCPU ratio 1; the same model as scripts/sim-loss-where.py and scripts/sim-move-value.py). It then
picks N moves greedily, best value first, re-valuing a move after earlier picks changed the demand
(each task moved at most once; moves are free: no migration cost, no memory check). This is a
hindsight estimate, not a bound: greedy is not optimal and the values assume the rest of the
placement stays as none's. Compare its total with (none - oracle) from summary.json.

usage: scripts/sim-hindsight-moves.py DIR [N] [MIN_CPU]
"""
import collections
import glob
import heapq
import json
import sys


def loss(capacity, lc, be):
    g = min(be, capacity)
    share = capacity / 2
    if lc + g <= capacity or lc <= share:
        return 0.0
    return max(0.0, lc - (capacity - g) if g <= capacity - share else lc - share)


def load(path):
    snaps = [json.loads(line) for line in open(path, encoding="utf-8")]
    inst = {
        "name": path[-10:-6],
        "nodes": [n["id"] for n in snaps[0]["nodes"]],
        "capacity": {n["id"]: n["hostCapacityCores"] for n in snaps[0]["nodes"]},
        "lc": [{n["id"]: n["hostLcBusyCores"] for n in s["nodes"]} for s in snaps],
        "demand": [collections.defaultdict(float) for _ in snaps],
        "life": collections.defaultdict(dict),  # (pid, start) -> {step: [node, cpu]}
    }
    for j, s in enumerate(snaps):
        for t in s["tasks"]:
            cpu = t.get("cpuCores") or 0
            inst["demand"][j][t["node"]] += cpu
            inst["life"][(t["pid"], t.get("startTime"))][j] = [t["node"], cpu]
    return inst


def value(inst, key, step, target):
    v = 0.0
    cap = inst["capacity"]
    for j, (src, cpu) in inst["life"][key].items():
        if j <= step:  # a move made at the end of `step` counts from the next step on
            continue
        if src == target:
            return None
        lc, d = inst["lc"][j], inst["demand"][j]
        v += loss(cap[src], lc[src], d[src]) - loss(cap[src], lc[src], d[src] - cpu)
        v -= loss(cap[target], lc[target], d[target] + cpu) - loss(cap[target], lc[target], d[target])
    return v * 300


def best_move(inst, key, min_cpu):
    best = (0.0, None)
    for step, (src, cpu) in inst["life"][key].items():
        if cpu < min_cpu:
            continue
        for target in inst["nodes"]:
            if target != src and (v := value(inst, key, step, target)) is not None and v > best[0]:
                best = (v, (step, target))
    return best


def main(root, n, min_cpu):
    instances = [load(p) for p in sorted(glob.glob(f"{root}/none/instance-*[0-9].jsonl"))]
    heap = []
    for i, inst in enumerate(instances):
        for key in inst["life"]:
            v, move = best_move(inst, key, min_cpu)
            if move:
                heap.append((-v, i, key))
    heapq.heapify(heap)
    total, picked = 0.0, 0
    print("pick instance  step  age   cpu  steps-left target  LC CPU-s removed  cumulative")
    while heap and picked < n:
        negv, i, key = heapq.heappop(heap)
        inst = instances[i]
        v, move = best_move(inst, key, min_cpu)
        if not move:
            continue
        if v < -negv - 1e-9:  # worth less after earlier picks: back in the queue at its new value
            heapq.heappush(heap, (-v, i, key))
            continue
        step, target = move
        life = inst["life"][key]
        print(f"{picked + 1:4d} {inst['name']}    {step:5d} {step - min(life):4d} {life[step][1]:.3f} {max(life) - step:10d}  n{target:<5d} {v:16.0f} {total + v:11.0f}")
        for j, entry in life.items():
            if j > step:
                inst["demand"][j][entry[0]] -= entry[1]
                inst["demand"][j][target] += entry[1]
                entry[0] = target
        total += v
        picked += 1
    print(f"{picked} moves with hindsight remove {total:,.0f} LC CPU-s")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 30, float(sys.argv[3]) if len(sys.argv) > 3 else 0.0)
