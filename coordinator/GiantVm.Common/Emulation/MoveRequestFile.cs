namespace GiantVm.Common.Emulation;

/// <summary>
/// <c>control/requests/&lt;command_id&gt;.json</c>, written by the agent's emulated executor:
/// move task <see cref="Pid"/> (that process instance when <see cref="StartTimeTicks"/> is given)
/// to node <see cref="ToNode"/>, its pages from <see cref="FromNodes"/> (and wherever else they are).
/// <see cref="Pid"/> and <see cref="ToNode"/> are required; nullable so that a file without them
/// reads as a clear error rather than as pid 0.
/// </summary>
public sealed record MoveRequestFile(string? CommandId, int? Pid, ulong? StartTimeTicks, int? ToNode, IReadOnlyList<int>? FromNodes);
