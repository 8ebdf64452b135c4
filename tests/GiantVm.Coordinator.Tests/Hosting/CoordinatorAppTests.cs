using GiantVm.Coordinator.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace GiantVm.Coordinator.Tests.Hosting;

public sealed class CoordinatorAppTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("giantvm-app-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private CoordinatorLaunch Launch(string? configFile = null, params (string Key, string? Value)[] flags)
    {
        var overrides = new Dictionary<string, string?> { ["Coordinator:DataDir"] = _folder, ["Coordinator:ConsoleLog"] = "false" };
        foreach (var (key, value) in flags)
        {
            overrides[key] = value;
        }

        return new CoordinatorLaunch(configFile, overrides);
    }

    [Fact]
    public void Build_WithoutAPolicy_IsAUsageError()
    {
        var error = Assert.Throws<UsageException>(() => CoordinatorApp.Build(Launch()));

        Assert.StartsWith("--policy is required", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_WithAnInvalidPolicy_ListsEveryError()
    {
        var policy = Path.Combine(_folder, "p.yaml");
        File.WriteAllText(policy, "mode: bogus\nsignal:\n  steal_high: 3\n");

        var error = Assert.Throws<PolicyRejectedException>(() => CoordinatorApp.Build(Launch(null, ("Coordinator:Policy", policy))));

        Assert.Equal(2, error.Errors.Count);
        Assert.All(error.Errors, e => Assert.StartsWith(policy + ":", e, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Coordinator:KeepAlivePingDelaySeconds", "0.5", "Coordinator:KeepAlivePingDelaySeconds must be at least 1 (got 0.5)")]
    [InlineData("Coordinator:KeepAlivePingTimeoutSeconds", "0", "Coordinator:KeepAlivePingTimeoutSeconds must be at least 1 (got 0)")]
    public void Build_WithAKeepAliveUnderASecond_IsAUsageError(string key, string value, string expected)
    {
        var error = Assert.Throws<UsageException>(() => CoordinatorApp.Build(Launch(null, ("Coordinator:Policy", "demo"), (key, value))));

        Assert.Equal(expected, error.Message);
    }

    [Fact]
    public void Build_WithAConfigurationValueOfTheWrongType_IsAUsageErrorNamingTheKey()
    {
        var error = Assert.Throws<UsageException>(() => CoordinatorApp.Build(Launch(null, ("Coordinator:Policy", "demo"), ("Coordinator:Akka:JoinTimeoutSeconds", "abc"))));

        Assert.Equal("Failed to convert configuration value 'abc' at 'Coordinator:Akka:JoinTimeoutSeconds' to type 'System.Double'.", error.Message);
    }

    [Fact]
    public void Build_WithAClusterSizeOfZero_IsAUsageError()
    {
        var error = Assert.Throws<UsageException>(() => CoordinatorApp.Build(Launch(null, ("Coordinator:Policy", "demo"), ("Coordinator:ClusterSize", "0"))));

        Assert.StartsWith("--cluster-size must be at least 1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CommandLine_SeedNodes_AreSplitIntoTheSeedList_AndSetTheDefaultClusterSize()
    {
        CoordinatorLaunch? launch = null;
        var exit = await CoordinatorCommandLine.InvokeAsync(
            ["--policy", "demo", "--seed-nodes", "akka.tcp://giantvm@127.0.0.1:4051, akka.tcp://giantvm@127.0.0.1:4052,akka.tcp://giantvm@127.0.0.1:4053"],
            (l, _) =>
            {
                launch = l;
                return Task.FromResult(0);
            },
            TextWriter.Null);
        var options = new CoordinatorOptions();
        new Microsoft.Extensions.Configuration.ConfigurationBuilder().AddInMemoryCollection(launch!.Overrides).Build()
            .GetSection(CoordinatorOptions.Section).Bind(options);

        Assert.Equal(0, exit);
        Assert.Equal(["akka.tcp://giantvm@127.0.0.1:4051", "akka.tcp://giantvm@127.0.0.1:4052", "akka.tcp://giantvm@127.0.0.1:4053"], options.Akka.SeedNodes);
        Assert.Equal(3, options.EffectiveClusterSize);
    }

    [Theory]
    [InlineData(null, 30 * 24)]
    [InlineData("12h", 12)]
    [InlineData("off", null)]
    [InlineData("0", null)]
    public async Task CommandLine_Retain_SetsTheRetentionInForce(string? flag, int? hours)
    {
        CoordinatorLaunch? launch = null;
        var exit = await CoordinatorCommandLine.InvokeAsync(
            flag is null ? ["--policy", "demo"] : ["--policy", "demo", "--retain", flag],
            (l, _) =>
            {
                launch = l;
                return Task.FromResult(0);
            },
            TextWriter.Null);
        var overrides = new Dictionary<string, string?>(launch!.Overrides) { ["Coordinator:DataDir"] = _folder, ["Coordinator:ConsoleLog"] = "false" };
        await using var app = CoordinatorApp.Build(new CoordinatorLaunch(null, overrides));

        Assert.Equal(0, exit);
        Assert.Equal(hours is { } h ? TimeSpan.FromHours(h) : (TimeSpan?)null, app.Services.GetRequiredService<GiantVm.Coordinator.Persistence.RetentionSettings>().Retain);
    }

    [Fact]
    public async Task Run_WithABadRetain_EndsInOneLineAndExitCode2()
    {
        var stderr = new StringWriter();

        var exit = await CoordinatorProgram.RunAsync(Launch(null, ("Coordinator:Policy", "demo"), ("Coordinator:Retain", "a month")), stderr, TestContext.Current.CancellationToken);

        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Equal("giantvm-coordinator: --retain 'a month': expected a duration such as 30d, 12h or 90m (500ms, 30s, 5m, 1h30m, 2d or bare seconds), or 0/off to keep everything" + Environment.NewLine, stderr.ToString());
    }

    [Fact]
    public async Task Help_ListsRetain()
    {
        var output = new StringWriter();
        var root = CoordinatorCommandLine.Create((_, _) => Task.FromResult(0));

        var exit = await root.Parse(["--help"]).InvokeAsync(new System.CommandLine.InvocationConfiguration { Output = output }, TestContext.Current.CancellationToken);

        Assert.Equal(0, exit);
        Assert.Contains("--retain <DURATION>", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("(Coordinator:Retain)", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CommandLine_AkkaHost_SetsTheAddressAkkaBindsTo()
    {
        CoordinatorLaunch? launch = null;
        var exit = await CoordinatorCommandLine.InvokeAsync(
            ["--policy", "demo", "--akka-host", "10.77.0.11", "--akka-port", "4053"],
            (l, _) =>
            {
                launch = l;
                return Task.FromResult(0);
            },
            TextWriter.Null);
        var options = new CoordinatorOptions();
        new Microsoft.Extensions.Configuration.ConfigurationBuilder().AddInMemoryCollection(launch!.Overrides).Build()
            .GetSection(CoordinatorOptions.Section).Bind(options);

        Assert.Equal(0, exit);
        Assert.Equal("10.77.0.11", options.Akka.Hostname);
        Assert.Equal(4053, options.Akka.Port);
    }

    [Theory]
    [InlineData("urls", "http://10.1.2.3:5000")]
    [InlineData("urls", "http://127.0.0.1:5000;http://0.0.0.0:5002")]
    [InlineData("Coordinator:MetricsUrl", "http://*:5001")]
    public void Build_WithANonLoopbackAddress_RefusesWithoutInsecure(string key, string url)
    {
        var error = Assert.Throws<UsageException>(() => CoordinatorApp.Build(Launch(null, ("Coordinator:Policy", "demo"), (key, url))));

        Assert.Contains("--insecure", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Build_WithANonLoopbackAddressAndInsecure_IsAccepted()
    {
        await using var app = CoordinatorApp.Build(Launch(null, ("Coordinator:Policy", "demo"), ("urls", "http://0.0.0.0:5000"), ("Coordinator:Insecure", "true")));

        Assert.True(app.Services.GetRequiredService<IOptions<CoordinatorOptions>>().Value.Insecure);
    }

    [Fact]
    public async Task Build_ReadsTheConfigFile_AndFlagsOverrideIt()
    {
        var config = Path.Combine(_folder, "coordinator.json");
        await File.WriteAllTextAsync(config, """{ "Coordinator": { "Policy": "demo", "MaxVms": 5, "MaxNodeId": 7 } }""", TestContext.Current.CancellationToken);

        await using var app = CoordinatorApp.Build(Launch(config, ("Coordinator:MaxVms", "9")));
        var options = app.Services.GetRequiredService<IOptions<CoordinatorOptions>>().Value;

        Assert.Equal(("demo", 9, 7), (options.Policy, options.MaxVms, options.MaxNodeId));
    }

    [Fact]
    public void Build_WithAMissingConfigFile_NamesIt()
    {
        var error = Assert.Throws<UsageException>(() => CoordinatorApp.Build(Launch("nope.json", ("Coordinator:Policy", "demo"))));

        Assert.Equal("--config: nope.json does not exist", error.Message);
    }

    [Theory]
    [InlineData("ftp://127.0.0.1:5000", "must use http:// or https://")]
    [InlineData("127.0.0.1:5000", "is not a URL")]
    [InlineData("http://example.com:5000", "must name an IP address")]
    public void ListenAddress_RejectsWhatKestrelCannotBindHere(string url, string expected)
    {
        var error = Assert.Throws<UsageException>(() => ListenAddress.Parse(url, "--urls"));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    // Issue 17: which listen addresses need TLS, and what a partial or wrong setup says.
    [Theory]
    [InlineData("https://127.0.0.1:5000", "http://127.0.0.1:5001", false, false, "https://127.0.0.1:5000: https:// needs --tls-cert, --tls-key and --tls-ca")]
    [InlineData("http://0.0.0.0:5000", "http://127.0.0.1:5001", false, false, "refusing to listen on http://0.0.0.0:5000 in plaintext")]
    [InlineData("http://0.0.0.0:5000", "http://127.0.0.1:5001", false, true, null)]
    [InlineData("http://127.0.0.1:5000", "http://127.0.0.1:5001", true, false, "--urls: http://127.0.0.1:5000 is plaintext while --tls-cert/--tls-key/--tls-ca are set; use https://127.0.0.1:5000")]
    [InlineData("https://0.0.0.0:5000", "http://0.0.0.0:5001", true, false, "--metrics-url: http://0.0.0.0:5001 is plaintext off loopback")]
    [InlineData("https://0.0.0.0:5000", "https://0.0.0.0:5001", true, false, null)]
    [InlineData("https://0.0.0.0:5000", "http://127.0.0.1:5001", true, false, null)]
    public void CheckExposure_TlsRules(string grpc, string metrics, bool tls, bool insecure, string? expected)
    {
        void Check() => ListenAddress.CheckExposure([ListenAddress.Parse(grpc, "--urls")], ListenAddress.Parse(metrics, "--metrics-url"), tls, insecure);

        if (expected is null)
        {
            Check();
        }
        else
        {
            Assert.StartsWith(expected, Assert.Throws<UsageException>(Check).Message, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("http://127.0.0.1:5000", true)]
    [InlineData("http://localhost:5000", true)]
    [InlineData("http://[::1]:5000", true)]
    [InlineData("http://0.0.0.0:5000", false)]
    [InlineData("http://192.168.1.4:5000", false)]
    public void ListenAddress_KnowsLoopback(string url, bool loopback) =>
        Assert.Equal(loopback, ListenAddress.Parse(url, "--urls").IsLoopback);
}
