namespace GiantVm.Scheduling.Policies;

/// <summary>How the decision core chooses moves (policy key <c>mode</c>).</summary>
public enum PolicyMode
{
    /// <summary><c>none</c>: decide nothing (signals are still smoothed).</summary>
    None,

    /// <summary><c>all-be</c>: when a node holding BE tasks is hot, move every BE task on it to the
    /// lowest-steal eligible node (the reference study's scheduler).</summary>
    AllBe,

    /// <summary><c>balanced</c>: move the fewest tasks, largest benefit first, until no node is hot
    /// or no move improves steal by more than <c>min_improvement</c>.</summary>
    Balanced,

    /// <summary><c>least-tasks</c>: even out the BE task count per node, ignoring steal (baseline).</summary>
    LeastTasks,

    /// <summary><c>random</c>: move the tasks of a hot node to random eligible nodes (seeded baseline).</summary>
    Random,
}
