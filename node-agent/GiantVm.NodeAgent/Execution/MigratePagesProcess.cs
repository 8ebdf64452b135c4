using System.Diagnostics;
using System.Globalization;
using GiantVm.Linux;

namespace GiantVm.NodeAgent.Execution;

/// <summary>Runs the real <c>migratepages</c>; a missing tool is exit code 127 with an install hint.</summary>
internal sealed class MigratePagesProcess : IMigratePagesTool
{
    private readonly string _tool;

    public MigratePagesProcess(string tool = "migratepages")
    {
        _tool = tool;
    }

    public async Task<ToolRun> RunAsync(int pid, IReadOnlyCollection<int> from, IReadOnlyCollection<int> to, CancellationToken ct)
    {
        var start = new ProcessStartInfo(_tool)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(pid.ToString(CultureInfo.InvariantCulture));
        start.ArgumentList.Add(ListFormat.Format(from));
        start.ArgumentList.Add(ListFormat.Format(to));

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("no process");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return new ToolRun(127, $"{_tool}: cannot run ({e.Message}); install the numactl package");
        }

        using (process)
        {
            var stderr = process.StandardError.ReadToEndAsync(ct);
            var stdout = process.StandardOutput.ReadToEndAsync(ct);
            try
            {
                await process.WaitForExitAsync(ct);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw;
            }

            var text = ((await stderr) + (await stdout)).Trim();
            return new ToolRun(process.ExitCode, text);
        }
    }
}
