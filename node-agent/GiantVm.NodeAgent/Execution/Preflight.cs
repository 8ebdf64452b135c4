using GiantVm.Linux;

namespace GiantVm.NodeAgent.Execution;

/// <summary>
/// The safety re-checks every executor runs before acting: the pid is the commanded process
/// (start time), still a BE task by the agent's own selection, not pid 1, not a kernel thread,
/// not the agent, and the target node exists and has CPUs. Either a <see cref="PreparedMove"/>
/// or the outcome that stops the command (refused or vanished) with its reason.
/// </summary>
internal static class Preflight
{
    public static (PreparedMove? Move, MigrationOutcome? Stop) Check(MigrationRequest r, ITaskInspector inspector, int selfPid)
    {
        if (r.Pid <= 0)
        {
            return Refuse($"pid {r.Pid} is not a process id");
        }

        if (r.Pid == 1)
        {
            return Refuse("pid 1 (init) is never moved");
        }

        if (r.Pid == selfPid)
        {
            return Refuse($"pid {r.Pid} is the agent itself");
        }

        var stat = inspector.Stat(r.Pid);
        if (stat is null)
        {
            return Vanish($"process {r.Pid} no longer exists");
        }

        if (stat.StartTime != r.StartTime)
        {
            return Refuse($"pid {r.Pid} has start time {stat.StartTime}, the command names {r.StartTime}: another process now holds that pid");
        }

        if (stat.IsKernelThread)
        {
            return Refuse($"pid {r.Pid} ({stat.Comm}) is a kernel thread");
        }

        if (stat.State is 'Z' or 'X')
        {
            return Vanish($"process {r.Pid} has exited (state {stat.State})");
        }

        if (!inspector.IsBe(stat))
        {
            return Refuse($"pid {r.Pid} ({stat.Comm}) is not a BE task by this agent's selection");
        }

        var topology = inspector.Topology();
        var target = topology.Nodes.FirstOrDefault(n => n.Id == r.ToNode);
        if (target is null)
        {
            return Refuse($"node {r.ToNode} does not exist (online nodes: {ListFormat.Format(topology.Nodes.Select(n => n.Id))})");
        }

        if (target.Cpus.Count == 0)
        {
            return Refuse($"node {r.ToNode} has no CPUs");
        }

        var status = inspector.Status(r.Pid);
        if (status is null)
        {
            return Vanish($"process {r.Pid} no longer exists");
        }

        var pages = inspector.NumaMaps(r.Pid)?.PagesPerNode;
        var sources = r.FromNodes
            .Concat(pages?.Where(kv => kv.Value > 0).Select(kv => kv.Key) ?? [])
            .Where(n => n != r.ToNode)
            .Distinct()
            .Order()
            .ToList();
        return (new PreparedMove(r, stat, status, target, pages, sources), null);
    }

    private static (PreparedMove?, MigrationOutcome?) Refuse(string reason) => (null, MigrationOutcome.Untouched(ExecutionStatus.Refused, reason));

    private static (PreparedMove?, MigrationOutcome?) Vanish(string reason) => (null, MigrationOutcome.Untouched(ExecutionStatus.Vanished, reason));
}
