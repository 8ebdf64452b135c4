using GiantVm.Scheduling.Model;

namespace GiantVm.Simulator.Simulation;

/// <summary>
/// The <c>oracle</c> row: not a schedule but a bound. Each step, per instance, its BE demand is
/// placed by <see cref="GiantVm.Scheduling.Cluster.OracleBound"/> knowing the step's LC load (see
/// <see cref="PolicyRun"/>); it never decides a move, so its migrations are 0.
/// </summary>
internal sealed class OraclePolicy : ISimPolicy
{
    public const string PolicyName = "oracle";

    public string Name => PolicyName;

    public bool NeedsSnapshots => false;

    public IReadOnlyList<Decision> Decide(int instance, Snapshot snapshot) => [];
}
