namespace GiantVm.EndToEnd.Tests.Infrastructure;

/// <summary>Where the built binaries are: the project's own bin folders, same configuration as the tests.</summary>
internal static class Binaries
{
    public static string RepoRoot { get; } = FindRoot();

    /// <summary>Debug or Release, read from this test assembly's own output path.</summary>
    public static string Configuration { get; } =
        new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent?.Name is { Length: > 0 } c ? c : "Debug";

    public static string Simulator => Dll("coordinator/GiantVm.Simulator", "giantvm-sim");

    public static string Coordinator => Dll("coordinator/GiantVm.Coordinator", "giantvm-coordinator");

    public static string Ctl => Dll("coordinator/GiantVm.Ctl", "giantvmctl");

    public static string Agent => Dll("node-agent/GiantVm.NodeAgent", "giantvm-agent");

    private static string Dll(string project, string name)
    {
        var path = Path.Combine(RepoRoot, project, "bin", Configuration, "net10.0", name + ".dll");
        return File.Exists(path) ? path : throw new FileNotFoundException($"{path} is not built (dotnet build {project} -c {Configuration})");
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "GiantVm.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("GiantVm.sln not found above " + AppContext.BaseDirectory);
    }
}
