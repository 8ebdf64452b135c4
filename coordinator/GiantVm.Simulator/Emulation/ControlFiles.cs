using System.Globalization;
using GiantVm.Common.Emulation;

namespace GiantVm.Simulator.Emulation;

/// <summary>
/// The emulator's side of the control folder <c>DIR/control/</c> (<see cref="EmulatorControl"/>:
/// the file names and the JSON both sides share): <c>requests/&lt;command_id&gt;.json</c>
/// (written by the agent), <c>done/&lt;command_id&gt;.json</c> (written here once the task's
/// files show the move), <c>lc/&lt;node&gt;</c>. Request files are deleted once taken; a bad
/// request is answered as failed.
/// </summary>
internal sealed class ControlFiles
{
    private readonly TreeWriter _writer;

    public ControlFiles(string root)
    {
        LcDir = EmulatorControl.LcFolder(root);
        Directory.CreateDirectory(LcDir);
        RequestsDir = EmulatorControl.RequestsFolder(root);
        DoneDir = EmulatorControl.DoneFolder(root);
        Directory.CreateDirectory(RequestsDir);
        Directory.CreateDirectory(DoneDir);
        _writer = new TreeWriter(root);
    }

    public string RequestsDir { get; }

    /// <summary><c>control/lc/&lt;node&gt;</c>: a file holding <c>95%</c> or <c>95% over 5s</c> changes that
    /// node's LC load from now on (the file is deleted when read).</summary>
    public string LcDir { get; }

    /// <summary>Reads and deletes the LC change files; unreadable ones are reported as log lines.</summary>
    public (List<LcChange> Changes, List<string> Errors) TakeLcChanges()
    {
        var changes = new List<LcChange>();
        var errors = new List<string>();
        foreach (var file in new DirectoryInfo(LcDir).GetFiles().Where(f => !f.Name.StartsWith('.')).OrderBy(f => f.Name, StringComparer.Ordinal))
        {
            string text;
            try
            {
                text = ReadAndDelete(file);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue;
            }

            if (text.Length > MaxFileBytes)
            {
                errors.Add($"control/lc/{file.Name} ignored: {TooLarge(text)}");
            }
            else if (TryParseLc(file.Name, text, out var change, out var error))
            {
                changes.Add(change);
            }
            else
            {
                errors.Add($"control/lc/{file.Name} ignored: {error}");
            }
        }

        return (changes, errors);
    }

    /// <summary><c>95%</c>, <c>0.95</c>, or <c>95% over 5s</c>, in a file named after the node id.</summary>
    public static bool TryParseLc(string name, string text, out LcChange change, out string error)
    {
        change = null!;
        if (!int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out var node))
        {
            error = "the file name must be a node id";
            return false;
        }

        var parts = text.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var over = 0.0;
        if (parts.Length is not (1 or 3) || !ScenarioText.TryLoad(parts[0], out var load) || load < 0 || load > 10
            || (parts.Length == 3 && (parts[1] != "over" || !ScenarioText.TryDuration(parts[2], out over) || over < 0)))
        {
            error = $"expected '95%' or '95% over 5s' (got '{text.Trim()}')";
            return false;
        }

        change = new LcChange(0, node, load, over, 0);
        error = "";
        return true;
    }

    public string DoneDir { get; }

    /// <summary>Reads and deletes the pending request files (oldest first). Unreadable ones become failed requests.</summary>
    public (List<MoveRequest> Requests, List<MoveCompletion> Bad) Take(double now)
    {
        var requests = new List<MoveRequest>();
        var bad = new List<MoveCompletion>();
        var files = new DirectoryInfo(RequestsDir).GetFiles("*.json").OrderBy(f => f.LastWriteTimeUtc).ThenBy(f => f.Name, StringComparer.Ordinal);
        foreach (var file in files)
        {
            string text;
            try
            {
                text = ReadAndDelete(file);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue; // taken away meanwhile; try again next step if it is still there
            }

            var id = Path.GetFileNameWithoutExtension(file.Name);
            if (text.Length > MaxFileBytes)
            {
                bad.Add(MoveCompletion.Refused(new MoveRequest(id, 0, null, -1, []), MoveCompletion.Failed, $"bad request {file.Name}: {TooLarge(text)}", now));
            }
            else if (EmulatorControl.TryParseRequest(text, id, out var r, out var error))
            {
                requests.Add(new MoveRequest(r.CommandId!, r.Pid!.Value, r.StartTimeTicks, r.ToNode!.Value, r.FromNodes!));
            }
            else
            {
                bad.Add(MoveCompletion.Refused(new MoveRequest(id, 0, null, -1, []), MoveCompletion.Failed, $"bad request {file.Name}: {error}", now));
            }
        }

        return (requests, bad);
    }

    /// <summary>Largest control file read (requests and LC changes are a few hundred bytes): 64 KiB.</summary>
    public const int MaxFileBytes = 64 * 1024;

    /// <summary>
    /// Reads at most <see cref="MaxFileBytes"/> + 1 characters and deletes the file, so a huge file
    /// dropped in a control folder costs one bounded read (the caller refuses an over-long text).
    /// </summary>
    private static string ReadAndDelete(FileInfo file)
    {
        string text;
        using (var reader = new StreamReader(file.FullName))
        {
            var buffer = new char[MaxFileBytes + 1];
            text = new string(buffer, 0, reader.ReadBlock(buffer, 0, buffer.Length));
        }

        File.Delete(file.FullName);
        return text;
    }

    private static string TooLarge(string text) => text.Length > MaxFileBytes ? $"is over the {MaxFileBytes / 1024} KiB limit" : "";

    public void WriteDone(MoveCompletion c)
    {
        if (!EmulatorControl.IsSafeId(c.CommandId))
        {
            return;
        }

        _writer.WriteAtomically(Path.Combine(DoneDir, c.CommandId + ".json"), EmulatorControl.Serialize(DoneFile(c)));
    }

    /// <summary>The done file of a finished request (times rounded to the millisecond, the duration to 0.1 ms).</summary>
    public static MoveDoneFile DoneFile(MoveCompletion c) => new(
        c.CommandId, c.Pid, c.Status, c.Error, c.ToNode,
        Ordered(c.PagesBefore), Ordered(c.PagesAfter), c.PagesMoved, c.PagesLeft,
        c.AffinityBefore, c.AffinityAfter,
        Math.Round(c.AcceptedAt, 3), Math.Round(c.FinishedAt, 3), Math.Round((c.FinishedAt - c.AcceptedAt) * 1000, 1));

    private static Dictionary<int, long> Ordered(IReadOnlyDictionary<int, long> pages) =>
        pages.OrderBy(p => p.Key).ToDictionary(p => p.Key, p => p.Value);
}
