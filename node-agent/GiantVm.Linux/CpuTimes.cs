namespace GiantVm.Linux;

/// <summary>
/// The ten /proc/stat CPU columns, in USER_HZ ticks. Guest and GuestNice are already included in
/// User and Nice, so <see cref="Total"/> leaves them out.
/// </summary>
public readonly record struct CpuTimes(
    ulong User,
    ulong Nice,
    ulong System,
    ulong Idle,
    ulong IoWait,
    ulong Irq,
    ulong SoftIrq,
    ulong Steal,
    ulong Guest,
    ulong GuestNice)
{
    /// <summary>user+nice+system+idle+iowait+irq+softirq+steal (guest time is inside user/nice).</summary>
    public ulong Total => User + Nice + System + Idle + IoWait + Irq + SoftIrq + Steal;

    /// <summary>Time the CPU did work for this OS: total minus idle, iowait and steal.</summary>
    public ulong Busy => User + Nice + System + Irq + SoftIrq;

    /// <summary>Field-by-field growth from <paramref name="before"/> to <paramref name="after"/>, each clamped at 0.</summary>
    public static CpuTimes ClampedDelta(in CpuTimes before, in CpuTimes after) => new(
        Sub(after.User, before.User),
        Sub(after.Nice, before.Nice),
        Sub(after.System, before.System),
        Sub(after.Idle, before.Idle),
        Sub(after.IoWait, before.IoWait),
        Sub(after.Irq, before.Irq),
        Sub(after.SoftIrq, before.SoftIrq),
        Sub(after.Steal, before.Steal),
        Sub(after.Guest, before.Guest),
        Sub(after.GuestNice, before.GuestNice));

    public static CpuTimes operator +(in CpuTimes a, in CpuTimes b) => new(
        a.User + b.User, a.Nice + b.Nice, a.System + b.System, a.Idle + b.Idle, a.IoWait + b.IoWait,
        a.Irq + b.Irq, a.SoftIrq + b.SoftIrq, a.Steal + b.Steal, a.Guest + b.Guest, a.GuestNice + b.GuestNice);

    private static ulong Sub(ulong after, ulong before) => after >= before ? after - before : 0;
}
