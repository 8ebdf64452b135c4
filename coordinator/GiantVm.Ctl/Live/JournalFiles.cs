using System.Text.RegularExpressions;
using GiantVm.Ctl.Cli;
using GiantVm.Scheduling.Journal;

namespace GiantVm.Ctl.Live;

/// <summary>
/// Reads journal files offline (<c>migrations --file</c>): one file, or a folder of rotated files
/// (<c>migrations.N.jsonl</c> oldest first by descending N, then <c>migrations.jsonl</c>).
/// </summary>
internal static partial class JournalFiles
{
    public static IReadOnlyList<JournalRecord> Read(string path)
    {
        var files = Directory.Exists(path) ? InFolder(path) : [path];
        var records = new List<JournalRecord>();
        foreach (var file in files)
        {
            string text;
            try
            {
                text = File.ReadAllText(file);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw CtlException.Input($"cannot read journal file {file}: {(e is FileNotFoundException or DirectoryNotFoundException ? "no such file" : e.Message)}", inner: e);
            }

            try
            {
                records.AddRange(JournalJson.ReadLines(text, file));
            }
            catch (JournalFormatException e)
            {
                throw CtlException.Input(e.Message, inner: e);
            }
        }

        return records;
    }

    /// <summary>The journal files of a data folder, oldest first.</summary>
    public static IReadOnlyList<string> InFolder(string folder)
    {
        var files = Directory.EnumerateFiles(folder)
            .Select(f => (Path: f, Match: FileName().Match(Path.GetFileName(f))))
            .Where(f => f.Match.Success)
            .OrderByDescending(f => f.Match.Groups[1].Success ? int.Parse(f.Match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : 0)
            .Select(f => f.Path)
            .ToList();
        return files.Count > 0 ? files : throw CtlException.Input($"{folder}: no journal files (migrations.jsonl, migrations.N.jsonl) in this folder");
    }

    [GeneratedRegex(@"^migrations(?:\.([0-9]{1,6}))?\.jsonl$")]
    private static partial Regex FileName();
}
