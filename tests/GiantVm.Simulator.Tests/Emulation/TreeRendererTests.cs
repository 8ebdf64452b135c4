using GiantVm.Simulator.Emulation;

namespace GiantVm.Simulator.Tests.Emulation;

public sealed class TreeRendererTests
{
    private static Dictionary<string, string> Render(EmulatorState s) =>
        TreeRenderer.Render(EmulatorStepTests.Demo, s, 1_700_000_000).ToDictionary(f => f.Path, f => f.Content);

    [Fact]
    public void Render_GuestProcStat_HasOneLinePerVcpuAndTheirSum()
    {
        var files = Render(EmulatorState.Initial(EmulatorStepTests.Demo));

        var lines = files["guest/proc/stat"].Split('\n');
        Assert.StartsWith("cpu  ", lines[0], StringComparison.Ordinal);
        Assert.Equal(12, lines.Count(l => l.StartsWith("cpu", StringComparison.Ordinal) && char.IsDigit(l[3])));
        var sum = lines.Skip(1).Take(12).Sum(l => (decimal)ulong.Parse(l.Split(' ')[4], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(sum, (decimal)ulong.Parse(lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries)[4], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Contains("btime 1700000000\n", files["guest/proc/stat"], StringComparison.Ordinal);
    }

    [Fact]
    public void Render_Everything_CountersOnlyGrow()
    {
        var state = EmulatorState.Initial(EmulatorStepTests.Demo);
        var previous = Render(state);
        var rng = new Random(7);
        for (var i = 0; i < 200; i++)
        {
            state = EmulatorStep.Advance(state, EmulatorStepTests.Demo, state.Time + (rng.NextDouble() * 0.2), []).State;
            var now = Render(state);
            foreach (var path in new[] { "guest/proc/stat", "host1/proc/stat" })
            {
                var a = Numbers(previous[path]);
                var b = Numbers(now[path]);
                Assert.Equal(a.Count, b.Count);
                Assert.All(a.Zip(b), p => Assert.True(p.Second >= p.First, $"{path}: {p.First} -> {p.Second}"));
            }

            previous = now;
        }
    }

    [Fact]
    public void Render_QemuThreads_AreNamedLikeQemuWithDebugThreads()
    {
        var files = Render(EmulatorState.Initial(EmulatorStepTests.Demo));

        Assert.Equal("CPU 4/KVM\n", files["host1/proc/2000/task/2005/comm"]);
        Assert.Equal("qemu-system-x86\n", files["host1/proc/2000/comm"]);
        Assert.Matches(@"^\d+ \d+ \d+\n$", files["host1/proc/2000/task/2005/schedstat"]);
        Assert.True(files.ContainsKey("host1/sys/fs/cgroup/lc/cpu.stat"));
        Assert.True(files.ContainsKey("host1/sys/fs/cgroup/cgroup.controllers"));
    }

    [Fact]
    public void Render_BeTask_HasStatusNumaMapsAndCgroupMembership()
    {
        var files = Render(EmulatorState.Initial(EmulatorStepTests.Demo));

        Assert.Contains("Cpus_allowed_list:\t4-7\n", files["guest/proc/4100/status"], StringComparison.Ordinal);
        Assert.Contains("Cpus_allowed:\t0f0\n", files["guest/proc/4100/status"], StringComparison.Ordinal);
        Assert.Contains(" N1=65536 kernelpagesize_kB=4\n", files["guest/proc/4100/numa_maps"], StringComparison.Ordinal);
        Assert.Equal("4100\n4102\n4104\n4106\n", files["guest/sys/fs/cgroup/be/cgroup.procs"]);
        Assert.Equal("8-11\n", files["guest/sys/devices/system/node/node2/cpulist"]);
        Assert.StartsWith("Node 2 MemTotal:        4194304 kB\n", files["guest/sys/devices/system/node/node2/meminfo"], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0-3", 16, "000f")]
    [InlineData("4-7", 12, "0f0")]
    [InlineData("0,35", 40, "08,00000001")]
    public void Mask_PrintsLikeTheKernelsBitmap(string list, int bits, string expected)
    {
        Assert.Equal(expected, ProcText.Mask(list, bits));
    }

    private static List<ulong> Numbers(string stat) =>
        stat.Split('\n').Where(l => l.StartsWith("cpu", StringComparison.Ordinal))
            .SelectMany(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1))
            .Select(v => ulong.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToList();
}
