using System.Threading.Channels;

namespace GiantVm.NodeAgent.Reporting;

/// <summary>A level-triggered wake-up for the sender: any number of pulses before a wait wake it once.</summary>
internal sealed class Wakeup
{
    private readonly Channel<bool> _channel = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public void Pulse() => _channel.Writer.TryWrite(true);

    public async Task WaitAsync(CancellationToken ct) => await _channel.Reader.ReadAsync(ct);
}
