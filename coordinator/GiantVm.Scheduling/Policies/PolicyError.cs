namespace GiantVm.Scheduling.Policies;

/// <summary>One problem in a policy file: where (source, 1-based line, dotted key) and what.</summary>
/// <param name="Line">1-based line; 0 when the problem has no line (e.g. the file cannot be read).</param>
/// <param name="Key">Dotted key (<c>migrate.max_per_round</c>); empty when the problem is not about a key.</param>
public sealed record PolicyError(string Source, int Line, string Key, string Message)
{
    /// <summary><c>policy.yaml:12: migrate.max_per_round must be &gt;= 1 (got 0)</c>.</summary>
    public override string ToString()
    {
        var where = Line > 0 ? $"{Source}:{Line}" : Source;
        return Key.Length > 0 ? $"{where}: {Key} {Message}" : $"{where}: {Message}";
    }
}
