using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using GiantVm.NodeAgent.Sensing;

namespace GiantVm.NodeAgent.Probe;

/// <summary>Renders a report as one JSON object (camelCase) or as a readable table.</summary>
internal static class ProbeOutput
{
    // source-generated (ReportJson below): `probe --json` needs no reflection, so a NativeAOT build
    // writes it too; the reports are their own JSON shape (camelCase, role first)
    public static string Json(GuestReport r) => JsonSerializer.Serialize(r, ReportJson.Default.GuestReport);

    public static string Json(HostReport r) => JsonSerializer.Serialize(r, ReportJson.Default.HostReport);

    public static string Table(GuestReport r)
    {
        var sb = new StringBuilder();
        sb.Append(Inv($"guest: {r.Nodes.Count} NUMA node(s) over {r.IntervalSeconds:0.000} s, numa_balancing={NumaBalancing(r.NumaBalancing)}"));
        if (r.DiscardedCpus.Count > 0)
        {
            sb.Append(Inv($", discarded cpus {Linux.ListFormat.Format(r.DiscardedCpus)}"));
        }

        if (r.ChangedCpus.Count > 0)
        {
            sb.Append(Inv($", cpus on/offline {Linux.ListFormat.Format(r.ChangedCpus)}"));
        }

        sb.AppendLine();
        if (r.CgroupLayout is not null)
        {
            sb.AppendLine("cgroups: " + r.CgroupLayout);
        }

        var nodes = new List<string[]> { new[] { "NODE", "CPUS", "STEAL", "BUSY", "MEM TOTAL", "MEM FREE" } };
        nodes.AddRange(r.Nodes.Select(n => new[] { Inv($"{n.Id}"), n.Cpus, Percent(n.StealRatio), Percent(n.BusyRatio), Bytes(n.MemTotalBytes), Bytes(n.MemFreeBytes) }));
        Grid(sb, nodes);
        sb.AppendLine();
        sb.AppendLine(Inv($"BE tasks: {r.Tasks.Count}"));
        if (r.Tasks.Count > 0)
        {
            var tasks = new List<string[]> { new[] { "PID", "START", "COMM", "NODE", "FROM", "RSS", "CPU CORES", "PAGES PER NODE", "CPUS ALLOWED" } };
            tasks.AddRange(r.Tasks.Select(t => new[]
            {
                Inv($"{t.Pid}"), Inv($"{t.StartTime}"), t.Comm, t.Node is { } n ? Inv($"{n}") : "-", t.NodeSource,
                Bytes(t.RssBytes), Inv($"{t.CpuCores:0.000}"),
                t.PagesPerNode is null ? "-" : string.Join(' ', t.PagesPerNode.OrderBy(kv => kv.Key).Select(kv => Inv($"N{kv.Key}={kv.Value}"))),
                t.CpusAllowed,
            }));
            Grid(sb, tasks);
        }

        return sb.ToString();
    }

    public static string Table(HostReport r)
    {
        var rows = new List<string[]>
        {
            new[] { "node id", Inv($"{r.NodeId}") },
            new[] { "interval", Inv($"{r.IntervalSeconds:0.000} s") },
            new[] { "cpus", Inv($"{r.CpuCount}") + (r.DiscardedCpus.Count > 0 ? $" (discarded {Linux.ListFormat.Format(r.DiscardedCpus)})" : "") },
            new[] { "busy", Inv($"{r.BusyCores:0.000} cores") },
            new[] { "LC busy", (r.LcBusyCores is { } lc ? Inv($"{lc:0.000} cores") : "unknown") + $" ({r.LcSource})" },
            new[] { "LC demand", r.LcDemandCores is { } d ? Inv($"{d:0.000} cores (busy + run delay of its threads)") : "unknown (needs a cgroup2 --lc-cgroup)" },
            new[] { "QEMU", r.QemuPid is { } p ? Inv($"pid {p}, {r.QemuCores ?? 0:0.000} cores, {r.VcpuThreads} vCPU threads ({r.VcpuThreadsRunning} ran)") : "not found" },
            new[] { "vCPU steal", r.VcpuStealRatio is { } s ? Percent(s) : "n/a (no vCPU thread ran)" },
            new[] { "memory", $"{Bytes(r.MemAvailableBytes)} available of {Bytes(r.MemTotalBytes)}" },
            new[] { "cgroups", r.CgroupLayout ?? "-" },
        };
        var sb = new StringBuilder();
        sb.AppendLine("host:");
        Grid(sb, rows);
        return sb.ToString();
    }

    private static string NumaBalancing(int v) => v switch
    {
        -1 => "unknown",
        0 => "0 (off)",
        1 => "1 (on)",
        _ => Inv($"{v}"),
    };

    private static string Percent(double? ratio) => ratio is { } r ? Inv($"{r * 100:0.0}%") : "-";

    private static string Bytes(ulong b) => b switch
    {
        >= 1UL << 30 => Inv($"{b / (double)(1UL << 30):0.0} GiB"),
        >= 1UL << 20 => Inv($"{b / (double)(1UL << 20):0.0} MiB"),
        >= 1UL << 10 => Inv($"{b / (double)(1UL << 10):0.0} KiB"),
        _ => Inv($"{b} B"),
    };

    private static void Grid(StringBuilder sb, List<string[]> rows)
    {
        var widths = new int[rows[0].Length];
        foreach (var row in rows)
        {
            for (var i = 0; i < row.Length; i++)
            {
                widths[i] = Math.Max(widths[i], row[i].Length);
            }
        }

        foreach (var row in rows)
        {
            for (var i = 0; i < row.Length; i++)
            {
                sb.Append(i == row.Length - 1 ? row[i] : row[i].PadRight(widths[i] + 2));
            }

            sb.AppendLine();
        }
    }

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(GuestReport))]
[JsonSerializable(typeof(HostReport))]
internal sealed partial class ReportJson : JsonSerializerContext;
