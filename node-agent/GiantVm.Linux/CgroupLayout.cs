namespace GiantVm.Linux;

/// <summary>How cgroups are mounted under a sys root.</summary>
public enum CgroupLayoutKind
{
    /// <summary>cgroup2 only: <c>&lt;sys&gt;/fs/cgroup</c> holds cgroup.controllers.</summary>
    Unified,

    /// <summary>v1 hierarchies in <c>&lt;sys&gt;/fs/cgroup</c>, cgroup2 at <c>fs/cgroup/unified</c>.</summary>
    Hybrid,

    /// <summary>v1 hierarchies only, no cgroup2 mount.</summary>
    Legacy,

    /// <summary>The operator gave the cgroup2 root (--cgroup-root).</summary>
    Override,

    /// <summary>No cgroup file system found.</summary>
    None,
}

/// <summary>
/// Where the cgroup2 root and the v1 cpuacct hierarchy are. Detect, don't assume:
/// <c>&lt;sys-root&gt;/fs/cgroup</c> when it holds cgroup.controllers, else
/// <c>&lt;sys-root&gt;/fs/cgroup/unified</c>; an operator-given root wins.
/// </summary>
public sealed record CgroupLayout(CgroupLayoutKind Kind, string? V2Root, string? V1CpuacctRoot)
{
    public static CgroupLayout Detect(string sysRoot, string? cgroupRootOverride = null)
    {
        var fs = Path.Combine(sysRoot, "fs", "cgroup");
        string? v1 = null;
        foreach (var name in new[] { "cpuacct", "cpu,cpuacct", "cpuacct,cpu" })
        {
            var candidate = Path.Combine(fs, name);
            if (File.Exists(Path.Combine(candidate, "cpuacct.usage")))
            {
                v1 = candidate;
                break;
            }
        }

        if (cgroupRootOverride is not null)
        {
            return new CgroupLayout(CgroupLayoutKind.Override, cgroupRootOverride, v1);
        }

        if (File.Exists(Path.Combine(fs, "cgroup.controllers")))
        {
            return new CgroupLayout(CgroupLayoutKind.Unified, fs, v1);
        }

        var unified = Path.Combine(fs, "unified");
        if (File.Exists(Path.Combine(unified, "cgroup.controllers")))
        {
            return new CgroupLayout(CgroupLayoutKind.Hybrid, unified, v1);
        }

        return new CgroupLayout(v1 is null ? CgroupLayoutKind.None : CgroupLayoutKind.Legacy, null, v1);
    }

    public override string ToString() => $"{Kind.ToString().ToLowerInvariant()} (cgroup2: {V2Root ?? "none"}, v1 cpuacct: {V1CpuacctRoot ?? "none"})";
}
