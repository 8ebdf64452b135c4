using System.Text.RegularExpressions;

namespace GiantVm.NodeAgent.Sensing;

/// <summary>
/// Host agent settings: where LC load is measured and how the GiantVM QEMU process and its vCPU
/// threads are found.
/// </summary>
/// <param name="LcCgroup">cgroup holding the LC services (v2 cpu.stat, else v1 cpuacct.usage); null = host busy minus QEMU.</param>
/// <param name="QemuPid">the QEMU process; null = the lowest pid whose comm starts with <c>qemu-system-</c> (or is qemu-kvm).</param>
/// <param name="VcpuThreads">thread names of vCPU threads.</param>
internal sealed record HostSamplerOptions(int NodeId, string? LcCgroup, int? QemuPid, Regex VcpuThreads)
{
    /// <summary>QEMU's names with <c>-name ...,debug-threads=on</c>: "CPU 0/KVM", "CPU 1/KVM", ...</summary>
    public static readonly Regex DefaultVcpuThreads = new(@"^CPU \d+/KVM$", RegexOptions.CultureInvariant);
}
