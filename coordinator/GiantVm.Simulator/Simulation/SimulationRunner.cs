using GiantVm.Simulator.Trace;

namespace GiantVm.Simulator.Simulation;

/// <summary>
/// Runs the model over a trace folder: machine_events (machines), one pass over task_events
/// (classes), then one streaming pass over task_usage feeding every policy side by side.
/// </summary>
internal static class SimulationRunner
{
    public static SimulationResult Run(
        string traceDir,
        SimulationOptions options,
        IReadOnlyList<ISimPolicy> policies,
        ISnapshotSink? sink = null,
        Action<StepRecord>? onStep = null,
        TextWriter? progress = null) =>
        Run(Prepare(traceDir, options.Machines, progress), options, policies, sink, onStep, progress);

    /// <summary>Reads what every run over the trace shares: the machines and one pass over task_events (the tasks' classes).</summary>
    public static PreparedTrace Prepare(string traceDir, int machineCount, TextWriter? progress = null)
    {
        TraceFiles files = TraceFiles.At(traceDir);
        IReadOnlyList<string> machineParts = files.Parts(TraceTable.MachineEvents);
        IReadOnlyList<string> eventParts = files.Parts(TraceTable.TaskEvents);
        IReadOnlyList<string> usageParts = files.Parts(TraceTable.TaskUsage);
        var reporter = new ProgressReporter(progress ?? TextWriter.Null, TimeSpan.FromSeconds(2));

        MachineTable machines = MachineTable.Read(machineParts, machineCount);
        if (machines.Count == 0)
        {
            throw new TraceFormatException($"{files.Folder(TraceTable.MachineEvents)}: no machine has an ADD event");
        }

        if (machines.Count < machineCount)
        {
            progress?.WriteLine($"note: the trace has {machines.Count} machines with an ADD event; simulating all of them");
        }

        TaskClassTable classes = TaskClassTable.Read(eventParts, (rows, read, total) => reporter.Report("task_events", rows, 0, read, total));
        progress?.WriteLine($"task_events: {classes.Tasks} tasks in {classes.Jobs} jobs");
        return new PreparedTrace(machines, classes, usageParts);
    }

    /// <summary>One streaming pass over task_usage with every policy (the tables read once by <see cref="Prepare"/>).</summary>
    public static SimulationResult Run(
        PreparedTrace trace,
        SimulationOptions options,
        IReadOnlyList<ISimPolicy> policies,
        ISnapshotSink? sink = null,
        Action<StepRecord>? onStep = null,
        TextWriter? progress = null)
    {
        var sim = new ClusterSimulation(trace.Machines, trace.Classes, options, policies, sink, onStep);
        using var reader = new TraceLineReader(trace.UsageParts);
        var usageReporter = new ProgressReporter(progress ?? TextWriter.Null, TimeSpan.FromSeconds(2));
        UsageFeeder.Feed(reader, sim, () => usageReporter.Report(
            "task_usage", sim.RowsRead, sim.StepsDone * TraceClock.StepSeconds / 86400.0, reader.BytesRead, reader.TotalBytes));
        SimulationResult result = sim.Finish();
        usageReporter.Report("task_usage", sim.RowsRead, sim.StepsDone * TraceClock.StepSeconds / 86400.0, reader.TotalBytes, reader.TotalBytes, force: true);
        return result;
    }
}

/// <summary>What runs over one trace share: the simulated machines, the tasks' classes and the task_usage parts.</summary>
internal sealed record PreparedTrace(MachineTable Machines, TaskClassTable Classes, IReadOnlyList<string> UsageParts);
