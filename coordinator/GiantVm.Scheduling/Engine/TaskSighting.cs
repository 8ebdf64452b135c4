namespace GiantVm.Scheduling.Engine;

/// <summary>When the decision core first saw a task (pid, start time) in a snapshot, on the snapshot clock:
/// its observed age is the round's time minus <see cref="Since"/> (<c>migrate.age_credit</c>).</summary>
public sealed record TaskSighting(ulong? StartTime, DateTimeOffset Since);
