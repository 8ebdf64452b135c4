using GiantVm.Coordinator.Agents;

namespace GiantVm.Coordinator.Tests.Limits;

public sealed class AgentStreamGateTests
{
    [Fact]
    public void TryEnter_BeyondTheCap_IsRefused_UntilOneLeaves()
    {
        var gate = new AgentStreamGate(2);

        Assert.Equal([true, true, false], new[] { gate.TryEnter(), gate.TryEnter(), gate.TryEnter() });
        gate.Leave();
        Assert.True(gate.TryEnter());
        Assert.Equal(2, gate.Open);
    }

    [Fact]
    public async Task ConcurrentEntries_NeverExceedTheCap()
    {
        var gate = new AgentStreamGate(100);

        var entered = await Task.WhenAll(Enumerable.Range(0, 1000).Select(_ => Task.Run(gate.TryEnter, TestContext.Current.CancellationToken)));

        Assert.Equal(100, entered.Count(e => e));
        Assert.Equal(100, gate.Open);
    }
}
