namespace GiantVm.NodeAgent.Tests;

/// <summary>
/// The built giantvm-agent and giantvm-coordinator in their own output folders
/// (PROJECT/bin/CONFIG/TFM): the copy of the agent in this test folder lacks the
/// Microsoft.Extensions assemblies that the test project takes from the ASP.NET Core shared framework.
/// </summary>
internal static class AgentBinary
{
    /// <summary>The agent binary; <c>GIANTVM_TEST_AGENT</c> names another build to test (e.g. a NativeAOT publish).</summary>
    public static string Path => Environment.GetEnvironmentVariable("GIANTVM_TEST_AGENT") is { Length: > 0 } other
        ? File.Exists(other) ? other : throw new FileNotFoundException("GIANTVM_TEST_AGENT names no file", other)
        : Built("node-agent/GiantVm.NodeAgent", "giantvm-agent");

    public static string Coordinator => Built("coordinator/GiantVm.Coordinator", "giantvm-coordinator");

    private static string Built(string project, string name)
    {
        var testBin = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd('/'));
        var tfm = testBin.Name;
        var configuration = testBin.Parent!.Name;
        var dir = testBin;
        while (dir is not null && !File.Exists(System.IO.Path.Combine(dir.FullName, "GiantVm.sln")))
        {
            dir = dir.Parent;
        }

        var file = System.IO.Path.Combine(dir?.FullName ?? throw new InvalidOperationException("GiantVm.sln not found above " + testBin),
            project, "bin", configuration, tfm, name);
        return File.Exists(file) ? file : throw new FileNotFoundException($"build {project} first", file);
    }
}
