#!/usr/bin/env python3
"""What was each move worth? Reads the snapshots and decisions `giantvm-sim run --policies POLICY
--dump-snapshots DIR` wrote (DIR/POLICY/instance-*.jsonl and *.decisions.jsonl) and, for every move,
sums the LC CPU-seconds it removed over the steps after it while the task stayed on its target:
at each such step, the LC harm the task would have caused back on its source minus the harm it
caused on its target, with the simulator's per-host model at the default weights (wL = wV = 1,
vCPU ratio 1; the same model as scripts/sim-loss-where.py). It prints each move with what the
policy could see when it decided (the task's CPU, its observed age in steps, the gain the reason
names) and what happened after (steps on the target, how the stay ended, the value), then how much
of the total value the best N moves carry, ranked by their realized value and by their gain.

usage: scripts/sim-move-value.py DIR POLICY [N]
"""
import glob
import json
import re
import sys


def harm(capacity, lc, be):
    g = min(be, capacity)
    return max(0.0, min(lc + g - capacity, lc - capacity / 2))


def moves(root, policy):
    for path in sorted(glob.glob(f"{root}/{policy}/instance-*[0-9].jsonl")):
        snaps = [json.loads(line) for line in open(path, encoding="utf-8")]
        decisions = [json.loads(line) for line in open(path.replace(".jsonl", ".decisions.jsonl"), encoding="utf-8")]
        first = {}
        for i, s in enumerate(snaps):
            for t in s["tasks"]:
                first.setdefault((t["pid"], t.get("startTime")), i)
        for i, d in enumerate(decisions):
            for m in d["decisions"]:
                key = (m["pid"], m.get("startTime"))
                src, dst = m["from"], m["to"]
                task = next(t for t in snaps[i]["tasks"] if (t["pid"], t.get("startTime")) == key)
                value, stay, end = 0.0, 0, "trace end"
                for j in range(i + 1, len(snaps)):
                    now = next((t for t in snaps[j]["tasks"] if (t["pid"], t.get("startTime")) == key), None)
                    if now is None:
                        end = "task ended"
                        break
                    if now["node"] != dst:
                        end = "moved again"
                        break
                    stay += 1
                    c = now.get("cpuCores") or 0
                    nodes = {n["id"]: n for n in snaps[j]["nodes"]}
                    demand = {}
                    for t in snaps[j]["tasks"]:
                        demand[t["node"]] = demand.get(t["node"], 0) + (t.get("cpuCores") or 0)
                    s, t = nodes[src], nodes[dst]
                    value += harm(s["hostCapacityCores"], s["hostLcBusyCores"], demand.get(src, 0) + c) \
                        - harm(s["hostCapacityCores"], s["hostLcBusyCores"], demand.get(src, 0))
                    value -= harm(t["hostCapacityCores"], t["hostLcBusyCores"], demand.get(dst, 0)) \
                        - harm(t["hostCapacityCores"], t["hostLcBusyCores"], demand.get(dst, 0) - c)
                gain = re.search(r"= ([0-9.]+), the most|removes ([0-9.]+) cores", m["reason"])
                yield {
                    "instance": path[-10:-6], "step": i, "pid": m["pid"], "age": i - first[key],
                    "cpu": task.get("cpuCores") or 0, "gain": float(next(g for g in gain.groups() if g)) if gain else 0.0,
                    "stay": stay, "end": end, "value": value * 300,
                }


def main(root, policy, top):
    rows = list(moves(root, policy))
    total = sum(r["value"] for r in rows)
    print("instance step  pid  age   cpu   gain  stay end          LC CPU-s removed")
    for r in sorted(rows, key=lambda r: -r["value"]):
        print(f"{r['instance']} {r['step']:5d} {r['pid']:4d} {r['age']:4d} {r['cpu']:.3f} {r['gain']:.3f} {r['stay']:5d} {r['end']:12s} {r['value']:8.0f}")
    print(f"{len(rows)} moves removed {total:,.0f} LC CPU-s")
    if rows and total > 0:
        for name, key in (("realized value", "value"), ("gain", "gain")):
            best = sorted(rows, key=lambda r: -r[key])[:top]
            print(f"  the {len(best)} best by {name} carry {sum(r['value'] for r in best) / total:.1%} of it")
        ended = sum(1 for r in rows if r["end"] == "task ended" and r["stay"] <= 2)
        print(f"  moves whose task ended within 2 steps: {ended} of {len(rows)}")


if __name__ == "__main__":
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]) if len(sys.argv) == 4 else 30)
