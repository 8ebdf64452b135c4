using GiantVm.Scheduling.Policies;

namespace GiantVm.Simulator.Simulation;

/// <summary>
/// Resolves the --policies list (shipped names or policy files) through the decision core's
/// loader; the name <c>oracle</c> is the bound (<see cref="OraclePolicy"/>), not a policy file.
/// </summary>
internal static class PolicySet
{
    public static readonly IReadOnlyList<string> DefaultNames = ["none", "all-be", "balanced", "least-tasks", "random", "lc-harm", OraclePolicy.PolicyName];

    /// <summary>Loads every entry; on any error returns null and the errors (file:line: key message).</summary>
    public static IReadOnlyList<ISimPolicy>? Load(IReadOnlyList<string> entries, out IReadOnlyList<string> errors)
    {
        var policies = new List<ISimPolicy>();
        var problems = new List<string>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        if (entries.Contains(OraclePolicy.PolicyName))
        {
            names.Add(OraclePolicy.PolicyName);
        }

        bool oracleAdded = false;
        foreach (string entry in entries)
        {
            if (entry == OraclePolicy.PolicyName)
            {
                if (!oracleAdded)
                {
                    policies.Add(new OraclePolicy());
                    oracleAdded = true;
                }

                continue;
            }

            PolicyLoadResult loaded = ShippedPolicies.Load(entry);
            if (!loaded.Ok || loaded.Policy is null)
            {
                problems.AddRange(loaded.Errors.Select(e => e.ToString()));
                if (loaded.Errors.Count == 0)
                {
                    problems.Add($"{entry}: cannot load the policy");
                }

                continue;
            }

            bool shipped = ShippedPolicies.TryGetText(entry, out _);
            string name = shipped ? entry : Sanitize(loaded.Policy.Name);
            if (!shipped && names.Contains(name))
            {
                name = Sanitize(Path.GetFileNameWithoutExtension(entry));
            }

            string unique = name;
            for (int i = 2; !names.Add(unique); i++)
            {
                unique = $"{name}-{i}";
            }

            policies.Add(new EnginePolicy(unique, loaded.Policy));
        }

        errors = problems;
        return problems.Count == 0 ? policies : null;
    }

    private static string Sanitize(string name)
    {
        var chars = name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '-').ToArray();
        string s = new string(chars).Trim('.');
        return s.Length == 0 ? "policy" : s;
    }
}
