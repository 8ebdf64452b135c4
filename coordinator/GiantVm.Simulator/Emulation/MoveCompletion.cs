namespace GiantVm.Simulator.Emulation;

/// <summary>The emulator's answer to a <see cref="MoveRequest"/>, written to
/// <c>DIR/control/done/&lt;command_id&gt;.json</c> after the moved task's files are written.</summary>
/// <param name="Status"><c>done</c>, <c>vanished</c> (no such process, or a different one) or <c>failed</c>.</param>
/// <param name="AcceptedAt">Emulator time (seconds since start) the request was taken.</param>
/// <param name="FinishedAt">Emulator time the last page moved (or the request was refused).</param>
internal sealed record MoveCompletion(
    string CommandId,
    int Pid,
    string Status,
    string Error,
    int ToNode,
    IReadOnlyDictionary<int, long> PagesBefore,
    IReadOnlyDictionary<int, long> PagesAfter,
    long PagesMoved,
    long PagesLeft,
    string AffinityBefore,
    string AffinityAfter,
    double AcceptedAt,
    double FinishedAt)
{
    public const string Done = "done";
    public const string Vanished = "vanished";
    public const string Failed = "failed";

    public static MoveCompletion Refused(MoveRequest request, string status, string error, double now) =>
        new(request.CommandId, request.Pid, status, error, request.ToNode,
            new Dictionary<int, long>(), new Dictionary<int, long>(), 0, 0, "", "", now, now);
}
