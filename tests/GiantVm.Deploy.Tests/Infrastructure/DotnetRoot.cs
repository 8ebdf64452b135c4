namespace GiantVm.Deploy.Tests.Infrastructure;

/// <summary>The .NET installation running the tests (for framework-dependent executables it starts).</summary>
internal static class DotnetRoot
{
    /// <summary>DOTNET_ROOT for child processes: three levels above the runtime's own folder.</summary>
    public static string Path
    {
        get
        {
            // .../dotnet/shared/Microsoft.NETCore.App/<version>/System.Private.CoreLib.dll
            var runtimeDir = System.IO.Path.GetDirectoryName(typeof(object).Assembly.Location)!;
            return System.IO.Path.GetFullPath(System.IO.Path.Combine(runtimeDir, "..", "..", ".."));
        }
    }
}
