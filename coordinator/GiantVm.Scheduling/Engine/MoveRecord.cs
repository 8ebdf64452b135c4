namespace GiantVm.Scheduling.Engine;

/// <summary>A move that happened (or was decided, including dry-run ones), on the snapshot clock.</summary>
public sealed record MoveRecord(int Pid, ulong? StartTime, int From, int To, DateTimeOffset Time)
{
    /// <summary>Whether this record is about the process (pid, start time); an unknown start time matches any.</summary>
    public bool IsTask(int pid, ulong? startTime) =>
        Pid == pid && (StartTime is null || startTime is null || StartTime == startTime);
}
