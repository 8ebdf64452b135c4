namespace GiantVm.Common.Emulation;

/// <summary>
/// <c>control/done/&lt;command_id&gt;.json</c>, written by the emulator when a request is
/// finished: <see cref="Status"/> is <c>done</c>, <c>vanished</c> or <c>failed</c> (with
/// <see cref="Error"/>), pages per node before and after, CPU affinity before and after, and the
/// emulator's clock (<c>time_seconds</c> of its status) when it took and finished the request.
/// </summary>
public sealed record MoveDoneFile(
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
    double AcceptedAtSeconds,
    double FinishedAtSeconds,
    double DurationMs);
