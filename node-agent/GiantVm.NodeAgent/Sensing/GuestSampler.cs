using GiantVm.Linux;
using GiantVm.Linux.Deltas;

namespace GiantVm.NodeAgent.Sensing;

/// <summary>
/// The guest agent's sensing: per-NUMA-node steal and busy ratios from /proc/stat and the node
/// topology, and the BE task inventory. <see cref="TakeSample"/> does the I/O;
/// <see cref="Compute(GuestSample, GuestSample, CpuDeltaRules)"/> is pure.
/// </summary>
internal sealed class GuestSampler : ISampler<GuestSample, GuestReport>
{
    private readonly ProcFs _proc;
    private readonly SysFs _sys;
    private readonly BeTaskSelector _selector;
    private readonly TimeProvider _time;

    public GuestSampler(ProcFs proc, SysFs sys, BeTaskSelector selector, TimeProvider time, CpuDeltaRules rules, bool readNumaMaps)
    {
        _proc = proc;
        _sys = sys;
        _selector = selector;
        _time = time;
        Rules = rules;
        ReadNumaMaps = readNumaMaps;
    }

    public CpuDeltaRules Rules { get; }

    public bool ReadNumaMaps { get; }

    /// <summary>Makes the next sample re-read a task's status and numa_maps (thread-safe); called after a migration.</summary>
    public void Invalidate(int pid) => _selector.Invalidate(pid);

    public GuestSample TakeSample()
    {
        var now = _time.GetTimestamp() / (double)_time.TimestampFrequency;
        var stat = _proc.ReadStat();
        var uptime = _proc.ReadUptime();
        var topology = _sys.ReadNumaTopology();
        var tasks = _selector.Read(ReadNumaMaps);
        return new GuestSample(
            now,
            stat,
            topology,
            tasks,
            _proc.ReadNumaBalancing(),
            uptime is null ? null : (ulong)(uptime.UptimeSeconds * Rules.UserHz));
    }

    public GuestReport Compute(GuestSample before, GuestSample after) =>
        Compute(before, after, Rules) with { CgroupLayout = _selector.CgroupLayout?.ToString() };

    public static GuestReport Compute(GuestSample before, GuestSample after, CpuDeltaRules rules)
    {
        var elapsed = after.TimeSeconds - before.TimeSeconds;
        var deltas = CpuDeltas.Compute(before.Stat, after.Stat, elapsed, rules);
        var ratios = NodeCpuRatios.Compute(deltas, after.Topology).ToDictionary(r => r.NodeId);
        var nodes = after.Topology.Nodes
            .Select(n => new GuestNodeReport(
                n.Id,
                n.CpuList,
                ratios[n.Id].StealRatio,
                ratios[n.Id].BusyRatio,
                n.Memory.MemTotalBytes ?? 0,
                n.Memory.MemFreeBytes ?? 0))
            .ToList();

        var previous = before.Tasks.ToDictionary(t => t.Stat.Pid);
        var tasks = new List<BeTaskReport>(after.Tasks.Count);
        foreach (var task in after.Tasks)
        {
            tasks.Add(Report(task, previous, before.UptimeTicks, after.Topology, elapsed, rules.UserHz));
        }

        return new GuestReport(
            elapsed,
            nodes,
            tasks,
            after.NumaBalancing,
            deltas.Discarded,
            [.. deltas.Appeared, .. deltas.Disappeared]);
    }

    private static BeTaskReport Report(
        TaskSample task,
        Dictionary<int, TaskSample> previous,
        ulong? uptimeTicksBefore,
        NumaTopology topology,
        double elapsed,
        int userHz)
    {
        var stat = task.Stat;
        double cores;
        if (previous.TryGetValue(stat.Pid, out var old) && old.Stat.StartTime == stat.StartTime)
        {
            cores = TaskCpu.Cores(old.Stat, stat, elapsed, userHz);
        }
        else if (uptimeTicksBefore is { } t0 && stat.StartTime >= t0)
        {
            // started during the interval: all of its CPU time was used within it
            cores = TaskCpu.Cores(0, stat.CpuTicks, elapsed, userHz);
        }
        else
        {
            cores = 0; // not seen before and not new: no baseline yet
        }

        int? node;
        string source;
        if (task.NumaMaps?.DominantNode is { } dominant)
        {
            node = dominant;
            source = "numa_maps";
        }
        else
        {
            node = stat.Processor >= 0 ? topology.NodeOfCpu(stat.Processor) : null;
            source = "last_cpu";
        }

        return new BeTaskReport(
            stat.Pid,
            stat.StartTime,
            stat.Comm,
            node,
            source,
            stat.RssPages * (ulong)Environment.SystemPageSize, // = VmRSS, and fresh every sample
            cores,
            task.NumaMaps?.PagesPerNode,
            task.NumaMaps?.BytesPerNode,
            task.Status.CpusAllowedList,
            stat.Threads,
            stat.Processor);
    }
}
