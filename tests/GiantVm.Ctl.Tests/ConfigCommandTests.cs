using GiantVm.Ctl.Live;

namespace GiantVm.Ctl.Tests;

/// <summary>Issue 17: giantvmctl's contexts file (GIANTVM_CONFIG) and `config view` / `config use-context`.</summary>
public sealed class ConfigCommandTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static CtlRun Run(string configPath, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var connector = new CoordinatorConnector(environment: name => name == CtlConfig.EnvironmentVariable ? configPath : null);
        var code = new CtlApp(output, error, new StringReader(""), connector).Run(args);
        return new CtlRun(code, output.ToString(), error.ToString());
    }

    private const string TwoContexts = """
        current-context: lab
        contexts:
          lab:
            coordinator: https://10.0.0.20:5000
            vm: giantvm
            cert: certs/operator-alice.crt
            key: certs/operator-alice.key
            ca: certs/ca.crt
          local:
            coordinator: http://127.0.0.1:5000
        """;

    [Fact]
    public void Load_RelativeCertificatePaths_AreRelativeToTheFile()
    {
        var path = _dir.File("config.yaml", TwoContexts);

        var config = CtlConfig.Load(path);

        Assert.Equal("lab", config.Current!.Name);
        Assert.Equal(Path.Combine(_dir.Path, "certs", "operator-alice.crt"), config.Current.Cert);
        Assert.Equal("http://127.0.0.1:5000", config.Contexts.Single(c => c.Name == "local").Coordinator);
    }

    [Fact]
    public void UseContext_SwitchesTheCurrentOne_AndViewShowsIt()
    {
        var path = _dir.File("config.yaml", TwoContexts);

        var use = Run(path, "config", "use-context", "local");
        var view = Run(path, "config", "view");

        Assert.Equal((0, "current context: local\n"), (use.ExitCode, use.Out));
        Assert.Contains("current-context: 'local'", view.Out, StringComparison.Ordinal);
        Assert.Equal("local", CtlConfig.Load(path).CurrentContext);
        Assert.Equal(2, CtlConfig.Load(path).Contexts.Count);
    }

    [Theory]
    [InlineData("contexts:\n  lab:\n    coordinatr: x\n", "config.yaml:3: contexts.lab.coordinatr is not a known key")]
    [InlineData("current-context: nope\ncontexts:\n  lab: {}\n", "current-context 'nope' is not one of the contexts (lab)")]
    [InlineData("users: []\n", "config.yaml:1: 'users' is not a known key")]
    [InlineData("contexts: [\n", "not valid YAML")]
    public void Load_BadFile_IsOneUsageErrorNamingFileAndLine(string text, string expected)
    {
        var path = _dir.File("config.yaml", text);

        var run = Run(path, "status");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains(expected, run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void UseContext_Unknown_ListsTheKnownOnes()
    {
        var path = _dir.File("config.yaml", TwoContexts);

        var run = Run(path, "config", "use-context", "prod");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("no context 'prod'", run.Error, StringComparison.Ordinal);
        Assert.Contains("(have: lab, local)", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void LiveVerb_WithAnHttpsContextWithoutItsFiles_NamesTheMissingFile()
    {
        var path = _dir.File("config.yaml", TwoContexts);

        var run = Run(path, "status");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains(Path.Combine(_dir.Path, "certs", "operator-alice.crt") + ": no such file", run.Error, StringComparison.Ordinal);
    }
}
