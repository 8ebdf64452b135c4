using GiantVm.Scheduling.Engine;
using GiantVm.Scheduling.Model;
using GiantVm.Scheduling.Policies;

namespace GiantVm.Simulator.Simulation;

/// <summary>
/// A policy file evaluated through the decision core: one <see cref="DecisionEngine.Decide"/>
/// round per instance and step, each instance with its own <see cref="DecisionState"/> threaded
/// from round to round (exactly what <c>giantvmctl plan</c> does over a dumped series).
/// </summary>
internal sealed class EnginePolicy : ISimPolicy
{
    private readonly Dictionary<int, DecisionState> _states = new();

    public EnginePolicy(string name, Policy policy)
    {
        Name = name;
        Policy = policy;
    }

    public string Name { get; }

    public Policy Policy { get; }

    public bool NeedsSnapshots => Policy.Mode != PolicyMode.None;

    public IReadOnlyList<Decision> Decide(int instance, Snapshot snapshot)
    {
        DecisionState state = _states.TryGetValue(instance, out DecisionState? s) ? s : DecisionState.Empty;
        DecideResult result = DecisionEngine.Decide(snapshot, Policy, state);
        _states[instance] = result.State;
        return result.Decisions;
    }
}
