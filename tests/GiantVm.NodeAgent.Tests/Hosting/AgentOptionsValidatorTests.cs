using GiantVm.NodeAgent.Hosting;
using Microsoft.Extensions.Configuration;

namespace GiantVm.NodeAgent.Tests.Hosting;

public class AgentOptionsValidatorTests
{
    private static AgentOptions Valid() => new() { Role = "guest", Coordinator = "http://127.0.0.1:5000" };

    [Theory]
    [InlineData(null, "http://a:1", null, "numactl", "--role")]
    [InlineData("vm", "http://a:1", null, "numactl", "--role 'vm'")]
    [InlineData("host", "http://a:1", null, "numactl", "--node-id")]
    [InlineData("guest", null, null, "numactl", "--coordinator (Agent:Coordinator) is required")]
    [InlineData("guest", "http://a:1,tcp://b", null, "numactl", "'tcp://b'")]
    [InlineData("guest", "http://a:1", null, "taskset", "--executor 'taskset'")]
    [InlineData("guest", "http://a:1", null, "cpuset", "--be-cgroup")]
    public void Validate_WhenAnOptionIsWrong_NamesItsFlag(string? role, string? coordinator, int? node, string executor, string expected)
    {
        var options = new AgentOptions { Role = role, Coordinator = coordinator, NodeId = node, Executor = executor };

        var e = Assert.Throws<AgentConfigException>(() => AgentOptionsValidator.Validate(options));

        Assert.Contains(expected, e.Message);
    }

    [Theory]
    [InlineData(0, 300, "--numa-maps-every 0")]
    [InlineData(10, 0, "--numa-maps-max-age 0 (Agent:NumaMapsMaxAge)")]
    public void Validate_NumaMapsPeriodsBelowOne_AreRefused(int every, int maxAge, string expected)
    {
        var options = Valid();
        options.NumaMapsEvery = every;
        options.NumaMapsMaxAge = maxAge;

        var e = Assert.Throws<AgentConfigException>(() => AgentOptionsValidator.Validate(options));

        Assert.Contains(expected, e.Message);
    }

    [Theory]
    [InlineData("500ms", "5s", 5, "Agent:KeepAlivePingDelay 500ms: expected 1s or more")]
    [InlineData("5s", "500ms", 5, "Agent:KeepAlivePingTimeout 500ms: expected 1s or more")]
    [InlineData("5s", "soon", 5, "Agent:KeepAlivePingTimeout 'soon'")]
    [InlineData("5s", "5s", 0, "Agent:SilentIntervals 0")]
    public void Validate_StreamHealthOutOfRange_IsRefused(string delay, string timeout, int silent, string expected)
    {
        var options = Valid();
        options.KeepAlivePingDelay = delay;
        options.KeepAlivePingTimeout = timeout;
        options.SilentIntervals = silent;

        var e = Assert.Throws<AgentConfigException>(() => AgentOptionsValidator.Validate(options));

        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void Validate_StreamHealth_DefaultsTo5sPingsAnd5SilentIntervals_AndTakesGivenValues()
    {
        Assert.Equal(new GiantVm.NodeAgent.Reporting.StreamHealth(TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5), 5), AgentOptionsValidator.Validate(Valid()).Health);
        var options = Valid();
        options.KeepAlivePingDelay = "2s";
        options.KeepAlivePingTimeout = "3s";
        options.SilentIntervals = 7;
        Assert.Equal(new GiantVm.NodeAgent.Reporting.StreamHealth(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(3), 7), AgentOptionsValidator.Validate(options).Health);
    }

    [Fact]
    public void Validate_PassesTheNumaMapsMaxAgeToTheSensing()
    {
        var options = Valid();
        options.NumaMapsMaxAge = 42;

        Assert.Equal(42, AgentOptionsValidator.Validate(options).Sensing.NumaMapsMaxAge);
    }

    [Fact]
    public void Validate_ParsesTheAddressListAndDurations()
    {
        var options = Valid();
        options.Coordinator = "http://a:1, http://b:2";
        options.Interval = "500ms";

        var s = AgentOptionsValidator.Validate(options);

        Assert.Equal(["http://a:1/", "http://b:2/"], s.Coordinators.Select(u => u.ToString()));
        Assert.Equal(TimeSpan.FromMilliseconds(500), s.Interval);
        Assert.Equal("numactl", s.Executor);
    }

    [Fact]
    public void Configuration_FlagsWinOverEnvironmentWhichWinsOverTheFile()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, """{ "Agent": { "Role": "host", "NodeId": 1, "Vm": "from-file", "Interval": "5s", "Coordinator": "http://file:1" } }""");
            Environment.SetEnvironmentVariable("GIANTVM_Agent__Vm", "from-env");
            Environment.SetEnvironmentVariable("GIANTVM_Agent__Interval", "3s");
            var configuration = new ConfigurationManager();

            RunCommand.AddConfiguration(configuration, file, new Dictionary<string, string?> { ["Agent:Interval"] = "2s" });
            var s = AgentOptionsValidator.Validate(RunCommand.Bind(configuration));

            Assert.Equal(("host", 1, "from-env", TimeSpan.FromSeconds(2)), (s.Role, s.NodeId, s.Vm, s.Interval));
        }
        finally
        {
            Environment.SetEnvironmentVariable("GIANTVM_Agent__Vm", null);
            Environment.SetEnvironmentVariable("GIANTVM_Agent__Interval", null);
            File.Delete(file);
        }
    }

    [Fact]
    public void Configuration_WhenTheFileIsNotJson_IsAConfigurationError()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, "{ not json");

            var e = Assert.Throws<AgentConfigException>(() => RunCommand.AddConfiguration(new ConfigurationManager(), file, new Dictionary<string, string?>()));

            Assert.Contains("not valid JSON", e.Message);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
