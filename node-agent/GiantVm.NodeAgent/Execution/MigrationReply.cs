namespace GiantVm.NodeAgent.Execution;

/// <summary>A finished command: what was asked, what happened, when it ended.</summary>
internal sealed record MigrationReply(MigrationRequest Request, MigrationOutcome Outcome, DateTimeOffset FinishedAt);
