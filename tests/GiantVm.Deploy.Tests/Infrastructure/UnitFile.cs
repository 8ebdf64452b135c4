using System.Text;

namespace GiantVm.Deploy.Tests.Infrastructure;

/// <summary>
/// A systemd unit file read the way systemd reads it, for assertions: sections, Key=Value entries
/// (a key may repeat), comment lines, and lines continued with a trailing backslash.
/// </summary>
internal sealed record UnitFile(IReadOnlyList<UnitFile.Entry> Entries)
{
    public sealed record Entry(string Section, string Key, string Value);

    public static UnitFile Parse(string text)
    {
        var entries = new List<Entry>();
        var section = "";
        var pending = new StringBuilder();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (pending.Length == 0)
            {
                var trimmed = line.Trim();
                if (trimmed.Length == 0 || trimmed[0] is '#' or ';')
                {
                    continue;
                }

                if (trimmed.StartsWith('[') && trimmed.EndsWith(']'))
                {
                    section = trimmed[1..^1];
                    continue;
                }
            }

            if (line.EndsWith('\\'))
            {
                pending.Append(line[..^1]).Append(' ');
                continue;
            }

            pending.Append(line);
            var full = pending.ToString();
            pending.Clear();
            var eq = full.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw new FormatException($"not a Key=Value line: '{full}'");
            }

            entries.Add(new Entry(section, full[..eq].Trim(), full[(eq + 1)..].Trim()));
        }

        return new UnitFile(entries);
    }

    /// <summary>The last value of <paramref name="key"/> in <paramref name="section"/> (systemd: the last one wins), or null.</summary>
    public string? Get(string section, string key) =>
        Entries.LastOrDefault(e => e.Section == section && e.Key == key)?.Value;

    /// <summary>The ExecStart command line split into arguments, unquoted and unescaped.</summary>
    public IReadOnlyList<string> ExecStart() =>
        SplitCommandLine(Get("Service", "ExecStart") ?? throw new InvalidOperationException("no ExecStart in [Service]"));

    /// <summary>
    /// Splits a systemd command line: whitespace separates words, double or single quotes group
    /// them, backslash escapes the next character, "$$" is a literal $ and "%%" a literal %.
    /// </summary>
    public static IReadOnlyList<string> SplitCommandLine(string line)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        var inWord = false;
        char quote = '\0';
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (c == '\\' && i + 1 < line.Length)
            {
                word.Append(line[++i]);
                inWord = true;
            }
            else if ((c == '$' || c == '%') && i + 1 < line.Length && line[i + 1] == c)
            {
                word.Append(c);
                i++;
                inWord = true;
            }
            else if (quote != '\0')
            {
                if (c == quote)
                {
                    quote = '\0';
                }
                else
                {
                    word.Append(c);
                }
            }
            else if (c is '"' or '\'')
            {
                quote = c;
                inWord = true;
            }
            else if (char.IsWhiteSpace(c))
            {
                if (inWord)
                {
                    words.Add(word.ToString());
                    word.Clear();
                    inWord = false;
                }
            }
            else
            {
                word.Append(c);
                inWord = true;
            }
        }

        if (quote != '\0')
        {
            throw new FormatException($"unterminated quote in '{line}'");
        }

        if (inWord)
        {
            words.Add(word.ToString());
        }

        return words;
    }
}
