#!/usr/bin/env python3
"""Where does `none` lose its LC CPU? Reads the snapshots `giantvm-sim run --policies none
--dump-snapshots DIR` wrote (DIR/none/instance-*.jsonl), recomputes each (node, step)'s LC loss
with the simulator's per-host model at the default weights (wL = wV = 1, vCPU ratio 1; the loss
total equals summary.json's lcCpuSecondsLost / 300), and splits it by what a policy could see.

usage: scripts/sim-loss-where.py DIR
"""
import glob
import json
import sys


def lc_loss(capacity, lc, be):
    g = min(be, capacity)  # vCPU ratio 1
    share = capacity / 2   # equal CFS weights
    if lc + g <= capacity or lc <= share:
        return 0.0
    return max(0.0, lc - (capacity - g) if g <= capacity - share else lc - share)


def main(root):
    total = 0.0
    by_steal = {"guest steal >= 0.15 (steal_high)": 0.0, "0.02 <= guest steal < 0.15": 0.0, "guest steal < 0.02": 0.0}
    only_small = 0.0
    continuing = 0.0
    for path in sorted(glob.glob(f"{root}/none/instance-*[0-9].jsonl")):
        previous = {}
        for line in open(path, encoding="utf-8"):
            snapshot = json.loads(line)
            demand, big = {}, set()
            for t in snapshot.get("tasks", []):
                cpu = t.get("cpuCores") or 0
                demand[t["node"]] = demand.get(t["node"], 0) + cpu
                if cpu >= 0.05:
                    big.add(t["node"])
            for n in snapshot["nodes"]:
                loss = lc_loss(n["hostCapacityCores"], n["hostLcBusyCores"], demand.get(n["id"], 0))
                total += loss
                steal = n["stealRatio"]
                key = list(by_steal)[0 if steal >= 0.15 else 1 if steal >= 0.02 else 2]
                by_steal[key] += loss
                if n["id"] not in big:
                    only_small += loss
                if previous.get(n["id"], 0) > 0:
                    continuing += loss
                previous[n["id"]] = loss
    print(f"none's LC CPU lost: {total * 300:,.0f} CPU-s")
    for key, value in by_steal.items():
        print(f"  on (node, step)s with {key}: {value / total:.1%}")
    print(f"  where no BE task has >= 0.05 cores (migrate.min_cpu_cores): {only_small / total:.1%}")
    print(f"  where the node lost LC in the step before too (a policy one step late can act): {continuing / total:.1%}")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
