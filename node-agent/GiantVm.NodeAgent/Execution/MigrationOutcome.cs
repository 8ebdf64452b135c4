namespace GiantVm.NodeAgent.Execution;

/// <summary>
/// What an executor did. Pages are counted in numa_maps pages per node; <see cref="PagesMoved"/>
/// is how many fewer pages sit outside the target node after the move, <see cref="PagesLeft"/>
/// how many still do. Affinities are in list format ("0-3").
/// </summary>
internal sealed record MigrationOutcome(
    ExecutionStatus Status,
    IReadOnlyDictionary<int, ulong> PagesBefore,
    IReadOnlyDictionary<int, ulong> PagesAfter,
    ulong PagesMoved,
    ulong PagesLeft,
    string AffinityBefore,
    string AffinityAfter,
    TimeSpan Duration,
    string Error)
{
    private static readonly IReadOnlyDictionary<int, ulong> NoPages = new Dictionary<int, ulong>();

    /// <summary>An outcome where nothing was touched (refused, vanished, timeout before starting).</summary>
    public static MigrationOutcome Untouched(ExecutionStatus status, string error, string affinity = "", IReadOnlyDictionary<int, ulong>? pages = null) =>
        new(status, pages ?? NoPages, pages ?? NoPages, 0, 0, affinity, affinity, TimeSpan.Zero, error);
}
