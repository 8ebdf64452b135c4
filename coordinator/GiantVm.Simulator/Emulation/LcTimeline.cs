namespace GiantVm.Simulator.Emulation;

/// <summary>
/// The LC load of each node over time: the scenario's steps and linear ramps, plus changes
/// injected at run time (<c>DIR/control/lc/&lt;node&gt;</c>). Pure. A change starts from the load
/// the node has at that moment (also mid-ramp) and replaces any ramp still running.
/// </summary>
internal static class LcTimeline
{
    /// <summary>LC load (fraction of the host's CPUs) of <paramref name="node"/> at <paramref name="t"/> seconds.</summary>
    public static double LoadAt(EmulationScenario scenario, int node, double t, IReadOnlyList<LcChange>? injected = null)
    {
        var (from, to, at, over) = (scenario.Nodes[node].LcLoad, scenario.Nodes[node].LcLoad, 0.0, 0.0);
        foreach (var change in Changes(scenario, node, injected))
        {
            if (change.AtSeconds > t)
            {
                break;
            }

            var start = Value(from, to, at, over, change.AtSeconds);
            (from, to, at, over) = (start, change.To, change.AtSeconds, change.OverSeconds);
        }

        return Value(from, to, at, over, t);
    }

    private static IEnumerable<LcChange> Changes(EmulationScenario scenario, int node, IReadOnlyList<LcChange>? injected) =>
        scenario.LcTimeline.Concat(injected ?? []).Where(c => c.Node == node).OrderBy(c => c.AtSeconds);

    private static double Value(double from, double to, double at, double over, double t) =>
        t >= at + over || over <= 0 ? to : from + ((to - from) * (t - at) / over);
}
