using GiantVm.Simulator.Trace;

namespace GiantVm.Simulator.Simulation;

/// <summary>
/// The trace-driven cluster model: takes task_usage rows in (rough) time order, accumulates
/// them into 300 s steps (overlap-weighted CPU, largest memory), and when a step closes runs
/// every policy over it side by side. Memory is bounded by the live tasks and the open steps.
/// </summary>
internal sealed class ClusterSimulation
{
    private readonly MachineTable _machines;
    private readonly SimulationOptions _options;
    private readonly LiveTaskTable _tasks;
    private readonly StepWindow _window;
    private readonly PolicyRun[] _runs;
    private readonly Action<StepRecord>? _onStep;
    private readonly bool _snapshotsNeeded;
    // Two step buffers: the policies run over one closed step while the rows fill the next.
    private readonly StepInput[] _inputs = [new(), new()];
    private Task<StepRecord[]>? _pending;
    private readonly long _lagMicros;
    private readonly long? _firstStepBound;
    private readonly long? _lastStepBound;
    private long? _firstStep;
    private long _maxStep = long.MinValue;
    private long _steps;
    private long _rowsRead;
    private long _endBeforeStart;
    private long _missingMachine;
    private long _outsideMachines;
    private long _noTaskEvent;
    private long _lateRows;

    public ClusterSimulation(
        MachineTable machines,
        TaskClassTable classes,
        SimulationOptions options,
        IReadOnlyList<ISimPolicy> policies,
        ISnapshotSink? sink = null,
        Action<StepRecord>? onStep = null)
    {
        if (options.GroupSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "group size must be >= 1");
        }

        _machines = machines;
        _options = options;
        _onStep = onStep;
        _tasks = new LiveTaskTable(classes, options.LcClasses);
        _window = new StepWindow(machines.Count);
        _runs = policies.Select((p, i) => new PolicyRun(i, p, machines, options, sink)).ToArray();
        _snapshotsNeeded = sink is not null || policies.Any(p => p.NeedsSnapshots);
        _lagMicros = options.LateToleranceSteps * TraceClock.StepMicros;
        foreach (StepInput input in _inputs)
        {
            input.LcDemand = new double[machines.Count];
            input.LcMemory = new double[machines.Count];
            input.Snapshots = _snapshotsNeeded ? new StepSnapshots(machines, options, withComm: sink is not null) : null;
        }
        if (options.StartSeconds is long start)
        {
            _firstStepBound = TraceClock.StepOf(start * 1_000_000);
            _firstStep = _firstStepBound;
            _window.FirstOpen = _firstStepBound.Value;
        }

