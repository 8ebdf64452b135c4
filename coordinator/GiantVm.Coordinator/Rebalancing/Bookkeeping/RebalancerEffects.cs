using GiantVm.Contracts.V1;

namespace GiantVm.Coordinator.Rebalancing.Bookkeeping;

/// <summary>What applying an event asks the actor to do (in order); the bookkeeping itself does no I/O.</summary>
public abstract record RebalancerEffect;

/// <summary>Send this command to the instance's guest agent (wherever its session is); undeliverable comes back as a message.</summary>
public sealed record SendCommand(MigrateCommand Command) : RebalancerEffect;

/// <summary>Deliver <see cref="CommandDeadlinePassed"/> for the command at <paramref name="Deadline"/> (at once when it is past).</summary>
public sealed record StartDeadline(string CommandId, DateTimeOffset Deadline) : RebalancerEffect;

/// <summary>The command has its result: its deadline timer goes.</summary>
public sealed record CancelDeadline(string CommandId) : RebalancerEffect;

/// <summary>The policy's round interval changed: rounds run at the new one.</summary>
public sealed record SetRoundInterval(TimeSpan Interval) : RebalancerEffect;

/// <summary>A recorded policy does not load with this version's validation: the previous one stays in force (say so).</summary>
public sealed record PolicyNotRestored(PolicyReloaded Event, IReadOnlyList<string> Errors) : RebalancerEffect;
