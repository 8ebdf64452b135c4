using System.Collections;

namespace GiantVm.Scheduling.Engine;

/// <summary>
/// The node views of a round, built on first access (thread-safe: every reader gets the same list).
/// Most callers of <see cref="DecisionEngine.Decide"/> in bulk (the simulator) never read them;
/// the views only depend on the round's inputs, never on the moves planned, so building them
/// late changes nothing. Holds the round's work, or what to build it from when the round was
/// skipped (no closure, no <see cref="Lazy{T}"/>: one small object per round).
/// </summary>
internal sealed class LazyNodeViews : IReadOnlyList<NodeView>
{
    private readonly RoundWork? _work;
    private readonly Model.Snapshot? _snapshot;
    private readonly Policies.Policy? _policy;
    private readonly DecisionState? _state;
    private readonly DateTimeOffset _now;
    private IReadOnlyList<NodeView>? _views;

    public LazyNodeViews(RoundWork work)
    {
        _work = work;
    }

    /// <summary>Views of a round that was not built: built from its inputs when read.</summary>
    public LazyNodeViews(Model.Snapshot snapshot, Policies.Policy policy, DecisionState state, DateTimeOffset now)
    {
        _snapshot = snapshot;
        _policy = policy;
        _state = state;
        _now = now;
    }

    private IReadOnlyList<NodeView> Views
    {
        get
        {
            if (Volatile.Read(ref _views) is { } views)
            {
                return views;
            }

            // Racing readers may both build (the same views: pure); the first one published wins.
            var built = (_work ?? new RoundWork(_snapshot!, _policy!, _state!, _now, applyCaps: true)).Views();
            return Interlocked.CompareExchange(ref _views, built, null) ?? built;
        }
    }

    public int Count => Views.Count;

    public NodeView this[int index] => Views[index];

    public IEnumerator<NodeView> GetEnumerator() => Views.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