        if (options.EndSeconds is long end)
        {
            _lastStepBound = TraceClock.StepOf((end * 1_000_000) - 1);
        }
    }

    public long RowsRead => _rowsRead;

    /// <summary>Trace time (µs) of the newest step closed, for progress.</summary>
    public long? FirstStep => _firstStep;

    public long StepsDone => _steps;

    /// <summary>True once rows can no longer reach a simulated step (past --end): stop reading.</summary>
    public bool PastEnd { get; private set; }

    internal PolicyRun[] Runs => _runs;

    internal LiveTaskTable Tasks => _tasks;

    /// <summary>Counts a task_usage line that could not even be parsed into a row (empty line excluded).</summary>
    public void CountRow() => _rowsRead++;

    /// <summary>A hint that <paramref name="row"/> comes soon: starts loading what its task lookup reads.</summary>
    public void Prefetch(in UsageRow row) => _tasks.Prefetch(row.Job, row.TaskIndex);

    /// <summary>
    /// A hint that <paramref name="row"/> comes next but a few (its lookup already prefetched):
    /// starts loading its task's entries in the first steps it covers. Changes nothing.
    /// </summary>
    public void PrefetchSteps(in UsageRow row)
    {
        if (row.EndMicros > row.StartMicros && _tasks.TryPeek(row.Job, row.TaskIndex, out int id))
        {
            long first = TraceClock.StepOf(row.StartMicros);
            long last = Math.Min(TraceClock.StepOf(row.EndMicros - 1), first + 1);
            for (long s = first; s <= last; s++)
            {
                _window.Prefetch(s, id);
            }
        }
    }

    public void Add(in UsageRow row)
    {
        if (row.EndMicros <= row.StartMicros)
        {
            _endBeforeStart++;
            return;
        }

        if (row.MachineId is not long machineId)
        {
            _missingMachine++;
            return;
        }

        if (!_machines.TryGetIndex(machineId, out int machine))
        {
            _outsideMachines++;
            return;
        }

        long firstStep = TraceClock.StepOf(row.StartMicros);
        long lastStep = TraceClock.StepOf(row.EndMicros - 1);
        if (_firstStep is null)
        {
            _firstStep = firstStep;
            _window.FirstOpen = firstStep;
        }

        if (_firstStepBound is long lo && firstStep < lo)
        {
            firstStep = lo;
        }

        if (_lastStepBound is long hi && lastStep > hi)
        {
            lastStep = hi;
        }

        if (firstStep <= lastStep)
        {
            int id = _tasks.GetOrAdd(row.Job, row.TaskIndex);
            bool isLc = _tasks.IsLc[id];
            if (_tasks.NoTaskEvent[id])
            {
                _noTaskEvent++;
            }

            bool late = false;
            for (long s = firstStep; s <= lastStep; s++)
            {
                if (s < _window.FirstOpen)
                {
                    late = true;
                    continue;
                }

                long stepStart = TraceClock.StepStartMicros(s);
                long overlap = Math.Min(row.EndMicros, stepStart + TraceClock.StepMicros) - Math.Max(row.StartMicros, stepStart);
                double fraction = (double)overlap / TraceClock.StepMicros;
                _window.Get(s).Add(id, machine, row.StartMicros, row.Cpu * fraction, row.Memory, isLc);
                if (s > _tasks.LastSeenStep[id])
                {
                    _tasks.LastSeenStep[id] = s;
                }
            }

            if (late)
            {
                _lateRows++;
            }

            if (lastStep > _maxStep)
            {
                _maxStep = lastStep;
            }
        }

        // Close the steps no row in rough time order can reach any more.
        long closable = TraceClock.StepOf(row.StartMicros - _lagMicros) - 1;
        if (_lastStepBound is long bound)
        {
            if (closable >= bound)
            {
                PastEnd = true;
            }

            closable = Math.Min(closable, bound);
        }

        while (_window.FirstOpen <= closable && _window.FirstOpen <= Math.Max(_maxStep, _lastStepBound ?? long.MinValue))
        {
            CloseStep();
        }
    }

    public SimulationResult Finish()
    {
        long last = _lastStepBound ?? _maxStep;
        if (_firstStep is not null)
        {
            while (_window.FirstOpen <= last)
            {
                CloseStep();
            }
        }

        CompletePending();
        return new SimulationResult(
            DecisionQuality.WithGaps(_runs.Select(r => r.Summary()).ToArray()),
            _steps,
            _machines.Count,
            _rowsRead,
            new AnomalyCounts(_endBeforeStart, _noTaskEvent, _outsideMachines, _missingMachine, _lateRows),
            _firstStep is long f ? TraceClock.StepStartSeconds(f) : null,
            _runs.Select(r => r.Series).ToArray());
    }

    /// <summary>
    /// Closes the first open step: copies what the policies need out of its slot, then hands it
    /// to them and goes back to reading rows while they run; the previous step's policies must
    /// be done first (each policy sees its steps in order, and per_step.csv is written in order).
    /// </summary>
    private void CloseStep()
    {
        long step = _window.FirstOpen;
        StepSlot? slot = _window.Close();
        StepInput input = _inputs[_steps & 1];
        input.Step = step;
        input.BeCount = 0;
        input.Capacity = _tasks.Capacity;
        input.Forgotten.Clear();
        Array.Clear(input.LcMemory);
        if (slot is null)
        {
            Array.Clear(input.LcDemand);
        }
        else
        {
            Array.Copy(slot.LcDemand, input.LcDemand, input.LcDemand.Length);
            if (input.BeTasks.Length < slot.TouchedCount)
            {
                input.BeTasks = new int[Math.Max(slot.TouchedCount, input.BeTasks.Length * 2)];
                input.BeEntries = new StepSlot.Entry[input.BeTasks.Length];
            }

            if (input.Entries.Length < input.Capacity)
            {
                input.Entries = new StepSlot.Entry[input.Capacity];
                input.Keys = new TaskKey[input.Capacity];
            }

            for (int i = 0; i < slot.TouchedCount; i++)
            {
                int id = slot.Touched[i];
                ref readonly StepSlot.Entry e = ref slot.Entries[id];
                if (_tasks.IsLc[id])
                {
                    input.LcMemory[e.Machine] += e.Memory;
                }
                else
                {
                    StepSlot.Entry be = e;
                    be.Cpu *= _options.BeScale;
                    input.BeTasks[input.BeCount] = id;
                    input.BeEntries[input.BeCount++] = be;
                    input.Entries[id] = be;
                    input.Keys[id] = _tasks.Keys[id];
                }
            }
        }

        _steps++;
        if (_options.ForgetAfterSteps > 0 && _steps % _options.ForgetAfterSteps == 0)
        {
            input.Forgotten.AddRange(_tasks.ForgetSeenBefore(step - _options.ForgetAfterSteps));
        }

        CompletePending();
        _pending = Task.Run(() => RunPolicies(input));
    }

    /// <summary>The step's shared snapshots, then every policy over it (side by side when the step is large), then their forgetting.</summary>
    private StepRecord[] RunPolicies(StepInput input)
    {
        input.Snapshots?.Build(input);
        var records = new StepRecord[_runs.Length];
        if (_runs.Length > 1 && input.BeCount > 2000)
        {
            Parallel.For(0, _runs.Length, i => records[i] = StepAndForget(_runs[i], input));
        }
        else
        {
            for (int i = 0; i < _runs.Length; i++)
            {
                records[i] = StepAndForget(_runs[i], input);
            }
        }

        return records;
    }

    private static StepRecord StepAndForget(PolicyRun run, StepInput input)
    {
        StepRecord record = run.Step(input);
        foreach (int id in input.Forgotten)
        {
            run.Forget(id);
        }

        return record;
    }

    /// <summary>Waits for the step the policies are on and reports its records (in step, then policy order).</summary>
    private void CompletePending()
    {
        if (_pending is null)
        {
            return;
        }

        Task<StepRecord[]> pending = _pending;
        _pending = null;
        StepRecord[] records = pending.GetAwaiter().GetResult();
        if (_onStep is not null)
        {
            foreach (StepRecord r in records)
            {
                _onStep(r);
            }
        }
    }
}
