using GiantVm.Linux.Parsing;

namespace GiantVm.Linux;

/// <summary>
/// Reads a sys file system mounted at <see cref="Root"/> (the real <c>/sys</c>, or a fake tree):
/// the NUMA topology under <c>devices/system/node</c>.
/// </summary>
public sealed class SysFs
{
    public SysFs(string root = "/sys")
    {
        Root = root;
    }

    public string Root { get; }

    public string Path(params string[] parts) => System.IO.Path.Combine([Root, .. parts]);

    public string NodeDirectory => Path("devices", "system", "node");

    /// <summary>
    /// The online nodes with their CPU lists and meminfo. A node missing from <c>has_cpu</c>
    /// (memory-only) gets an empty CPU list even when its cpulist file says otherwise.
    /// </summary>
    public NumaTopology ReadNumaTopology()
    {
        var online = ReadList(System.IO.Path.Combine(NodeDirectory, "online"));
        var hasCpuPath = System.IO.Path.Combine(NodeDirectory, "has_cpu");
        var hasCpu = File.Exists(hasCpuPath) ? ReadList(hasCpuPath).ToHashSet() : null;
        var nodes = new List<NumaNode>(online.Length);
        foreach (var id in online)
        {
            var dir = System.IO.Path.Combine(NodeDirectory, "node" + id.ToString(System.Globalization.CultureInfo.InvariantCulture));
            var cpus = hasCpu is null || hasCpu.Contains(id) ? ReadList(System.IO.Path.Combine(dir, "cpulist")) : [];
            var memPath = System.IO.Path.Combine(dir, "meminfo");
            nodes.Add(new NumaNode(id, cpus, MemInfo.Parse(FileText.Read(memPath), memPath)));
        }

        return new NumaTopology(nodes);
    }

    private static int[] ReadList(string path) => ListFormat.Parse(FileText.Read(path), path);
}
