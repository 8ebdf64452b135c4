namespace GiantVm.Linux;

/// <summary>One <c>cpuN</c> line of /proc/stat.</summary>
public readonly record struct CpuLine(int Cpu, CpuTimes Times);
