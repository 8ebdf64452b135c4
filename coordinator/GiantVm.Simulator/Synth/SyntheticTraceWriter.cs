using System.IO.Compression;
using GiantVm.Simulator.Simulation;
using GiantVm.Simulator.Trace;

namespace GiantVm.Simulator.Synth;

/// <summary>
/// Writes a synthetic trace in the published clusterdata-2011-2 layout and columns (no header,
/// gzip parts): machines of capacity 0.25/0.5/1.0; long-running production services (LC,
/// class 2-3) with a diurnal load and per-machine hot spots; batch jobs (BE, class 0-1)
/// arriving all day with heavy-tailed task counts, sizes and durations; per-machine usage
/// windows of 300 s at a random phase (so windows straddle steps); and the known anomalies
/// (rows without a machine id, end before start, jobs without task events).
/// </summary>
public sealed class SyntheticTraceWriter
{
    private const long Micros = 1_000_000;
    private const double Day = 86400;
    private const double BeLoadTarget = 0.34;
    private const double BeMeanTaskCpu = 0.03;
    private const double BeMeanTasksPerJob = 3.0;

    private readonly SynthOptions _options;
    private readonly TraceRandom _rng;
    private readonly List<SynthTask>[] _live;
    private readonly long[] _machineIds;
    private readonly double[] _cpu;
    private readonly double[] _memory;
    private readonly double[] _phase;
    private readonly double[] _diurnalOffset;
    private readonly CsvLineBuilder _usage = new();
    private readonly CsvLineBuilder _events = new();
    private long _nextJob = 6_000_000_000;

    public SyntheticTraceWriter(SynthOptions options)
    {
        if (options.Machines < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "machines must be >= 1");
        }

