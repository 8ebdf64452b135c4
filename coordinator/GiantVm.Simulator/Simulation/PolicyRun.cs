using GiantVm.Scheduling.Cluster;
using GiantVm.Scheduling.Model;
using GiantVm.Simulator.Trace;

namespace GiantVm.Simulator.Simulation;

/// <summary>
/// One policy's side of the simulation: where each BE task runs, the per-host model each
/// step, the metrics, and the decisions (which take effect from the next step).
/// </summary>
internal sealed class PolicyRun
{
    private readonly ISimPolicy _policy;
    private readonly int _index;
    private readonly MachineTable _machines;
    private readonly SimulationOptions _options;
    private readonly HostCpuModel _model;
    private readonly ISnapshotSink? _sink;
    private readonly int _groups;
    private readonly double[] _beDemand;
    private readonly double[] _memUsed;
    private readonly double[] _utilization;
    private readonly double[] _steal;
    private readonly double[] _lcDemandSeen;
    private readonly int[] _groupStart;
    private readonly int[] _cursor;
    private readonly int[] _groupOf;
    private readonly StealHistogram _histogram = new();
    private int[] _nodeOf = [];
    private int[] _byGroup = new int[256];

    private double _sumUtilization;
    private double _sumGini;
    private long _steps;
    private long _lcViolations;
    private double _lcCpuSecondsLost;
    private double _beCpuSecondsServed;
    private double _stealSum;
    private long _migrations;
    private long _bytesMoved;
    private double _memoryMoved;

    public PolicyRun(int index, ISimPolicy policy, MachineTable machines, SimulationOptions options, ISnapshotSink? sink)
    {
        _index = index;
        _policy = policy;
        _machines = machines;
        _options = options;
        _sink = sink;
        _model = new HostCpuModel(options.VcpuRatio, options.VmWeight);
        int m = machines.Count;
        _groups = (m + options.GroupSize - 1) / options.GroupSize;
        _beDemand = new double[m];
        _memUsed = new double[m];
        _utilization = new double[m];
        _steal = new double[m];
        _lcDemandSeen = new double[m];
        _groupStart = new int[_groups + 1];
        _cursor = new int[_groups];
        _groupOf = Enumerable.Range(0, m).Select(i => i / options.GroupSize).ToArray();
        Series = new PolicySeries(policy.Name);
    }

    public string Name => _policy.Name;

    public PolicySeries Series { get; }

    /// <summary>The node (machine index) a BE task runs on, or -1 (tests and dumps read it).</summary>
    public int NodeOf(int taskId) => taskId < _nodeOf.Length ? _nodeOf[taskId] : -1;

    public void Forget(int taskId)
    {
        if (taskId < _nodeOf.Length)
        {
            _nodeOf[taskId] = -1;
        }
    }

    public StepRecord Step(StepInput input)
    {
        EnsureCapacity(input.Capacity);
        int machineCount = _machines.Count;
        Array.Clear(_beDemand);
        Array.Copy(input.LcMemory, _memUsed, machineCount);
        StepSlot.Entry[] entries = input.Entries;

        // Placement: the node of its trace machine when first seen or when the trace shows it in
        // another group (not a migration); otherwise where the policy put it.
        for (int i = 0; i < input.BeCount; i++)
        {
            int id = input.BeTasks[i];
            ref readonly StepSlot.Entry e = ref entries[id];
            int node = _nodeOf[id];
            if (node < 0 || _groupOf[node] != _groupOf[e.Machine])
            {
                node = e.Machine;
                _nodeOf[id] = node;
            }

            _beDemand[node] += e.Cpu;
            _memUsed[node] += e.Memory;
        }

        double served = 0;
        double capacity = 0;
        int violations = 0;
        double stepSteal = 0;
        int stepStealCount = 0;
        for (int m = 0; m < machineCount; m++)
        {
            double c = _machines.Cpu[m];
            HostStep h = _model.Evaluate(c, input.LcDemand[m], _beDemand[m]);
            served += h.ServedLc + h.ServedGuest;
            capacity += c;
            _utilization[m] = h.Utilization;
            _steal[m] = h.StealRatio;
            _lcDemandSeen[m] = h.LcDemand;
            if (h.LcViolated)
            {
                violations++;
                _lcCpuSecondsLost += h.LcShortfall * TraceClock.StepSeconds;
            }

            _beCpuSecondsServed += h.ServedGuest * TraceClock.StepSeconds;
            if (h.GuestDemand > 0)
            {
                double s = h.StealRatio;
                stepSteal += s;
                stepStealCount++;
                _stealSum += s;
                _histogram.Add(s);
            }
        }

        double utilization = capacity > 0 ? served / capacity : 0;
        double gini = GiniCoefficient.OfInPlace(_utilization);
        _sumUtilization += utilization;
        _sumGini += gini;
        _steps++;
        _lcViolations += violations;

        int migrations = 0;
        if (_policy.NeedsSnapshots || _sink is not null)
        {
            migrations = DecideAndApply(input, entries);
        }

        var record = new StepRecord(
            TraceClock.StepStartSeconds(input.Step),
            _policy.Name,
            utilization,
            gini,
            violations,
            stepStealCount > 0 ? stepSteal / stepStealCount : 0,
            migrations);
        Series.Add(record);
        return record;
    }

