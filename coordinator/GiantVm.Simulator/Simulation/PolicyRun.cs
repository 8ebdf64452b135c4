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
    private readonly int[] _groupOf;
    private readonly StealHistogram _histogram = new();
    private readonly bool _isOracle;
    private int[] _nodeOf = [];
    private double[] _resumeAt = [];

    // The oracle's buffers: the step's BE tasks (cpu, memory) bucketed by instance, and one instance's nodes.
    private (double Cpu, double Memory)[] _oracleTasks = [];
    private int[] _oracleStart = [];
    private OracleNode[] _oracleNodes = [];
    private double[] _oraclePlacement = [];

    private double _sumUtilization;
    private double _sumGini;
    private long _steps;
    private long _lcViolations;
    private double _lcCpuSecondsLost;
    private double _beCpuSecondsServed;
    private double _stealSum;
    private double _stealCpuSeconds;
    private long _migrations;
    private long _bytesMoved;
    private double _memoryMoved;
    private double _beLostToMigration;

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
        _groupOf = Enumerable.Range(0, m).Select(i => i / options.GroupSize).ToArray();
        Series = new PolicySeries(policy.Name);
        _isOracle = policy is OraclePolicy;
        if (_isOracle)
        {
            _oracleStart = new int[_groups + 2];
            _oracleNodes = new OracleNode[options.GroupSize];
            _oraclePlacement = new double[options.GroupSize];
        }
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
            _resumeAt[taskId] = 0;
        }
    }

    public StepRecord Step(StepInput input)
    {
        EnsureCapacity(input.Capacity);
        int machineCount = _machines.Count;
        Array.Clear(_beDemand);
        Array.Copy(input.LcMemory, _memUsed, machineCount);
        StepSlot.Entry[] entries = input.Entries;
        double stepStart = TraceClock.StepStartSeconds(input.Step);

        // Placement: the node of its trace machine when first seen or when the trace shows it in
        // another group (not a migration); otherwise where the policy put it.
        for (int i = 0; i < input.BeCount; i++)
        {
            int id = input.BeTasks[i];
            ref readonly StepSlot.Entry e = ref input.BeEntries[i];
            int node = _nodeOf[id];
            if (node < 0 || _groupOf[node] != _groupOf[e.Machine])
            {
                node = e.Machine;
                _nodeOf[id] = node;
            }

            double cpu = e.Cpu;
            if (_resumeAt[id] > stepStart)
            {
                // Moved and still crossing: no progress for the paused part of the step.
                double paused = MigrationCost.PausedIn(_resumeAt[id], stepStart, TraceClock.StepSeconds);
                _beLostToMigration += cpu * paused;
                cpu *= 1 - (paused / TraceClock.StepSeconds);
            }

            _beDemand[node] += cpu;
            _memUsed[node] += e.Memory;
        }

        if (_isOracle)
        {
            PlaceByOracle(input);
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
            _stealCpuSeconds += (h.GuestDemand - h.ServedGuest) * TraceClock.StepSeconds;
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
        if (!_isOracle && (_policy.NeedsSnapshots || _sink is not null))
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

    /// <summary>
    /// The oracle's placement of the step: per instance, its BE demand placed as a divisible whole
    /// by <see cref="OracleBound.Place"/>, each node limited to the CPU of the densest tasks that fit
    /// into its memory (free memory, or the BE memory the placement that never moves puts there if
    /// more, so that placement is always feasible and the bound never exceeds it).
    /// On entry <see cref="_beDemand"/> and <see cref="_memUsed"/> hold that never-moving placement.
    /// </summary>
    private void PlaceByOracle(StepInput input)
    {
        int groupSize = _options.GroupSize;
        int machineCount = _machines.Count;
        if (_oracleTasks.Length < input.BeCount)
        {
            _oracleTasks = new (double, double)[Math.Max(input.BeCount, _oracleTasks.Length * 2)];
        }

        Array.Clear(_oracleStart);
        for (int i = 0; i < input.BeCount; i++)
        {
            _oracleStart[_groupOf[_nodeOf[input.BeTasks[i]]] + 2]++;
        }

        for (int g = 0; g < _groups; g++)
        {
            _oracleStart[g + 2] += _oracleStart[g + 1];
        }

        // _oracleStart[g + 1] is now where instance g's tasks go; filling moves it to its end.
        for (int i = 0; i < input.BeCount; i++)
        {
            ref readonly StepSlot.Entry e = ref input.BeEntries[i];
            int g = _groupOf[_nodeOf[input.BeTasks[i]]];
            _oracleTasks[_oracleStart[g + 1]++] = (e.Cpu, e.Memory);
        }

        for (int g = 0; g < _groups; g++)
        {
            int first = g * groupSize;
            int last = Math.Min(machineCount, first + groupSize);
            Span<(double Cpu, double Memory)> tasks = _oracleTasks.AsSpan(_oracleStart[g], _oracleStart[g + 1] - _oracleStart[g]);
            if (tasks.Length == 0)
            {
                continue;
            }

            OracleBound.SortByDensity(tasks);
            double demand = 0;
            foreach (var t in tasks)
            {
                demand += t.Cpu;
            }

            for (int m = first; m < last; m++)
            {
                double free = _machines.Memory[m] - input.LcMemory[m];
                double placed = _memUsed[m] - input.LcMemory[m];
                _oracleNodes[m - first] = new OracleNode(_machines.Cpu[m], input.LcDemand[m], OracleBound.CpuThatFits(tasks, Math.Max(free, placed)));
            }

            OracleBound.Place(_model, _oracleNodes.AsSpan(0, last - first), demand, _oraclePlacement);
            for (int m = first; m < last; m++)
            {
                _beDemand[m] = _oraclePlacement[m - first];
            }
        }
    }

    private int DecideAndApply(StepInput input, StepSlot.Entry[] entries)
    {
        StepSnapshots shared = input.Snapshots!;
        int groupSize = _options.GroupSize;
        int machineCount = _machines.Count;
        DateTimeOffset time = TraceClock.StepEndTime(input.Step);
        double stepEnd = TraceClock.StepStartSeconds(input.Step + 1);
        double unit = _options.MemoryUnitBytes;
        int migrations = 0;
        for (int g = 0; g < _groups; g++)
        {
            int first = g * groupSize;
            int last = Math.Min(machineCount, first + groupSize);

            // The instance's snapshot as every policy that left it alone sees it, unless this
            // policy's figures differ somewhere: then its own, reusing what is still the same.
            NodeSnapshot[] nodes = shared.GroupNodes[g];
            for (int m = first; m < last; m++)
            {
                if (!shared.Matches(m, _steal[m], shared.MemFreeBytesOf(m, _memUsed[m])))
                {
                    nodes = OwnNodes(shared, first, last);
                    break;
                }
            }

            int start = shared.GroupStart[g];
            int count = shared.GroupStart[g + 1] - start;
            TaskSnapshot[] tasks = shared.GroupTasks[g];
            for (int k = 0; k < count; k++)
            {
                int id = shared.ByGroup[start + k];
                if (_nodeOf[id] != shared.ByGroupMachine[start + k])
                {
                    tasks = OwnTasks(input, shared, start, count, first);
                    break;
                }
            }

            Snapshot snapshot = ReferenceEquals(nodes, shared.GroupNodes[g]) && ReferenceEquals(tasks, shared.GroupTasks[g])
                ? shared.GroupSnapshots[g]
                : new Snapshot(time, nodes, tasks);
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
                long bytes = (long)Math.Round(memory * unit);
                _memoryMoved += memory;
                _bytesMoved += bytes;
                _resumeAt[d.Pid] = MigrationCost.ResumeAt(_resumeAt[d.Pid], stepEnd, MigrationCost.PauseSeconds(bytes, _options.MigrateBandwidth));
            }
        }

        _migrations += migrations;
        return migrations;
    }

    private NodeSnapshot[] OwnNodes(StepSnapshots shared, int first, int last)
    {
        var nodes = new NodeSnapshot[last - first];
        for (int m = first; m < last; m++)
        {
            long free = shared.MemFreeBytesOf(m, _memUsed[m]);
            nodes[m - first] = shared.Matches(m, _steal[m], free)
                ? shared.Nodes[m]
                : shared.NodeSnapshotOf(m, m - first, _steal[m], _lcDemandSeen[m], free);
        }

        return nodes;
    }

    private TaskSnapshot[] OwnTasks(StepInput input, StepSnapshots shared, int start, int count, int first)
    {
        var tasks = new TaskSnapshot[count];
        for (int k = 0; k < count; k++)
        {
            int id = shared.ByGroup[start + k];
            ref readonly StepSlot.Entry e = ref input.Entries[id];
            // The task on its trace machine (most of them): the snapshot every policy shares.
            tasks[k] = _nodeOf[id] == e.Machine
                ? shared.Tasks[id]!
                : StepInput.TaskSnapshotOf(id, _nodeOf[id] - first, e, input.Keys[id], _options.MemoryUnitBytes, _sink is not null);
        }

        return tasks;
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
        _memoryMoved,
        _stealCpuSeconds,
        _beLostToMigration);

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
        Array.Resize(ref _resumeAt, capacity);
    }
}
