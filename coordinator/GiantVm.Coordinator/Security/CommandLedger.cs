namespace GiantVm.Coordinator.Security;

/// <summary>
/// The migrate commands this member wrote to guest streams, by vm: a result is accepted only for
/// a command id that was sent to the guest of that vm (docs/security.md, "Binding"), so a client
/// cannot invent results. Bounded: the oldest ids are forgotten past <see cref="Capacity"/>.
/// </summary>
public sealed class CommandLedger
{
    public const int Capacity = 100_000;
    private readonly object _gate = new();
    private readonly HashSet<(string Vm, string CommandId)> _sent = [];
    private readonly Queue<(string Vm, string CommandId)> _order = new();

    /// <summary>The pump wrote command <paramref name="commandId"/> to the guest stream of <paramref name="vm"/>.</summary>
    public void Sent(string vm, string commandId)
    {
        lock (_gate)
        {
            if (_sent.Add((vm, commandId)))
            {
                _order.Enqueue((vm, commandId));
                while (_order.Count > Capacity)
                {
                    _sent.Remove(_order.Dequeue());
                }
            }
        }
    }

    /// <summary>True when the command was sent to the guest of <paramref name="vm"/> (its results may come more than once).</summary>
    public bool WasSent(string vm, string commandId)
    {
        lock (_gate)
        {
            return _sent.Contains((vm, commandId));
        }
    }
}
