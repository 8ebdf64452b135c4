namespace GiantVm.Simulator.Emulation;

/// <summary>The LC load of each node over time: steps and linear ramps from the scenario, pure.</summary>
internal static class LcTimeline
{
    /// <summary>LC load (fraction of the host's CPUs) of <paramref name="node"/> at <paramref name="t"/> seconds.</summary>
    public static double LoadAt(EmulationScenario scenario, int node, double t)
    {
        var load = scenario.Nodes[node].LcLoad;
        foreach (var change in scenario.LcTimeline)
        {
            if (change.Node != node || change.AtSeconds > t)
            {
                continue;
            }

            var end = change.AtSeconds + change.OverSeconds;
            if (t >= end || change.OverSeconds <= 0)
            {
                load = change.To;
            }
            else
            {
                var progress = (t - change.AtSeconds) / change.OverSeconds;
                load += (change.To - load) * progress;
            }
        }

        return load;
    }
}