        if (options.Days <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "days must be > 0");
        }

        _options = options;
        _rng = new TraceRandom(options.Seed * 0x2545F4914F6CDD1DUL + 17);
        int n = options.Machines;
        _live = new List<SynthTask>[n];
        _machineIds = new long[n];
        _cpu = new double[n];
        _memory = new double[n];
        _phase = new double[n];
        _diurnalOffset = new double[n];
        long id = 1000 + _rng.NextInt(5000);
        for (int m = 0; m < n; m++)
        {
            id += 1 + _rng.NextInt(400_000);
            _machineIds[m] = id;
            double r = _rng.NextDouble();
            _cpu[m] = r < 0.1 ? 0.25 : r < 0.8 ? 0.5 : 1.0;
            double q = _rng.NextDouble();
            _memory[m] = Math.Min(1.0, _cpu[m] * (q < 0.2 ? 0.5 : q < 0.85 ? 1.0 : 1.5));
            _phase[m] = _rng.Uniform(0, TraceClock.StepSeconds);
            _diurnalOffset[m] = _rng.Uniform(-0.5, 0.5);
            _live[m] = [];
        }
    }

    /// <summary>Usage rows written (for progress and tests).</summary>
    public long UsageRows { get; private set; }

    public long TaskEventRows { get; private set; }

    public void Write()
    {
        string root = _options.OutDir;
        foreach (TraceTable t in Enum.GetValues<TraceTable>())
        {
            Directory.CreateDirectory(Path.Combine(root, TraceFiles.FolderName(t)));
        }

        WriteMachineEvents();
        long steps = (long)Math.Ceiling(_options.Days * Day / TraceClock.StepSeconds);
        int perPart = Math.Max(1, _options.StepsPerPart);
        int parts = (int)((steps + perPart - 1) / perPart);
        SpawnLc();
        SpawnInitialBe();
        for (int p = 0; p < parts; p++)
        {
            string name = $"part-{p:D5}-of-{parts:D5}.csv.gz";
            using Stream usage = OpenPart(Path.Combine(root, "task_usage", name));
            using Stream events = OpenPart(Path.Combine(root, "task_events", name));
            if (p == 0)
            {
                FlushEvents(events);
            }

            long first = (long)p * perPart;
            long last = Math.Min(steps, first + perPart);
            for (long k = first; k < last; k++)
            {
                SpawnBe(k);
                EmitWindows(k, steps);
                FlushEvents(events);
                usage.Write(_usage.Bytes);
                _usage.Clear();
            }
        }
    }

    private static Stream OpenPart(string path) =>
        new GZipStream(new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16), CompressionLevel.Fastest);

    private void FlushEvents(Stream events)
    {
        events.Write(_events.Bytes);
        _events.Clear();
    }

    private void WriteMachineEvents()
    {
        var b = new CsvLineBuilder();
        // ADD events at time 0 in shuffled order; the simulator must pick machines by id.
        int n = _machineIds.Length;
        int[] order = Enumerable.Range(0, n).ToArray();
        for (int i = n - 1; i > 0; i--)
        {
            int j = _rng.NextInt(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }

        foreach (int m in order)
        {
            b.Int(0).Int(_machineIds[m]).Int(0).Text("HofLGzk1Or/8Ildj2+Lqv0UGGvY82NLoni8+J/Yy0RU=");
            if (m % 397 == 396)
            {
                b.Empty(); // anomaly: missing CPU capacity (counts as 1.0)
                _cpu[m] = 1.0;
            }
            else
            {
                b.Real(_cpu[m]);
            }

            b.Real(_memory[m]).EndLine();
        }

        // Later UPDATE and REMOVE events, which the model ignores.
        double end = _options.Days * Day;
        for (int m = 0; m < n; m += 53)
        {
            long t = (long)(_rng.Uniform(600, 600 + end) * Micros);
            b.Int(t).Int(_machineIds[m]).Int(m % 2 == 0 ? 2 : 1).Text("HofLGzk1Or/8Ildj2+Lqv0UGGvY82NLoni8+J/Yy0RU=").Real(_cpu[m] / 2).Real(_memory[m]).EndLine();
        }

        using Stream s = OpenPart(Path.Combine(_options.OutDir, "machine_events", "part-00000-of-00001.csv.gz"));
        s.Write(b.Bytes);
    }

    private void SpawnLc()
    {
        // Production services: 2-4 tasks per machine, grouped into jobs of up to 40 tasks.
        long job = NewJob();
        int indexInJob = 0;
        for (int m = 0; m < _machineIds.Length; m++)
        {
            double hot = _rng.LogNormal(1.0, 0.45);
            int count = 2 + _rng.NextInt(3);
            for (int i = 0; i < count; i++)
            {
                if (indexInJob == 40)
                {
                    job = NewJob();
                    indexInJob = 0;
                }

                int cls = _rng.Chance(0.7) ? 2 : 3;
                var task = new SynthTask(job, indexInJob++, cls, m, 600 * Micros, long.MaxValue)
                {
                    Cpu = _cpu[m] * _rng.Uniform(0.06, 0.16) * hot,
                    Memory = _memory[m] * _rng.Uniform(0.03, 0.09),
                    Lc = true,
                };
                _live[m].Add(task);
                Event(0, task, 0);
                Event(0, task, 1);
            }
        }
    }

    private void SpawnInitialBe()
    {
        double capacity = _cpu.Sum();
        int tasks = (int)(capacity * BeLoadTarget / BeMeanTaskCpu);
        int spawned = 0;
        while (spawned < tasks)
        {
            spawned += SpawnJob(firstWindowStep: 0, beforeTrace: true);
        }
    }

    private void SpawnBe(long step)
    {
        if (step == 0)
        {
            return;
        }

        double capacity = _cpu.Sum();
        double meanDurationSteps = 12.3;
        double tasksPerStep = capacity * BeLoadTarget / BeMeanTaskCpu / meanDurationSteps;
        double t = (step * (double)TraceClock.StepSeconds) / Day;
        double rate = tasksPerStep / BeMeanTasksPerJob * (1.0 + (0.3 * Math.Sin(2 * Math.PI * t)));
        int jobs = _rng.Poisson(rate);
        for (int j = 0; j < jobs; j++)
        {
            SpawnJob(step, beforeTrace: false);
        }
    }

    private int SpawnJob(long firstWindowStep, bool beforeTrace)
    {
        long job = NewJob();
        int tasks = Math.Min(64, (int)_rng.Pareto(1.0, 1.6));
        int cls = _rng.Chance(0.5) ? 0 : 1;
        bool noEvents = _rng.Chance(0.01);
        double size = _rng.Pareto(BeMeanTaskCpu / 3, 1.5);
        double durationSeconds = _rng.LogNormal(1200, 1.5);
        // A job's tasks land on a window of nearby machines (locality), which makes hot spots.
        int n = _machineIds.Length;
        int window = Math.Min(n, 48);
        int first = _rng.NextInt(n);
        for (int i = 0; i < tasks; i++)
        {
            int m = (first + _rng.NextInt(window)) % n;
            long windowStart = WindowStart(m, firstWindowStep);
            long start = beforeTrace ? windowStart : windowStart + (long)(_rng.NextDouble() * TraceClock.StepMicros);
            double duration = durationSeconds * _rng.Uniform(0.7, 1.3);
            long end = start + (long)(Math.Max(30, duration) * Micros);
            var task = new SynthTask(job, i, cls, m, start, end)
            {
                Cpu = Math.Min(0.5, size * _rng.Uniform(0.6, 1.4)) * Math.Max(0.25, _cpu[m] / 0.5),
                Memory = Math.Min(0.2, size * _rng.Uniform(0.5, 1.5)),
                NoEvents = noEvents,
            };
            _live[m].Add(task);
            if (!noEvents)
            {
                long submit = beforeTrace ? 0 : start;
                Event(submit, task, 0);
                Event(submit, task, 1);
            }
        }

        return tasks;
    }

    private long WindowStart(int machine, long step) =>
        TraceClock.StepStartMicros(step) + (long)(_phase[machine] * Micros);

    private void EmitWindows(long step, long steps)
    {
        long traceEnd = TraceClock.StepStartMicros(steps);
        for (int m = 0; m < _live.Length; m++)
        {
            long w = WindowStart(m, step);
            long wEnd = Math.Min(w + TraceClock.StepMicros, traceEnd);
            List<SynthTask> tasks = _live[m];
            for (int i = 0; i < tasks.Count; i++)
            {
                SynthTask t = tasks[i];
                if (t.Start >= wEnd)
                {
                    continue;
                }

                long start = Math.Max(w, t.Start);
                long end = Math.Min(wEnd, t.End);
                if (end > start)
                {
                    UsageRow(t, start, end);
                }

                if (t.End <= wEnd)
                {
                    if (t.End < traceEnd && !t.NoEvents)
                    {
                        Event(t.End, t, 4);
                    }

                    tasks[i] = tasks[^1];
                    tasks.RemoveAt(tasks.Count - 1);
                    i--;
                }
            }
        }
    }

    private void UsageRow(SynthTask t, long start, long end)
    {
        double cpu = t.Cpu;
        if (t.Lc)
        {
            double mid = ((start + end) / 2.0 / Micros) / Day;
            double diurnal = 1.0 + (0.45 * Math.Sin((2 * Math.PI * mid) - (Math.PI / 2) + _diurnalOffset[t.Machine]));
            cpu *= diurnal;
        }

        cpu = Math.Max(0, cpu * (1.0 + (0.15 * _rng.Normal())));
        double memory = Math.Max(0, t.Memory * (1.0 + (0.05 * _rng.Normal())));
        bool swap = _rng.Chance(0.0005);
        bool noMachine = _rng.Chance(0.001);
        _usage.Int(swap ? end : start).Int(swap ? start : end).Int(t.Job).Int(t.Index);
        if (noMachine)
        {
            _usage.Empty();
        }
        else
        {
            _usage.Int(_machineIds[t.Machine]);
        }

        _usage.Real(cpu).Real(memory).Real(memory * 1.1).Real(memory * 0.01).Real(memory * 0.05).Real(memory * 1.2)
            .Real(0.00012).Real(0.00031).Real(cpu * 1.8).Real(0.0021).Real(1.53).Real(0.00094).Real(1).Int(0).Real(cpu).EndLine();
        UsageRows++;
    }

    private void Event(long time, SynthTask t, int type)
    {
        _events.Int(time).Empty().Int(t.Job).Int(t.Index);
        if (type == 0)
        {
            _events.Empty();
        }
        else
        {
            _events.Int(_machineIds[t.Machine]);
        }

        _events.Int(type).Text("fJYeclskJqPWsAT6TX/r9X5OiIZpSEb2PBGliYAOMxM=").Int(t.Class).Int(t.Lc ? 9 + (t.Index % 3) : t.Class * 2)
            .Real(t.Cpu).Real(t.Memory).Real(0.0001).Int(0).EndLine();
        TaskEventRows++;
    }

    private long NewJob() => _nextJob += 1 + _rng.NextInt(1000);

    private sealed class SynthTask(long job, int index, int cls, int machine, long start, long end)
    {
        public long Job { get; } = job;

        public int Index { get; } = index;

        public int Class { get; } = cls;

        public int Machine { get; } = machine;

        public long Start { get; } = start;

        public long End { get; } = end;

        public double Cpu { get; init; }

        public double Memory { get; init; }

        public bool Lc { get; init; }

        /// <summary>Anomaly: the task never appears in task_events.</summary>
        public bool NoEvents { get; init; }
    }
}
