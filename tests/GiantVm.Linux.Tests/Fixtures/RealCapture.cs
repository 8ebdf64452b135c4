namespace GiantVm.Linux.Tests.Fixtures;

/// <summary>The real captures of scripts/capture-fixtures.sh, copied next to the test assembly.</summary>
internal static class RealCapture
{
    public static string Root(char snapshot) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "real", snapshot.ToString());

    public static string Proc(char snapshot) => Path.Combine(Root(snapshot), "proc");

    public static string Sys(char snapshot) => Path.Combine(Root(snapshot), "sys");

    /// <summary>The pid listed in be.pids: a shell whose comm is "be (x) y".</summary>
    public static int BePid(char snapshot) => int.Parse(File.ReadAllText(Path.Combine(Root(snapshot), "be.pids")).Trim(), System.Globalization.CultureInfo.InvariantCulture);
}
