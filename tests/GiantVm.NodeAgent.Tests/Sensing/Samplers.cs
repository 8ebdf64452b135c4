using GiantVm.Linux.Tests.Fixtures;
using GiantVm.NodeAgent.Probe;

namespace GiantVm.NodeAgent.Tests.Sensing;

/// <summary>Builds samplers on fake trees the way the command line does, and pairs two snapshots.</summary>
internal static class Samplers
{
    public static ProbeSettings Settings(FakeTree tree, string role = "guest") => new(
        role, 0, tree.Proc, tree.Sys, null, TimeSpan.FromSeconds(1), Json: false,
        BeCgroup: null, BeComm: null, BePidFile: null, NumaMaps: true,
        LcCgroup: null, QemuPid: null, VcpuThreads: null, Verbose: false);

    /// <summary>Samples tree a at t=0 and tree b at t=<paramref name="elapsed"/> and computes the report.</summary>
    public static NodeAgent.Sensing.GuestReport Guest(FakeTree a, FakeTree b, double elapsed, Func<ProbeSettings, ProbeSettings> configure)
    {
        var sa = SamplerFactory.Guest(configure(Settings(a)), TimeProvider.System);
        var sb = SamplerFactory.Guest(configure(Settings(b)), TimeProvider.System);
        return sb.Compute(sa.TakeSample() with { TimeSeconds = 100 }, sb.TakeSample() with { TimeSeconds = 100 + elapsed });
    }

    public static NodeAgent.Sensing.HostReport Host(FakeTree a, FakeTree b, double elapsed, Func<ProbeSettings, ProbeSettings> configure)
    {
        var sa = SamplerFactory.Host(configure(Settings(a, "host")), TimeProvider.System);
        var sb = SamplerFactory.Host(configure(Settings(b, "host")), TimeProvider.System);
        return sb.Compute(sa.TakeSample() with { TimeSeconds = 100 }, sb.TakeSample() with { TimeSeconds = 100 + elapsed });
    }
}
