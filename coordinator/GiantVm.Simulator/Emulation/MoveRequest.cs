namespace GiantVm.Simulator.Emulation;

/// <summary>
/// A request to move one BE task, as the agent's <c>emulated</c> executor writes it to
/// <c>DIR/control/requests/&lt;command_id&gt;.json</c>.
/// </summary>
/// <param name="StartTimeTicks">Must match /proc/&lt;pid&gt;/stat field 22 when given (pid reuse guard).</param>
/// <param name="FromNodes">Nodes whose pages move (like <c>migratepages PID FROM TO</c>); empty = every other node.</param>
internal sealed record MoveRequest(string CommandId, int Pid, ulong? StartTimeTicks, int ToNode, IReadOnlyList<int> FromNodes);
