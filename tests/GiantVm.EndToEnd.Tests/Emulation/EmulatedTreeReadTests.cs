using System.Text.RegularExpressions;
using GiantVm.EndToEnd.Tests.Infrastructure;
using GiantVm.Linux;
using GiantVm.Linux.Deltas;
using GiantVm.NodeAgent.Sensing;
using GiantVm.Simulator.Emulation;
using Microsoft.Extensions.Time.Testing;

namespace GiantVm.EndToEnd.Tests.Emulation;

/// <summary>
/// The emulator writes its trees, the agents' real readers and samplers read them, and the
/// figures they compute are the cluster model's. Time is driven by the test (no wall clock):
/// the emulator is stepped to t and the samplers' clock is set to the same t.
/// </summary>
[Trait("Category", "in-process")]
public sealed class EmulatedTreeReadTests : IDisposable
{
    private const string Scenario = """
        name: read-test
        nodes:
          - { cpus: 4, memory: 4GiB, lc: 85% }
          - { cpus: 4, memory: 4GiB, lc: 95% }
          - { cpus: 2, vcpus: 4, memory: 2GiB, lc: 10%, guest_system: 0.4 }
        be_tasks:
          - { comm: be-batch, count: 4, cpu: 0.8, rss: 256MiB, node: 1, threads: 3 }
          - { comm: be-small, count: 1, cpu: 0.5, rss: 64MiB, node: 2 }
        """;

