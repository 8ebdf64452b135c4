using GiantVm.Scheduling.Policies;
using GiantVm.Scheduling.Yaml;

namespace GiantVm.Coordinator.Policies;

/// <summary>Reads a policy by shipped name or file path, keeping its text (the I/O edge of policy loading).</summary>
public static class PolicySource
{
    /// <summary>The load result and the text it came from (empty when unreadable).</summary>
    public static (PolicyLoadResult Result, string Text) Load(string nameOrPath)
    {
        var result = ShippedPolicies.Load(nameOrPath);
        if (ShippedPolicies.TryGetText(nameOrPath, out var shipped))
        {
            return (result, shipped);
        }

        if (!result.Ok)
        {
            return (result, ""); // the text of a refused file is never needed (and may be huge)
        }

        string text;
        try
        {
            text = BoundedYaml.ReadFile(nameOrPath, BoundedYaml.MaxPolicyBytes);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException or YamlLimitException)
        {
            text = "";
        }

        return (result, text);
    }

    /// <summary>True when <paramref name="nameOrPath"/> names a file (rather than a shipped policy).</summary>
    public static bool IsFile(string nameOrPath) => !ShippedPolicies.Names.Contains(nameOrPath);
}
