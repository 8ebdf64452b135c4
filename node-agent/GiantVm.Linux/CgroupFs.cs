using GiantVm.Linux.Parsing;

namespace GiantVm.Linux;

/// <summary>
/// Reads cgroups: cgroup v2 files under <see cref="CgroupLayout.V2Root"/> and the v1 cpuacct
/// fallback. Paths given by the operator are relative to the cgroup2 root ("/be" and "be" are
/// the same cgroup).
/// </summary>
public sealed class CgroupFs
{
    public CgroupFs(CgroupLayout layout)
    {
        Layout = layout;
    }

    public CgroupLayout Layout { get; }

    /// <summary>The directory of a cgroup v2 path, or null when there is no cgroup2 root.</summary>
    public string? V2Directory(string cgroupPath) =>
        Layout.V2Root is null ? null : Join(Layout.V2Root, cgroupPath);

    public bool V2Exists(string cgroupPath) => V2Directory(cgroupPath) is { } dir && Directory.Exists(dir);

    public CgroupCpuStat ReadCpuStat(string cgroupPath)
    {
        var path = System.IO.Path.Combine(RequireV2(cgroupPath), "cpu.stat");
        return CgroupCpuStat.Parse(FileText.Read(path), path);
    }

    /// <summary>cgroup v1 cpuacct.usage (nanoseconds), null when there is no such v1 cgroup.</summary>
    public ulong? TryReadCpuacctUsageNs(string cgroupPath)
    {
        if (Layout.V1CpuacctRoot is null)
        {
            return null;
        }

        var path = System.IO.Path.Combine(Join(Layout.V1CpuacctRoot, cgroupPath), "cpuacct.usage");
        return File.Exists(path) ? SingleValue.ParseUInt64(FileText.Read(path), path) : null;
    }

    /// <summary>The pids of a cgroup v2 path and, when <paramref name="recursive"/>, of every cgroup below it.</summary>
    public IReadOnlyList<int> ReadProcs(string cgroupPath, bool recursive = true)
    {
        var root = RequireV2(cgroupPath);
        var pids = new List<int>();
        var pending = new Stack<string>();
        pending.Push(root);
        while (pending.Count > 0)
        {
            var dir = pending.Pop();
            var path = System.IO.Path.Combine(dir, "cgroup.procs");
            try
            {
                pids.AddRange(PidList.Parse(FileText.Read(path), path));
                if (recursive)
                {
                    foreach (var child in Directory.EnumerateDirectories(dir))
                    {
                        pending.Push(child);
                    }
                }
            }
            catch (Exception e) when (FileText.IsVanished(e) && dir != root)
            {
                // a child cgroup removed while we walked
            }
        }

        pids.Sort();
        return pids.Distinct().ToList();
    }

    private string RequireV2(string cgroupPath) =>
        V2Directory(cgroupPath) ?? throw new DirectoryNotFoundException($"no cgroup2 root found ({Layout}); give --cgroup-root");

    private static string Join(string root, string cgroupPath)
    {
        var relative = cgroupPath.Trim().TrimStart('/');
        if (relative.Split('/').Contains(".."))
        {
            throw new ArgumentException($"cgroup path '{cgroupPath}' must not contain '..'", nameof(cgroupPath));
        }

        return relative.Length == 0 ? root : System.IO.Path.Combine(root, relative);
    }
}
