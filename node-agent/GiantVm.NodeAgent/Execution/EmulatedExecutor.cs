using GiantVm.Common;
using GiantVm.Common.Emulation;

namespace GiantVm.NodeAgent.Execution;

/// <summary>
/// The backend for the emulated GiantVM (<c>giantvm-sim emulate</c>): after the same safety
/// checks as every executor, it asks the emulator to move the task through the file protocol
/// under the emulator's root, waits for the answer, then verifies the move the way the numactl
/// executor does (Cpus_allowed_list of the process and its threads, pages per node in
/// numa_maps), reading the emulated guest tree.
/// <para>Protocol (<see cref="EmulatorControl"/>): the request is written to
/// <c>ROOT/control/requests/&lt;id&gt;.json</c> (a <see cref="MoveRequestFile"/>); the emulator
/// deletes it when taken and, once the task's files show the move, writes
/// <c>ROOT/control/done/&lt;id&gt;.json</c> (a <see cref="MoveDoneFile"/>).</para>
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
        _requests = EmulatorControl.RequestsFolder(emulatorRoot);
        _done = EmulatorControl.DoneFolder(emulatorRoot);
    }

    public string Name => "emulated";

    /// <summary>Whether <paramref name="emulatorRoot"/> looks like a running emulator's root.</summary>
    public static bool LooksLikeEmulatorRoot(string emulatorRoot) =>
        Directory.Exists(EmulatorControl.RequestsFolder(emulatorRoot)) && Directory.Exists(Path.Combine(emulatorRoot, "guest"));

    public async Task<MigrationOutcome> ExecuteAsync(MigrationRequest request, CancellationToken ct)
    {
        var start = _time.GetTimestamp();
        var (move, stop) = Preflight.Check(request, _inspector, _selfPid);
        if (move is null)
        {
            return stop!;
        }

        ct.ThrowIfCancellationRequested();
        var id = EmulatorControl.FileId(request.CommandId);
        var requestPath = Path.Combine(_requests, id + ".json");
        var donePath = Path.Combine(_done, id + ".json");
        if (!File.Exists(donePath))
        {
            WriteRequest(requestPath, new MoveRequestFile(id, request.Pid, request.StartTime, request.ToNode, move.SourceNodes));
        }

        MoveDoneFile? answer;
        try
        {
            answer = await WaitForAnswerAsync(donePath, ct);
        }
        catch (OperationCanceledException)
        {
            TryDelete(requestPath); // not taken yet: withdraw it
            throw;
        }

        var status = answer?.Status ?? "";
        var error = answer?.Error ?? "";
        if (status == "vanished")
        {
            return MigrationOutcome.Untouched(ExecutionStatus.Vanished, Prefix(error), move.Status.CpusAllowedList, move.PagesBefore)
                with { Duration = _time.GetElapsedTime(start) };
        }

        var toolError = status == "done" ? "" : Prefix(status.Length == 0 ? $"unreadable answer {donePath}" : $"{status}: {error}");
        return Verification.Finish(move, _inspector, _time.GetElapsedTime(start), toolError);
    }

    private async Task<MoveDoneFile?> WaitForAnswerAsync(string donePath, CancellationToken ct)
    {
        while (true)
        {
            if (File.Exists(donePath))
            {
                try
                {
                    return EmulatorControl.ParseDone(await File.ReadAllTextAsync(donePath, ct));
                }
                catch (IOException)
                {
                    // replaced while read: read again
                }
            }

            await Task.Delay(PollInterval, _time, ct);
        }
    }

    private static void WriteRequest(string path, MoveRequestFile request)
    {
        var dir = Path.GetDirectoryName(path)!;
        if (!Directory.Exists(dir))
        {
            throw new DirectoryNotFoundException($"emulator control folder {dir} does not exist (is giantvm-sim emulate running with this --root?)");
        }

        AtomicFile.WriteAllText(path, EmulatorControl.Serialize(request));
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