    private int DecideAndApply(StepInput input, StepSlot.Entry[] entries)
    {
        int groupSize = _options.GroupSize;
        int machineCount = _machines.Count;

        // BE tasks bucketed by the group they run in (counting sort, stable).
        Array.Clear(_groupStart);
        for (int i = 0; i < input.BeCount; i++)
        {
            _groupStart[_groupOf[_nodeOf[input.BeTasks[i]]] + 1]++;
        }

        for (int g = 0; g < _groups; g++)
        {
            _groupStart[g + 1] += _groupStart[g];
        }

        if (_byGroup.Length < input.BeCount)
        {
            _byGroup = new int[Math.Max(input.BeCount, _byGroup.Length * 2)];
        }

        int[] cursor = _cursor;
        Array.Copy(_groupStart, cursor, _groups);
        for (int i = 0; i < input.BeCount; i++)
        {
            int id = input.BeTasks[i];
            _byGroup[cursor[_groupOf[_nodeOf[id]]]++] = id;
        }

        DateTimeOffset time = TraceClock.StepEndTime(input.Step);
        double unit = _options.MemoryUnitBytes;
        int migrations = 0;
        for (int g = 0; g < _groups; g++)
        {
            int first = g * groupSize;
            int last = Math.Min(machineCount, first + groupSize);
            var nodes = new NodeSnapshot[last - first];
            for (int m = first; m < last; m++)
            {
                double free = Math.Max(0, _machines.Memory[m] - _memUsed[m]);
                nodes[m - first] = new NodeSnapshot(m - first, _steal[m])
                {
                    HostStealRatio = _steal[m],
                    HostLcBusyCores = _lcDemandSeen[m],
                    HostCapacityCores = _machines.Cpu[m],
                    MemTotalBytes = (long)Math.Round(_machines.Memory[m] * unit),
                    MemFreeBytes = (long)Math.Round(free * unit),
                    AgeSeconds = 0,
                };
            }

            int count = _groupStart[g + 1] - _groupStart[g];
            var tasks = new TaskSnapshot[count];
            for (int k = 0; k < count; k++)
            {
                int id = _byGroup[_groupStart[g] + k];
                ref readonly StepSlot.Entry e = ref entries[id];
                // The task on its trace machine (most of them): the snapshot every policy shares.
                tasks[k] = _nodeOf[id] == e.Machine
                    ? input.SharedTasks[id]!
                    : StepInput.TaskSnapshotOf(id, _nodeOf[id] - first, e, input.Keys[id], unit, _sink is not null);
            }

            var snapshot = new Snapshot(time, nodes, tasks);
            IReadOnlyList<Decision> decisions = _policy.Decide(g, snapshot);
            _sink?.Write(_index, _policy.Name, g, snapshot, decisions);
            foreach (Decision d in decisions)
            {
                if (d.DryRun || (uint)d.Pid >= (uint)_nodeOf.Length || (uint)d.To >= (uint)(last - first))
                {
                    continue;
                }

                int current = _nodeOf[d.Pid];
                int target = first + d.To;
                if (current < first || current >= last || current == target)
                {
                    continue;
                }

                _nodeOf[d.Pid] = target;
                migrations++;
                double memory = entries[d.Pid].Memory;
                _memoryMoved += memory;
                _bytesMoved += (long)Math.Round(memory * unit);
            }
        }

        _migrations += migrations;
        return migrations;
    }

    public PolicySummary Summary() => new(
        _policy.Name,
        _steps > 0 ? _sumUtilization / _steps : 0,
        _steps > 0 ? _sumGini / _steps : 0,
        _lcViolations,
        _lcCpuSecondsLost,
        _beCpuSecondsServed,
        _histogram.Count > 0 ? _stealSum / _histogram.Count : 0,
        _histogram.Percentile(0.95),
        _migrations,
        _bytesMoved,
        _memoryMoved);

    private void EnsureCapacity(int capacity)
    {
        if (_nodeOf.Length >= capacity)
        {
            return;
        }

        int old = _nodeOf.Length;
        int[] grown = _nodeOf;
        Array.Resize(ref grown, capacity);
        grown.AsSpan(old).Fill(-1);
        _nodeOf = grown;
    }
}
