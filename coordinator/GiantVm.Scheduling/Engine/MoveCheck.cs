using GiantVm.Scheduling.Model;

namespace GiantVm.Scheduling.Engine;

/// <summary>A manual move checked against the snapshot: the decision, or why it is refused.</summary>
public sealed record MoveCheck(Decision? Decision, string? Refusal)
{
    public bool Allowed => Decision is not null;
}
