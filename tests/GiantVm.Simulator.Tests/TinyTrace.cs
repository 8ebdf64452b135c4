using System.Globalization;
using System.IO.Compression;
using System.Text;
using GiantVm.Scheduling.Model;
using GiantVm.Simulator.Simulation;

namespace GiantVm.Simulator.Tests;

/// <summary>A hand-written trace in the published layout (times given in seconds), written to a temp folder.</summary>
internal sealed class TinyTrace : IDisposable
{
    private readonly List<string> _machines = [];
    private readonly List<string> _events = [];
    private readonly List<string> _usage = [];

    public TinyTrace()
    {
        Dir = Path.Combine(Path.GetTempPath(), "giantvm-sim-test-" + Guid.NewGuid().ToString("N"));
    }

    public string Dir { get; }

    public static long Us(double seconds) => (long)Math.Round(seconds * 1_000_000);

    private static string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    public TinyTrace Machine(long id, double? cpu = 1.0, double? memory = 1.0, int type = 0, double time = 0)
    {
        _machines.Add($"{Us(time)},{id},{type},platform,{(cpu is double c ? F(c) : "")},{(memory is double m ? F(m) : "")}");
        return this;
    }

    /// <summary>A task_events row (event type 1 SCHEDULE unless given).</summary>
    public TinyTrace Task(long job, int index, int schedulingClass, double time = 0, int type = 1, long? machine = null)
    {
        _events.Add($"{Us(time)},,{job},{index},{machine?.ToString(CultureInfo.InvariantCulture) ?? ""},{type},user,{schedulingClass},0,0.1,0.1,0,0");
        return this;
    }

    public TinyTrace Usage(double start, double end, long job, int index, long? machine, double cpu, double memory = 0.01)
    {
        string m = machine?.ToString(CultureInfo.InvariantCulture) ?? "";
        _usage.Add($"{Us(start)},{Us(end)},{job},{index},{m},{F(cpu)},{F(memory)},0,0,0,0,0,0,0,0,0,0,1,0,0");
        return this;
    }

    /// <summary>Writes the three tables (gzip or plain parts); usage split into <paramref name="usageParts"/> parts.</summary>
    public string Write(bool gzip = false, int usageParts = 1)
    {
        WriteTable("machine_events", [_machines], gzip);
        WriteTable("task_events", [_events], gzip);
        int per = Math.Max(1, (int)Math.Ceiling(_usage.Count / (double)usageParts));
        List<List<string>> parts = [];
        for (int i = 0; i < usageParts; i++)
        {
            parts.Add(_usage.Skip(i * per).Take(per).ToList());
        }

        WriteTable("task_usage", parts, gzip);
        return Dir;
    }

    private void WriteTable(string name, List<List<string>> parts, bool gzip)
    {
        string folder = Path.Combine(Dir, name);
        Directory.CreateDirectory(folder);
        for (int i = 0; i < parts.Count; i++)
        {
            string file = Path.Combine(folder, $"part-{i:D5}-of-{parts.Count:D5}.csv" + (gzip ? ".gz" : ""));
            byte[] bytes = Encoding.UTF8.GetBytes(string.Concat(parts[i].Select(l => l + "\n")));
            if (gzip)
            {
                using var gz = new GZipStream(File.Create(file), CompressionLevel.Fastest);
                gz.Write(bytes);
            }
            else
            {
                File.WriteAllBytes(file, bytes);
            }
        }
    }

    public void Dispose()
    {
        if (Directory.Exists(Dir))
        {
            Directory.Delete(Dir, recursive: true);
        }
    }
}

/// <summary>A policy whose decisions a test scripts; it records every snapshot it saw.</summary>
internal sealed class ScriptedPolicy(string name, Func<int, Snapshot, IReadOnlyList<Decision>>? decide = null) : ISimPolicy
{
    public string Name { get; } = name;

    public bool NeedsSnapshots => true;

    public List<(int Instance, Snapshot Snapshot)> Seen { get; } = [];

    public IReadOnlyList<Decision> Decide(int instance, Snapshot snapshot)
    {
        Seen.Add((instance, snapshot));
        return decide?.Invoke(instance, snapshot) ?? [];
    }

    /// <summary>The snapshots of one instance in step order.</summary>
    public List<Snapshot> Of(int instance) => Seen.Where(s => s.Instance == instance).Select(s => s.Snapshot).ToList();

    public static Decision Move(int pid, int from, int to) => new(pid, null, null, from, to, false, "scripted");
}

/// <summary>Runs the model over a tiny trace and keeps the per-step records.</summary>
internal sealed record SimRun(SimulationResult Result, List<StepRecord> Steps)
{
    public static SimRun Of(string dir, SimulationOptions options, params ISimPolicy[] policies)
    {
        var steps = new List<StepRecord>();
        SimulationResult result = SimulationRunner.Run(dir, options, policies, null, steps.Add);
        return new SimRun(result, steps);
    }

    public PolicySummary Policy(string name) => Result.Policies.Single(p => p.Name == name);

    public List<StepRecord> StepsOf(string name) => Steps.Where(s => s.Policy == name).ToList();
}
