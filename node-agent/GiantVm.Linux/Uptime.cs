using GiantVm.Linux.Parsing;

namespace GiantVm.Linux;

/// <summary>/proc/uptime: seconds since boot and summed idle seconds.</summary>
public sealed record Uptime(double UptimeSeconds, double IdleSeconds)
{
    public static Uptime Parse(ReadOnlySpan<char> text, string path = "/proc/uptime")
    {
        var tok = new SpanTokenizer(text);
        if (!tok.Next(out var up) || !Numbers.TryDouble(up, out var upSeconds))
        {
            throw new ProcParseException(path, 1, "no uptime seconds");
        }

        var idle = tok.Next(out var i) && Numbers.TryDouble(i, out var idleSeconds) ? idleSeconds : 0;
        return new Uptime(upSeconds, idle);
    }
}
