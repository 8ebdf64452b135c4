using System.Collections;

namespace GiantVm.Scheduling.Engine;

/// <summary>
/// The node views of a round, built on first access (thread-safe, once). Most callers of
/// <see cref="DecisionEngine.Decide"/> in bulk (the simulator) never read them; the views only
/// depend on the round's inputs, never on the moves planned, so building them late changes nothing.
/// </summary>
internal sealed class LazyNodeViews(Func<IReadOnlyList<NodeView>> build) : IReadOnlyList<NodeView>
{
    private readonly Lazy<IReadOnlyList<NodeView>> _views = new(build, LazyThreadSafetyMode.ExecutionAndPublication);

    public int Count => _views.Value.Count;

    public NodeView this[int index] => _views.Value[index];

    public IEnumerator<NodeView> GetEnumerator() => _views.Value.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
