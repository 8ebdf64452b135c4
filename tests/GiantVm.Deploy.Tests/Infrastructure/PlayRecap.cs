using System.Text.RegularExpressions;

namespace GiantVm.Deploy.Tests.Infrastructure;

/// <summary>The PLAY RECAP lines of an ansible-playbook run: per host, ok/changed/unreachable/failed.</summary>
internal sealed partial record PlayRecap(IReadOnlyDictionary<string, PlayRecap.HostCounts> Hosts)
{
    public sealed record HostCounts(int Ok, int Changed, int Unreachable, int Failed);

    public int Changed => Hosts.Values.Sum(h => h.Changed);

    public int Failed => Hosts.Values.Sum(h => h.Failed + h.Unreachable);

    /// <summary>Reads the recap from a run's output; throws when there is none.</summary>
    public static PlayRecap Parse(string output)
    {
        var at = output.LastIndexOf("PLAY RECAP", StringComparison.Ordinal);
        if (at < 0)
        {
            throw new FormatException("no PLAY RECAP in the ansible-playbook output");
        }

        var hosts = new Dictionary<string, HostCounts>(StringComparer.Ordinal);
        foreach (Match m in RecapLine().Matches(output[at..]))
        {
            hosts[m.Groups["host"].Value] = new HostCounts(
                int.Parse(m.Groups["ok"].Value, System.Globalization.CultureInfo.InvariantCulture),
                int.Parse(m.Groups["changed"].Value, System.Globalization.CultureInfo.InvariantCulture),
                int.Parse(m.Groups["unreachable"].Value, System.Globalization.CultureInfo.InvariantCulture),
                int.Parse(m.Groups["failed"].Value, System.Globalization.CultureInfo.InvariantCulture));
        }

        if (hosts.Count == 0)
        {
            throw new FormatException("PLAY RECAP lists no host");
        }

        return new PlayRecap(hosts);
    }

    [GeneratedRegex(@"^(?<host>\S+)\s+:\s+ok=(?<ok>\d+)\s+changed=(?<changed>\d+)\s+unreachable=(?<unreachable>\d+)\s+failed=(?<failed>\d+)", RegexOptions.Multiline)]
    private static partial Regex RecapLine();
}
