using System.Globalization;

namespace GiantVm.NodeAgent.Probe;

/// <summary>Durations on the command line: <c>500ms</c>, <c>1s</c>, <c>1.5s</c>, <c>2m</c>, or bare seconds.</summary>
internal static class DurationParser
{
    public static bool TryParse(string text, out TimeSpan value)
    {
        value = default;
        var s = text.Trim();
        double scale;
        if (s.EndsWith("ms", StringComparison.Ordinal))
        {
            scale = 0.001;
            s = s[..^2];
        }
        else if (s.EndsWith('s'))
        {
            scale = 1;
            s = s[..^1];
        }
        else if (s.EndsWith('m'))
        {
            scale = 60;
            s = s[..^1];
        }
        else
        {
            scale = 1;
        }

        if (!double.TryParse(s, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var n) || n <= 0 || n * scale > 3600)
        {
            return false;
        }

        value = TimeSpan.FromSeconds(n * scale);
        return true;
    }
}
