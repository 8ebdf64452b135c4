using GiantVm.NodeAgent.Hosting;

namespace GiantVm.EndToEnd.Tests.Emulation;

/// <summary><c>giantvm-agent run --executor emulated --emulator-root DIR</c> option checks.</summary>
public sealed class EmulatedExecutorOptionsTests
{
    [Fact]
    public void Validate_EmulatedExecutorWithoutRoot_NamesTheMissingFlag()
    {
        var options = new AgentOptions { Role = "guest", Coordinator = "http://127.0.0.1:5000", Executor = "emulated" };

        var e = Assert.Throws<AgentConfigException>(() => AgentOptionsValidator.Validate(options));

        Assert.Equal("--executor emulated needs --emulator-root (Agent:EmulatorRoot): the folder giantvm-sim emulate writes", e.Message);
    }

    [Fact]
    public void Validate_EmulatedExecutorWithRoot_KeepsTheRoot()
    {
        var options = new AgentOptions { Role = "guest", Coordinator = "http://127.0.0.1:5000", Executor = "Emulated", EmulatorRoot = "/tmp/emu" };

        var settings = AgentOptionsValidator.Validate(options);

        Assert.Equal("emulated", settings.Executor);
        Assert.Equal("/tmp/emu", settings.EmulatorRoot);
    }
}
