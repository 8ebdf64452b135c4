using System.Text.RegularExpressions;

namespace GiantVm.Coordinator.Policies;

/// <summary>
/// Which policy each GiantVM instance starts with: <c>DIR/VM.yaml</c> when <c>--policy-dir</c>
/// holds one for it, else <c>--policy</c>. Every file in the folder is validated at start (an
/// invalid one stops the coordinator, as an invalid <c>--policy</c> does); a file that turns
/// invalid later is logged by the rebalancer and its instance keeps the default.
/// </summary>
public sealed partial class PolicyCatalog
{
    public PolicyCatalog(string defaultOrigin, string? directory)
    {
        DefaultOrigin = defaultOrigin;
        Directory = string.IsNullOrWhiteSpace(directory) ? null : Path.GetFullPath(directory);
    }

    /// <summary>The <c>--policy</c> value: a file or a shipped name.</summary>
    public string DefaultOrigin { get; }

    /// <summary>The <c>--policy-dir</c> folder (full path), or null.</summary>
    public string? Directory { get; }

    /// <summary>
    /// Checks the folder: it must exist, and every <c>*.yaml</c> in it must be a valid policy
    /// named after a usable instance id. Returns the errors (empty: fine).
    /// </summary>
    public IReadOnlyList<string> Validate()
    {
        if (Directory is null)
        {
            return [];
        }

        if (!System.IO.Directory.Exists(Directory))
        {
            return [$"--policy-dir: {Directory} is not a folder"];
        }

        var errors = new List<string>();
        foreach (var file in System.IO.Directory.EnumerateFiles(Directory, "*.yaml").Order(StringComparer.Ordinal))
        {
            var vm = Path.GetFileNameWithoutExtension(file);
            if (!IsFileName(vm))
            {
                errors.Add($"{file}: '{vm}' cannot be an instance id (letters, digits, '.', '_' and '-', not starting with '.')");
                continue;
            }

            var (result, _) = PolicySource.Load(file);
            errors.AddRange(result.Errors.Select(e => e.ToString()));
        }

        return errors;
    }

    /// <summary>Where instance <paramref name="vm"/>'s policy comes from: its file in the folder when there is one, else the default.</summary>
    public string OriginFor(string vm) => OverrideFile(vm) is { } file && File.Exists(file) ? file : DefaultOrigin;

    /// <summary>True when the folder holds a policy file for <paramref name="vm"/>.</summary>
    public bool HasOverride(string vm) => OverrideFile(vm) is { } file && File.Exists(file);

    /// <summary>The instance a file in the folder is for (null: not a policy file of the folder).</summary>
    public string? InstanceOf(string path)
    {
        if (Directory is null || !string.Equals(Path.GetDirectoryName(Path.GetFullPath(path)), Directory, StringComparison.Ordinal)
            || !path.EndsWith(".yaml", StringComparison.Ordinal))
        {
            return null;
        }

        var vm = Path.GetFileNameWithoutExtension(path);
        return IsFileName(vm) ? vm : null;
    }

    /// <summary>
    /// The policy instance <paramref name="vm"/> starts with (version 1) and any problem with its
    /// own file (then the default is used).
    /// </summary>
    public (PolicyInForce Policy, string Origin, string? Problem) InitialFor(string vm, PolicyInForce defaultPolicy, DateTimeOffset now)
    {
        var origin = OriginFor(vm);
        if (origin == DefaultOrigin)
        {
            return (defaultPolicy, origin, null);
        }

        var (result, text) = PolicySource.Load(origin);
        return result.Ok && result.Policy is not null
            ? (new PolicyInForce(result.Policy, text, origin, 1, now), origin, null)
            : (defaultPolicy, DefaultOrigin, $"{origin} is not a valid policy, using {DefaultOrigin}: {string.Join("; ", result.Errors)}");
    }

    private string? OverrideFile(string vm) => Directory is not null && IsFileName(vm) ? Path.Combine(Directory, vm + ".yaml") : null;

    /// <summary>Instance ids that can name a file in the folder.</summary>
    public static bool IsFileName(string vm) => FileNamePattern().IsMatch(vm);

    [GeneratedRegex("^[A-Za-z0-9_-][A-Za-z0-9._-]{0,199}$")]
    private static partial Regex FileNamePattern();
}
