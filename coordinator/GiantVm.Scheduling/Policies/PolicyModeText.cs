namespace GiantVm.Scheduling.Policies;

/// <summary>The policy-file spelling of each <see cref="PolicyMode"/> (<c>all-be</c>, <c>least-tasks</c>, ...).</summary>
public static class PolicyModeText
{
    /// <summary>none, all-be, balanced, least-tasks, random.</summary>
    public static IReadOnlyList<string> Names { get; } = PolicyKeys.ModeNames.Keys.ToArray();

    public static string Name(PolicyMode mode) => PolicyKeys.ModeNames.First(kv => kv.Value == mode).Key;

    public static bool TryParse(string text, out PolicyMode mode) => PolicyKeys.ModeNames.TryGetValue(text, out mode);
}
