using System.Text;

namespace GiantVm.Scheduling.Policies;

/// <summary>Writes a policy back as YAML that <see cref="PolicyLoader"/> reads to an equal policy
/// (every key, grouped by section; for <c>policy show</c> and for round-trip tests).</summary>
public static class PolicyYaml
{
    public static string Format(Policy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var sb = new StringBuilder();
        string? section = null;
        foreach (var key in PolicyKeys.All)
        {
            var dot = key.Path.IndexOf('.');
            var keySection = dot < 0 ? null : key.Path[..dot];
            if (keySection != section && keySection is not null)
            {
                sb.Append(keySection).Append(":\n");
            }

            section = keySection;
            var value = key.Format(policy);
            if (key.Path == "name")
            {
                value = "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
            }

            sb.Append(dot < 0 ? "" : "  ").Append(dot < 0 ? key.Path : key.Path[(dot + 1)..]).Append(": ").Append(value).Append('\n');
        }

        return sb.ToString();
    }
}
