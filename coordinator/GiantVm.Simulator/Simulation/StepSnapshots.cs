using GiantVm.Scheduling.Cluster;
using GiantVm.Scheduling.Model;
using GiantVm.Simulator.Trace;

namespace GiantVm.Simulator.Simulation;

/// <summary>
/// One closed step's snapshots with every BE task on the node of its trace machine, where a task
/// runs until a policy moves it: per BE task its snapshot, per machine its node snapshot, per
/// GiantVM instance its task list and whole snapshot. A policy uses these objects wherever its
/// own values are the same (most instances of most policies in most steps), so equal snapshots
/// are built once per step instead of once per policy. Built on the policies' thread before they
/// run; read-only while they run.
/// </summary>
internal sealed class StepSnapshots
{
    private readonly MachineTable _machines;
    private readonly SimulationOptions _options;
    private readonly HostCpuModel _model;
    private readonly bool _withComm;
    private readonly int _groups;
    private readonly int[] _groupOf;
    private readonly double[] _beDemand;
    private readonly double[] _memUsed;
    private readonly long[] _stealBits;
    private readonly long[] _memFreeBytes;
    private int[] _cursor;

    public StepSnapshots(MachineTable machines, SimulationOptions options, bool withComm)
    {
        _machines = machines;
        _options = options;
        _model = new HostCpuModel(options.VcpuRatio, options.VmWeight);
        _withComm = withComm;
        int m = machines.Count;
        _groups = (m + options.GroupSize - 1) / options.GroupSize;
        _groupOf = Enumerable.Range(0, m).Select(i => i / options.GroupSize).ToArray();
        _beDemand = new double[m];
        _memUsed = new double[m];
        _stealBits = new long[m];
        _memFreeBytes = new long[m];
        _cursor = new int[_groups];
        GroupStart = new int[_groups + 1];
        Nodes = new NodeSnapshot[m];
        GroupNodes = new NodeSnapshot[_groups][];
        GroupTasks = new TaskSnapshot[_groups][];
        GroupSnapshots = new Snapshot[_groups];
    }

    /// <summary>By task id, for the BE tasks of the step: the task's snapshot on the node of its trace machine.</summary>
    public TaskSnapshot?[] Tasks { get; private set; } = [];

    /// <summary>
    /// The step's BE tasks bucketed by instance, in first-seen order within each: those of
    /// instance g are <c>ByGroup[GroupStart[g] .. GroupStart[g + 1])</c>. Every policy runs a task
    /// in the instance of its trace machine, so the buckets are the same for all of them.
    /// </summary>
    public int[] GroupStart { get; }

    public int[] ByGroup { get; private set; } = new int[256];

    /// <summary>Beside <see cref="ByGroup"/>: each task's trace machine.</summary>
    public int[] ByGroupMachine { get; private set; } = new int[256];

    /// <summary>Per machine: its node snapshot with the trace placement.</summary>
    public NodeSnapshot[] Nodes { get; }

    /// <summary>Per instance: its node snapshots with the trace placement.</summary>
    public NodeSnapshot[][] GroupNodes { get; }

    /// <summary>Per instance: its BE tasks' snapshots with the trace placement.</summary>
    public TaskSnapshot[][] GroupTasks { get; }

    /// <summary>Per instance: the whole snapshot with the trace placement.</summary>
    public Snapshot[] GroupSnapshots { get; }

    /// <summary>Whether machine <paramref name="m"/>'s node snapshot with these figures is <see cref="Nodes"/>[m] (same steal bits, same free bytes).</summary>
    public bool Matches(int m, double steal, long memFreeBytes) =>
        BitConverter.DoubleToInt64Bits(steal) == _stealBits[m] && memFreeBytes == _memFreeBytes[m];

    /// <summary>What a policy's snapshot says of machine <paramref name="m"/> (node index <paramref name="node"/> in its instance).</summary>
    public NodeSnapshot NodeSnapshotOf(int m, int node, double steal, double lcDemand, long memFreeBytes) =>
        new(node, steal)
        {
            HostStealRatio = steal,
            HostLcBusyCores = lcDemand,
            HostCapacityCores = _machines.Cpu[m],
            MemTotalBytes = (long)Math.Round(_machines.Memory[m] * _options.MemoryUnitBytes),
            MemFreeBytes = memFreeBytes,
            AgeSeconds = 0,
        };

    /// <summary>Free memory of a node in bytes, as the snapshot reports it (0 when overcommitted).</summary>
    public long MemFreeBytesOf(int m, double memUsed) =>
        (long)Math.Round(Math.Max(0, _machines.Memory[m] - memUsed) * _options.MemoryUnitBytes);

    public void Build(StepInput input)
    {
        int machineCount = _machines.Count;
        int groupSize = _options.GroupSize;
        double unit = _options.MemoryUnitBytes;
        if (Tasks.Length < input.Capacity)
        {
            Tasks = new TaskSnapshot?[input.Capacity];
        }

        if (ByGroup.Length < input.BeCount)
        {
            ByGroup = new int[Math.Max(input.BeCount, ByGroup.Length * 2)];
            ByGroupMachine = new int[ByGroup.Length];
        }

        // Trace placement: the per-host model as a policy that never moved anything computes it.
        Array.Clear(_beDemand);
        Array.Copy(input.LcMemory, _memUsed, machineCount);
        Array.Clear(GroupStart);
        for (int i = 0; i < input.BeCount; i++)
        {
            int id = input.BeTasks[i];
            ref readonly StepSlot.Entry e = ref input.BeEntries[i];
            _beDemand[e.Machine] += e.Cpu;
            _memUsed[e.Machine] += e.Memory;
            GroupStart[_groupOf[e.Machine] + 1]++;
            Tasks[id] = StepInput.TaskSnapshotOf(id, e.Machine % groupSize, e, input.Keys[id], unit, _withComm);
        }

        for (int g = 0; g < _groups; g++)
        {
            GroupStart[g + 1] += GroupStart[g];
        }

        Array.Copy(GroupStart, _cursor, _groups);
        for (int i = 0; i < input.BeCount; i++)
        {
            int machine = input.BeEntries[i].Machine;
            int at = _cursor[_groupOf[machine]]++;
            ByGroup[at] = input.BeTasks[i];
            ByGroupMachine[at] = machine;
        }

        for (int m = 0; m < machineCount; m++)
        {
            HostStep h = _model.Evaluate(_machines.Cpu[m], input.LcDemand[m], _beDemand[m]);
            long free = MemFreeBytesOf(m, _memUsed[m]);
            _stealBits[m] = BitConverter.DoubleToInt64Bits(h.StealRatio);
            _memFreeBytes[m] = free;
            Nodes[m] = NodeSnapshotOf(m, m % groupSize, h.StealRatio, h.LcDemand, free);
        }

        DateTimeOffset time = TraceClock.StepEndTime(input.Step);
        for (int g = 0; g < _groups; g++)
        {
            int first = g * groupSize;
            int last = Math.Min(machineCount, first + groupSize);
            var nodes = new NodeSnapshot[last - first];
            Array.Copy(Nodes, first, nodes, 0, nodes.Length);
            int start = GroupStart[g];
            var tasks = new TaskSnapshot[GroupStart[g + 1] - start];
            for (int k = 0; k < tasks.Length; k++)
            {
                tasks[k] = Tasks[ByGroup[start + k]]!;
            }

            GroupNodes[g] = nodes;
            GroupTasks[g] = tasks;
            GroupSnapshots[g] = new Snapshot(time, nodes, tasks);
        }
    }
}
