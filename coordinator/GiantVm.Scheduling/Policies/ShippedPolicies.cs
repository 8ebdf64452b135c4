using System.Reflection;

namespace GiantVm.Scheduling.Policies;

/// <summary>
/// The policy files shipped with the product (coordinator/policies/*.yaml, embedded in this
/// assembly). They load through <see cref="PolicyLoader"/> like any user file; a name is just a
/// short way to pick one.
/// </summary>
public static class ShippedPolicies
{
    private const string ResourcePrefix = "GiantVm.Scheduling.Policies.Shipped.";

    /// <summary>none, all-be, balanced, least-tasks, random, default, demo, lc-harm, lc-harm-frugal.</summary>
    public static IReadOnlyList<string> Names { get; } = ["none", "all-be", "balanced", "least-tasks", "random", "default", "demo", "lc-harm", "lc-harm-frugal"];

    /// <summary>The YAML text of a shipped policy (the names above, and <c>example</c>: the commented reference).</summary>
    public static bool TryGetText(string name, out string yaml)
    {
        yaml = "";
        if (string.IsNullOrEmpty(name) || name.IndexOfAny(['/', '\\', '.']) >= 0)
        {
            return false;
        }

        using var stream = typeof(ShippedPolicies).Assembly.GetManifestResourceStream(ResourcePrefix + name + ".yaml");
        if (stream is null)
        {
            return false;
        }

        using var reader = new StreamReader(stream);
        yaml = reader.ReadToEnd();
        return true;
    }

    /// <summary>A shipped policy by name, else the policy file at that path.</summary>
    public static PolicyLoadResult Load(string nameOrPath)
    {
        ArgumentNullException.ThrowIfNull(nameOrPath);
        if (TryGetText(nameOrPath, out var yaml))
        {
            return PolicyLoader.Load(yaml, nameOrPath + ".yaml");
        }

        if (!File.Exists(nameOrPath) && !nameOrPath.Contains('/') && !nameOrPath.Contains('.'))
        {
            return PolicyLoadResult.Failed(new PolicyError(nameOrPath, 0, "",
                $"is neither a shipped policy ({string.Join(", ", Names)}) nor a file"));
        }

        return PolicyLoader.LoadFile(nameOrPath);
    }

    internal static IEnumerable<string> ResourceNames() =>
        typeof(ShippedPolicies).Assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal))
            .Select(n => n[ResourcePrefix.Length..^".yaml".Length]);
}
