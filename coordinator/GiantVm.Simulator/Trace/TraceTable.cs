namespace GiantVm.Simulator.Trace;

/// <summary>The trace tables the simulator reads, by folder name.</summary>
public enum TraceTable
{
    MachineEvents,
    TaskEvents,
    TaskUsage,
}
