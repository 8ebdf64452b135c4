namespace GiantVm.Deploy.Tests.Infrastructure;

/// <summary>Folders of the repository the tests run from (found by walking up to GiantVm.sln).</summary>
internal static class RepoPaths
{
    private static readonly Lazy<string> RootPath = new(FindRoot);

    public static string Root => RootPath.Value;

    public static string Ansible => Path.Combine(Root, "ansible");

    public static string Scripts => Path.Combine(Root, "scripts");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "GiantVm.sln")) && Directory.Exists(Path.Combine(dir.FullName, "ansible")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"no GiantVm.sln with an ansible/ folder above {AppContext.BaseDirectory}");
    }
}
