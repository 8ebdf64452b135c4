using System.Text;
using System.Text.RegularExpressions;

namespace GiantVm.Docs.Tests;

/// <summary>A relative link of a Markdown file: its 1-based line and the target as written.</summary>
internal sealed record MarkdownLink(int Line, string Target);

/// <summary>
/// The links and heading anchors of a Markdown file as GitHub renders them: links outside
/// code (fenced blocks and inline code spans), anchors from ATX headings (lower case, spaces
/// to hyphens, punctuation other than '-' and '_' dropped, repeats suffixed -1, -2, ...).
/// </summary>
internal static partial class MarkdownLinks
{
    [GeneratedRegex(@"!?\[[^\]]*\]\(([^)\s]+)(?:\s+""[^""]*"")?\)")]
    private static partial Regex LinkPattern();

    [GeneratedRegex(@"`+[^`]*`+")]
    private static partial Regex CodeSpan();

    [GeneratedRegex(@"^(#{1,6})\s+(.*?)\s*#*\s*$")]
    private static partial Regex Heading();

    /// <summary>Every link of <paramref name="markdown"/> outside code, with its line.</summary>
    public static IReadOnlyList<MarkdownLink> Links(string markdown)
    {
        var links = new List<MarkdownLink>();
        var lineNumber = 0;
        foreach (var line in ProseLines(markdown))
        {
            lineNumber = line.Number;
            foreach (Match m in LinkPattern().Matches(CodeSpan().Replace(line.Text, "")))
                links.Add(new MarkdownLink(lineNumber, m.Groups[1].Value));
        }
        return links;
    }

    /// <summary>The anchors GitHub gives the headings of <paramref name="markdown"/>.</summary>
    public static IReadOnlySet<string> Anchors(string markdown)
    {
        var anchors = new HashSet<string>(StringComparer.Ordinal);
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var line in ProseLines(markdown))
        {
            var m = Heading().Match(line.Text);
            if (!m.Success)
                continue;
            var slug = Slug(m.Groups[2].Value);
            if (seen.TryGetValue(slug, out var n))
            {
                seen[slug] = n + 1;
                slug = $"{slug}-{n + 1}";
            }
            else
            {
                seen[slug] = 0;
            }
            anchors.Add(slug);
        }
        return anchors;
    }

    /// <summary>GitHub's anchor of a heading text.</summary>
    public static string Slug(string heading)
    {
        var text = LinkPattern().Replace(heading, m => m.Value[1..m.Value.IndexOf(']', StringComparison.Ordinal)]);
        var slug = new StringBuilder();
        foreach (var c in text.ToLowerInvariant())
        {
            if (char.IsLetterOrDigit(c) || c is '-' or '_')
                slug.Append(c);
            else if (c == ' ')
                slug.Append('-');
        }
        return slug.ToString();
    }

    /// <summary>
    /// The problems of the relative links of the Markdown file at <paramref name="path"/>: a
    /// missing file, or an anchor that no heading of the target has; each as "file:line: ...".
    /// </summary>
    public static IReadOnlyList<string> Problems(string path)
    {
        var problems = new List<string>();
        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        foreach (var link in Links(File.ReadAllText(path)))
        {
            if (IsExternal(link.Target))
                continue;
            var hash = link.Target.IndexOf('#', StringComparison.Ordinal);
            var file = hash < 0 ? link.Target : link.Target[..hash];
            var anchor = hash < 0 ? null : link.Target[(hash + 1)..];
            var target = file.Length == 0 ? Path.GetFullPath(path) : Path.GetFullPath(Path.Combine(folder, Uri.UnescapeDataString(file)));
            var where = $"{path}:{link.Line}: {link.Target}";
            if (!File.Exists(target) && !Directory.Exists(target))
            {
                problems.Add($"{where}: no file {file}");
                continue;
            }
            if (anchor is null)
                continue;
            if (!target.EndsWith(".md", StringComparison.OrdinalIgnoreCase) || !File.Exists(target))
            {
                problems.Add($"{where}: #{anchor} on a file that is not Markdown");
                continue;
            }
            if (!Anchors(File.ReadAllText(target)).Contains(anchor))
                problems.Add($"{where}: no heading #{anchor} in {Path.GetFileName(target)}");
        }
        return problems;
    }

    private static bool IsExternal(string target) =>
        target.Contains("://", StringComparison.Ordinal) || target.StartsWith("mailto:", StringComparison.Ordinal);

    private readonly record struct NumberedLine(int Number, string Text);

    /// <summary>The lines outside fenced code blocks, with their 1-based numbers.</summary>
    private static IEnumerable<NumberedLine> ProseLines(string markdown)
    {
        var inFence = false;
        var number = 0;
        foreach (var line in markdown.Split('\n'))
        {
            number++;
            if (line.TrimStart().StartsWith("```", StringComparison.Ordinal))
            {
                inFence = !inFence;
                continue;
            }
            if (!inFence)
                yield return new NumberedLine(number, line.TrimEnd('\r'));
        }
    }
}
