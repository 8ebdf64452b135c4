namespace GiantVm.Scheduling.Policies;

/// <summary>What changed between two policies, one line per key: <c>migrate.max_per_round: 4 -> 2</c>.</summary>
public static class PolicyDiff
{
    public static IReadOnlyList<string> Describe(Policy old, Policy @new)
    {
        ArgumentNullException.ThrowIfNull(old);
        ArgumentNullException.ThrowIfNull(@new);
        var lines = new List<string>();
        foreach (var key in PolicyKeys.All)
        {
            var before = key.Format(old);
            var after = key.Format(@new);
            if (!string.Equals(before, after, StringComparison.Ordinal))
            {
                lines.Add($"{key.Path}: {before} -> {after}");
            }
        }

        return lines;
    }
}
