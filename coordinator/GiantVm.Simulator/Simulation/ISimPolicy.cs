using GiantVm.Scheduling.Model;

namespace GiantVm.Simulator.Simulation;

/// <summary>
/// One policy under evaluation: at the end of each step it sees every GiantVM instance's
/// snapshot and returns that instance's decisions (the real one is <see cref="EnginePolicy"/>,
/// which calls the decision core's Decide; tests script decisions through this seam).
/// </summary>
internal interface ISimPolicy
{
    string Name { get; }

    /// <summary>False when the policy never moves anything (snapshots are then only built for dumps).</summary>
    bool NeedsSnapshots { get; }

    IReadOnlyList<Decision> Decide(int instance, Snapshot snapshot);
}
