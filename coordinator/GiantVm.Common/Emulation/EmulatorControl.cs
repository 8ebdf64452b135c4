using System.Text;
using System.Text.Json;

namespace GiantVm.Common.Emulation;

/// <summary>
/// The emulated GiantVM's control folder (<c>ROOT/control/</c>), as both sides see it: the
/// agent's <c>emulated</c> executor writes <c>requests/&lt;id&gt;.json</c> (a
/// <see cref="MoveRequestFile"/>) and waits for <c>done/&lt;id&gt;.json</c> (a
/// <see cref="MoveDoneFile"/>), which <c>giantvm-sim emulate</c> writes once the task's files
/// show the move; <c>lc/&lt;node&gt;</c> changes a node's LC load. Every file is replaced
/// atomically (<see cref="AtomicFile"/>). The JSON is source-generated
/// (<see cref="EmulatorControlJson"/>), so the NativeAOT agent needs no reflection.
/// </summary>
public static class EmulatorControl
{
    /// <summary>The longest command id kept in a file name.</summary>
    public const int MaxIdLength = 128;

    public static string RequestsFolder(string root) => Path.Combine(root, "control", "requests");

    public static string DoneFolder(string root) => Path.Combine(root, "control", "done");

    public static string LcFolder(string root) => Path.Combine(root, "control", "lc");

    /// <summary>Whether a command id can be a file name as it is: 1-128 letters, digits, '-', '_' or '.', not starting with '.'.</summary>
    public static bool IsSafeId(string id) =>
        id.Length is > 0 and <= MaxIdLength && !id.StartsWith('.') && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');

    /// <summary>A command id as a safe file id: the first 128 characters, anything but letters,
    /// digits, '-', '_' and '.' replaced by '_', a 'c' in front of an empty or hidden name.</summary>
    public static string FileId(string commandId)
    {
        var sb = new StringBuilder(Math.Min(commandId.Length, MaxIdLength));
        foreach (var c in commandId.AsSpan(0, Math.Min(commandId.Length, MaxIdLength)))
        {
            sb.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_');
        }

        if (sb.Length == 0 || sb[0] == '.')
        {
            sb.Insert(0, 'c');
        }

        return sb.ToString();
    }

    /// <summary>The request file's text (one JSON line).</summary>
    public static string Serialize(MoveRequestFile request) =>
        JsonSerializer.Serialize(request, EmulatorControlJson.Default.MoveRequestFile) + "\n";

    /// <summary>The done file's text (one JSON line).</summary>
    public static string Serialize(MoveDoneFile done) =>
        JsonSerializer.Serialize(done, EmulatorControlJson.Default.MoveDoneFile) + "\n";

    /// <summary>Reads a request file whose name (without <c>.json</c>) is <paramref name="fileId"/>;
    /// <paramref name="error"/> says what is wrong with it.</summary>
    public static bool TryParseRequest(string text, string fileId, out MoveRequestFile request, out string error)
    {
        request = null!;
        MoveRequestFile? parsed;
        try
        {
            parsed = JsonSerializer.Deserialize(text, EmulatorControlJson.Default.MoveRequestFile);
        }
        catch (JsonException e)
        {
            error = "not a JSON request: " + e.Message;
            return false;
        }

        if (parsed is null)
        {
            error = "not a JSON object";
            return false;
        }

        var id = parsed.CommandId ?? fileId;
        if (!IsSafeId(id))
        {
            error = $"command_id must be 1-{MaxIdLength} letters, digits, '-', '_' or '.'";
            return false;
        }

        if (id != fileId)
        {
            error = $"command_id '{id}' differs from the file name";
            return false;
        }

        if (parsed.Pid is null || parsed.ToNode is null)
        {
            error = "pid and to_node are required";
            return false;
        }

        request = parsed with { CommandId = id, FromNodes = parsed.FromNodes ?? [] };
        error = "";
        return true;
    }

    /// <summary>Reads a done file; null when it is not one (torn, or not JSON).</summary>
    public static MoveDoneFile? ParseDone(string text)
    {
        try
        {
            return JsonSerializer.Deserialize(text, EmulatorControlJson.Default.MoveDoneFile);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