    private readonly TempDir _dir = new("emu-read");
    private readonly EmulationScenario _scenario = ScenarioLoader.Load(Scenario, "read-test.yaml");
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UnixEpoch.AddDays(20000));
    private readonly TreeWriter _writer;
    private EmulatorState _state;

    public EmulatedTreeReadTests()
    {
        _writer = new TreeWriter(_dir.Path);
        _state = EmulatorState.Initial(_scenario);
        _writer.Write(TreeRenderer.Render(_scenario, _state, 1_700_000_000));
    }

    public void Dispose() => _dir.Dispose();

    private void AdvanceTo(double t)
    {
        for (var next = _state.Time + 0.05; next <= t + 1e-9; next += 0.05)
        {
            _state = EmulatorStep.Advance(_state, _scenario, next, []).State;
        }

        _writer.Write(TreeRenderer.Render(_scenario, _state, 1_700_000_000));
        _clock.SetUtcNow(DateTimeOffset.UnixEpoch.AddDays(20000).AddSeconds(t));
    }

    [Fact]
    public void GuestSampler_OnTheEmulatedGuest_SeesTheModelsStealTasksAndMemory()
    {
        var proc = new ProcFs(_dir.Combine("guest", "proc"));
        var sys = new SysFs(_dir.Combine("guest", "sys"));
        var cgroups = new CgroupFs(CgroupLayout.Detect(sys.Root));
        var selector = new BeTaskSelector(proc, cgroups, new BeSelection("be", null, null), null);
        var sampler = new GuestSampler(proc, sys, selector, _clock, CpuDeltaRules.Default, readNumaMaps: true);

        AdvanceTo(2);
        var before = sampler.TakeSample();
        AdvanceTo(4);
        var report = sampler.Compute(before, sampler.TakeSample());

        Assert.Equal(CgroupLayoutKind.Unified, cgroups.Layout.Kind);
        Assert.Empty(report.DiscardedCpus);
        Assert.Equal(["0-3", "4-7", "8-11"], report.Nodes.Select(n => n.Cpus));
        for (var k = 0; k < 3; k++)
        {
            Assert.Equal(_state.Figures[k].StealRatio, report.Nodes[k].StealRatio!.Value, 2);
            Assert.Equal((ulong)_scenario.Nodes[k].MemoryBytes, report.Nodes[k].MemTotalBytes);
            Assert.Equal((ulong)(_scenario.Nodes[k].MemoryBytes - TreeRenderer.GuestUsedBytes(_scenario, _state, k)), report.Nodes[k].MemFreeBytes);
        }

        Assert.True(report.Nodes[1].StealRatio > 0.25, "node 1 (LC 95%) shows steal");
        Assert.Equal(5, report.Tasks.Count);
        foreach (var task in report.Tasks)
        {
            var model = _state.Tasks.Single(t => t.Pid == task.Pid);
            Assert.Equal(model.StartTicks, task.StartTime);
            Assert.Equal(model.PageNode, task.Node);
            Assert.Equal("numa_maps", task.NodeSource);
            Assert.Equal(model.ServedCores, task.CpuCores, 1);
            Assert.Equal((ulong)model.TotalPages * 4096, task.RssBytes);
            Assert.Equal(model.Tids.Length, task.Threads);
            Assert.Equal(EmulatorStep.CpuList(_scenario, model.CpuNode), task.CpusAllowed);
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void HostSampler_OnAnEmulatedHost_SeesTheModelsLcLoadAndVcpuRunDelay(int node)
    {
        var proc = new ProcFs(_dir.Combine($"host{node}", "proc"));
        var sys = _dir.Combine($"host{node}", "sys");
        var cgroups = new CgroupFs(CgroupLayout.Detect(sys));
        var viaCgroup = new HostSampler(proc, cgroups, new HostSamplerOptions(node, "lc", null, HostSamplerOptions.DefaultVcpuThreads), _clock, CpuDeltaRules.Default);
        var viaBusy = new HostSampler(proc, cgroups, new HostSamplerOptions(node, null, null, HostSamplerOptions.DefaultVcpuThreads), _clock, CpuDeltaRules.Default);

        AdvanceTo(1);
        var (b1, b2) = (viaCgroup.TakeSample(), viaBusy.TakeSample());
        AdvanceTo(3);
        var cgroupReport = viaCgroup.Compute(b1, viaCgroup.TakeSample());
        var busyReport = viaBusy.Compute(b2, viaBusy.TakeSample());

        var f = _state.Figures[node];
        Assert.Equal(_scenario.Nodes[node].Cpus, cgroupReport.CpuCount);
        Assert.Equal("lc-cgroup", cgroupReport.LcSource);
        Assert.Equal(f.ServedLc, cgroupReport.LcBusyCores!.Value, 2);
        // LC demand = busy + the LC service threads' run delay: what LC asked for, not what it got
        Assert.Equal(f.LcDemand, cgroupReport.LcDemandCores!.Value, 2);
        Assert.Null(busyReport.LcDemandCores); // without an LC cgroup there are no LC threads to read
        Assert.Equal("host-busy-minus-qemu", busyReport.LcSource);
        Assert.Equal(f.ServedLc, busyReport.LcBusyCores!.Value, 1);
        Assert.Equal(f.ServedLc + f.ServedGuest, cgroupReport.BusyCores, 1);
        Assert.Equal(EmulatorState.QemuPid, cgroupReport.QemuPid);
        Assert.Equal(_scenario.GuestCpuCount, cgroupReport.VcpuThreads);
        if (f.GuestDemand > 0)
        {
            Assert.Equal(_scenario.Nodes[node].Vcpus, cgroupReport.VcpuThreadsRunning);
            Assert.Equal(f.StealRatio, cgroupReport.VcpuStealRatio!.Value, 2);
        }
        else
        {
            Assert.Null(cgroupReport.VcpuStealRatio);
        }
    }

    [Fact]
    public void EmulatedFiles_ParseWithTheStrictParsers()
    {
        AdvanceTo(1);
        var proc = new ProcFs(_dir.Combine("guest", "proc"));
        foreach (var pid in proc.ListPids())
        {
            Assert.NotNull(proc.TryReadPidStat(pid));
            Assert.NotNull(proc.TryReadPidStatus(pid));
            Assert.NotNull(proc.TryReadNumaMaps(pid));
            foreach (var tid in proc.ListTasks(pid))
            {
                Assert.NotNull(new ProcFs(proc.Path(pid.ToString(System.Globalization.CultureInfo.InvariantCulture), "task")).TryReadPidStatus(tid));
            }
        }

        Assert.Equal(0, proc.ReadNumaBalancing());
        Assert.NotNull(proc.ReadUptime());
        Assert.Equal(12, proc.ReadStat().Cpus.Count);
        Assert.Equal(1_700_000_000UL, proc.ReadStat().BootTimeSeconds);
        Assert.NotNull(new ProcFs(_dir.Combine("host0", "proc")).ReadMemInfo().MemAvailableBytes);
        Assert.Matches(new Regex(@"^\d+\.\d\d \d+\.\d\d\n$"), File.ReadAllText(_dir.Combine("guest", "proc", "uptime")));
    }
}
