namespace GiantVm.Simulator.Synth;

/// <summary>The <c>giantvm-sim synth</c> options.</summary>
public sealed record SynthOptions(int Machines, double Days, string OutDir, ulong Seed = 1)
{
    /// <summary>task_usage and task_events parts cover this many 300 s steps each (2 hours).</summary>
    public int StepsPerPart { get; init; } = 24;
}
