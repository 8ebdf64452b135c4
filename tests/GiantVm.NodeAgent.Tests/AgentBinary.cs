namespace GiantVm.NodeAgent.Tests;

/// <summary>
/// The built giantvm-agent in its own output folder (node-agent/GiantVm.NodeAgent/bin/CONFIG/TFM):
/// the copy in this test folder lacks the Microsoft.Extensions assemblies that the test project
/// takes from the ASP.NET Core shared framework.
/// </summary>
internal static class AgentBinary
{
    public static string Path
    {
        get
        {
            var testBin = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd('/'));
            var tfm = testBin.Name;
            var configuration = testBin.Parent!.Name;
            var dir = testBin;
            while (dir is not null && !File.Exists(System.IO.Path.Combine(dir.FullName, "GiantVm.sln")))
            {
                dir = dir.Parent;
            }

            var agent = System.IO.Path.Combine(dir?.FullName ?? throw new InvalidOperationException("GiantVm.sln not found above " + testBin),
                "node-agent", "GiantVm.NodeAgent", "bin", configuration, tfm, "giantvm-agent");
            return File.Exists(agent) ? agent : throw new FileNotFoundException("build the agent first", agent);
        }
    }
}
