#!/usr/bin/env python3
"""Where does `none` lose its LC CPU? Reads the snapshots `giantvm-sim run --policies none
--dump-snapshots DIR` wrote (DIR/none/instance-*.jsonl), recomputes each (node, step)'s LC loss
with the simulator's per-host model at the default weights (wL = wV = 1, vCPU ratio 1; the loss
total equals summary.json's lcCpuSecondsLost / 300), and splits it by what a policy could see.

With POLICY (a policy run with --dump-snapshots into the same DIR), it also splits that policy's
*excess* loss (each (node, step)'s loss minus the loss the node would have with no BE demand at
all, which no placement avoids) by the best single move the step offered: the most LC loss any one
task of at least MIN_CPU cores (default 0.03) could shed on its node minus what it would add on
another node of the instance, or "nothing >= MIN_CPU"; and by how long the loss episode lasted.

usage: scripts/sim-loss-where.py DIR [POLICY [MIN_CPU]]
"""
import collections
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


def best_gain(snapshot, node, demand, sizes, min_cpu):
    """The most LC loss one task of >= min_cpu cores on node could remove this step (source and target together)."""
    big = [c for c in sizes[node["id"]] if c >= min_cpu]
    if not big:
        return None
    cap, lc, d = node["hostCapacityCores"], node["hostLcBusyCores"], demand[node["id"]]
    best = 0.0
    for c in big:
        shed = lc_loss(cap, lc, d) - lc_loss(cap, lc, d - c)
        for other in snapshot["nodes"]:
            if other["id"] != node["id"]:
                oc, ol, od = other["hostCapacityCores"], other["hostLcBusyCores"], demand[other["id"]]
                best = max(best, shed - (lc_loss(oc, ol, od + c) - lc_loss(oc, ol, od)))
    return best


def excess(root, policy, min_cpu):
    total = 0.0
    by_gain = collections.Counter()
    by_episode = collections.Counter()
    by_instance = collections.Counter()
    for path in sorted(glob.glob(f"{root}/{policy}/instance-*[0-9].jsonl")):
        running = {}
        episodes = []
        for line in open(path, encoding="utf-8"):
            snapshot = json.loads(line)
            demand, sizes = collections.defaultdict(float), collections.defaultdict(list)
            for t in snapshot.get("tasks", []):
                cpu = t.get("cpuCores") or 0
                demand[t["node"]] += cpu
                sizes[t["node"]].append(cpu)
            for n in snapshot["nodes"]:
                cap, lc = n["hostCapacityCores"], n["hostLcBusyCores"]
                loss = lc_loss(cap, lc, demand[n["id"]]) - lc_loss(cap, lc, 0)
                if loss <= 0:
                    if n["id"] in running:
                        episodes.append(running.pop(n["id"]))
                    continue
                total += loss
                by_instance[path[-10:-6]] += loss
                episode = running.setdefault(n["id"], [0, 0.0])
                episode[0] += 1
                episode[1] += loss
                gain = best_gain(snapshot, n, demand, sizes, min_cpu)
                by_gain[f"no BE task has >= {min_cpu} cores" if gain is None else "the best single move removes < 0.02 cores" if gain < 0.02
                        else "the best single move removes 0.02-0.05 cores" if gain < 0.05
                        else "the best single move removes 0.05-0.08 cores" if gain < 0.08 else "the best single move removes >= 0.08 cores"] += loss
        for steps, loss in episodes + list(running.values()):
            by_episode["1 step" if steps == 1 else "2-3 steps" if steps <= 3 else "4-11 steps" if steps <= 11 else "12+ steps"] += loss
    print(f"{policy}'s excess LC loss (over the loss with no BE demand on the node): {total * 300:,.0f} CPU-s")
    if total <= 0:
        return
    for key, value in by_gain.most_common():
        print(f"  on (node, step)s where {key}: {value / total:.1%}")
    for key in ("1 step", "2-3 steps", "4-11 steps", "12+ steps"):
        value = by_episode[key]
        print(f"  in loss episodes of {key}: {value / total:.1%}")
    top = sorted(by_instance.values(), reverse=True)[:3]
    print(f"  in its 3 worst instances: {', '.join(f'{v / total:.1%}' for v in top)} (of {len(by_instance)} with loss)")


if __name__ == "__main__":
    if len(sys.argv) not in (2, 3, 4):
        sys.exit(__doc__)
    main(sys.argv[1])
    if len(sys.argv) >= 3:
        excess(sys.argv[1], sys.argv[2], float(sys.argv[3]) if len(sys.argv) == 4 else 0.03)
