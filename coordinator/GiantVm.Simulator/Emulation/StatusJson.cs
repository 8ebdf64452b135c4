using System.Globalization;
using System.Text.Json.Nodes;

namespace GiantVm.Simulator.Emulation;

/// <summary>
/// <c>DIR/emulator/status.json</c>: the model's own figures (ground truth for the demo and the
/// end-to-end tests), rewritten every step. Pure.
/// </summary>
internal static class StatusJson
{
    public static string Render(EmulationScenario scenario, EmulatorState state)
    {
        var nodes = new JsonArray();
        for (var k = 0; k < scenario.Nodes.Count; k++)
        {
            var f = state.Figures[k];
            nodes.Add(new JsonObject
            {
                ["id"] = k,
                ["cpus"] = scenario.Nodes[k].Cpus,
                ["vcpus"] = scenario.Nodes[k].Vcpus,
                ["cpulist"] = EmulatorStep.CpuList(scenario, k),
                ["lc_load_ratio"] = R(f.LcLoad),
                ["lc_demand_cores"] = R(f.LcDemand),
                ["lc_served_cores"] = R(f.ServedLc),
                ["be_demand_cores"] = R(f.BeDemand),
                ["guest_demand_cores"] = R(f.GuestDemand),
                ["guest_served_cores"] = R(f.ServedGuest),
                ["steal_ratio"] = R(f.StealRatio),
                ["be_tasks"] = state.Tasks.Count(t => t.CpuNode == k),
                ["mem_free_bytes"] = scenario.Nodes[k].MemoryBytes - TreeRenderer.GuestUsedBytes(scenario, state, k),
            });
        }

        var tasks = new JsonArray();
        foreach (var t in state.Tasks)
        {
            var pages = new JsonObject();
            for (var k = 0; k < t.Pages.Length; k++)
            {
                if (t.Pages[k] > 0)
                {
                    pages[k.ToString(CultureInfo.InvariantCulture)] = t.Pages[k];
                }
            }

            tasks.Add(new JsonObject
            {
                ["pid"] = t.Pid,
                ["start_time_ticks"] = t.StartTicks,
                ["comm"] = t.Comm,
                ["cpu_node"] = t.CpuNode,
                ["page_node"] = t.PageNode,
                ["demand_cores"] = R(t.DemandCores),
                ["served_cores"] = R(t.ServedCores),
                ["steal_ratio"] = R(state.Figures[t.CpuNode].StealRatio),
                ["pages_per_node"] = pages,
            });
        }

        var json = new JsonObject
        {
            ["scenario"] = scenario.Name,
            ["time_seconds"] = Math.Round(state.Time, 3),
            ["be_steal_ratio"] = R(state.BeStealRatio),
            ["moves_in_progress"] = state.Moves.Length,
            ["moves_done"] = state.MovesDone,
            ["moves_refused"] = state.MovesRefused,
            ["nodes"] = nodes,
            ["tasks"] = tasks,
        };
        return json.ToJsonString() + "\n";
    }

    private static double R(double v) => Math.Round(v, 5);
}
