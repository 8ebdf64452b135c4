using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace GiantVm.NodeAgent.Execution;

/// <summary>
/// The backend for the emulated GiantVM (<c>giantvm-sim emulate</c>): after the same safety
/// checks as every executor, it asks the emulator to move the task through the file protocol
/// under the emulator's root, waits for the answer, then verifies the move the way the numactl
/// executor does (Cpus_allowed_list of the process and its threads, pages per node in
/// numa_maps), reading the emulated guest tree.
/// <para>Protocol: the request is written to <c>ROOT/control/requests/&lt;id&gt;.json</c> (a
/// temporary file renamed into place) as
/// <c>{"command_id","pid","start_time_ticks","to_node","from_nodes":[..]}</c>; the emulator
/// deletes it when taken and, once the task's files show the move, writes
/// <c>ROOT/control/done/&lt;id&gt;.json</c> with <c>status</c> (done, vanished, failed),
/// <c>error</c>, pages before/after and affinities.</para>
/// </summary>
internal sealed class EmulatedExecutor : IMigrationExecutor
{
    /// <summary>How often the done folder is looked at.</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    private readonly ITaskInspector _inspector;
    private readonly TimeProvider _time;
    private readonly int _selfPid;
    private readonly string _requests;
    private readonly string _done;

    public EmulatedExecutor(ITaskInspector inspector, string emulatorRoot, TimeProvider time, int selfPid)
    {
        _inspector = inspector;
        _time = time;
        _selfPid = selfPid;
        _requests = Path.Combine(emulatorRoot, "control", "requests");
        _done = Path.Combine(emulatorRoot, "control", "done");
    }

    public string Name => "emulated";

    /// <summary>Whether <paramref name="emulatorRoot"/> looks like a running emulator's root.</summary>
    public static bool LooksLikeEmulatorRoot(string emulatorRoot) =>
        Directory.Exists(Path.Combine(emulatorRoot, "control", "requests")) && Directory.Exists(Path.Combine(emulatorRoot, "guest"));

    public async Task<MigrationOutcome> ExecuteAsync(MigrationRequest request, CancellationToken ct)
    {
        var start = _time.GetTimestamp();
        var (move, stop) = Preflight.Check(request, _inspector, _selfPid);
        if (move is null)
        {
            return stop!;
        }

        ct.ThrowIfCancellationRequested();
        var id = FileId(request.CommandId);
        var requestPath = Path.Combine(_requests, id + ".json");
        var donePath = Path.Combine(_done, id + ".json");
        if (!File.Exists(donePath))
        {
            WriteAtomically(requestPath, RequestJson(id, request, move.SourceNodes));
        }

        JsonObject? answer;
        try
        {
            answer = await WaitForAnswerAsync(donePath, ct);
        }
        catch (OperationCanceledException)
        {
            TryDelete(requestPath); // not taken yet: withdraw it
            throw;
        }

        var status = (string?)answer?["status"] ?? "";
        var error = (string?)answer?["error"] ?? "";
        if (status == "vanished")
        {
            return MigrationOutcome.Untouched(ExecutionStatus.Vanished, Prefix(error), move.Status.CpusAllowedList, move.PagesBefore)
                with { Duration = _time.GetElapsedTime(start) };
        }

        var toolError = status == "done" ? "" : Prefix(status.Length == 0 ? $"unreadable answer {donePath}" : $"{status}: {error}");
        return Verification.Finish(move, _inspector, _time.GetElapsedTime(start), toolError);
    }

    /// <summary>The request file's JSON (the emulator's <c>MoveRequest</c>).</summary>
    internal static string RequestJson(string id, MigrationRequest request, IReadOnlyList<int> fromNodes)
    {
        var from = new JsonArray();
        foreach (var n in fromNodes)
        {
            from.Add((JsonNode)JsonValue.Create(n)); // the JsonNode overload: Add<T> needs reflection (NativeAOT)
        }

        return new JsonObject
        {
            ["command_id"] = id,
            ["pid"] = request.Pid,
            ["start_time_ticks"] = request.StartTime,
            ["to_node"] = request.ToNode,
            ["from_nodes"] = from,
        }.ToJsonString() + "\n";
    }

    /// <summary>A command id as a file name: letters, digits, '-', '_', '.' kept, anything else '_'.</summary>
    internal static string FileId(string commandId)
    {
        var sb = new StringBuilder(Math.Min(commandId.Length, 128));
        foreach (var c in commandId.AsSpan(0, Math.Min(commandId.Length, 128)))
        {
            sb.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_');
        }

        if (sb.Length == 0 || sb[0] == '.')
        {
            sb.Insert(0, 'c');
        }

        return sb.ToString();
    }

    private async Task<JsonObject?> WaitForAnswerAsync(string donePath, CancellationToken ct)
    {
        while (true)
        {
            if (File.Exists(donePath))
            {
                try
                {
                    return JsonNode.Parse(await File.ReadAllTextAsync(donePath, ct)) as JsonObject;
                }
                catch (JsonException)
                {
                    return null;
                }
                catch (IOException)
                {
                    // replaced while read: read again
                }
            }

            await Task.Delay(PollInterval, _time, ct);
        }
    }

    private static void WriteAtomically(string path, string content)
    {
        var dir = Path.GetDirectoryName(path)!;
        if (!Directory.Exists(dir))
        {
            throw new DirectoryNotFoundException($"emulator control folder {dir} does not exist (is giantvm-sim emulate running with this --root?)");
        }

        var temp = Path.Combine(dir, "." + Path.GetFileName(path) + "." + Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + ".tmp");
        File.WriteAllText(temp, content);
        File.Move(temp, path, overwrite: true);
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
    }

    private static string Prefix(string error) => error.Length == 0 ? "" : "emulator: " + error;
}
