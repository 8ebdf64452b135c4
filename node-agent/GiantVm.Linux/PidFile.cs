namespace GiantVm.Linux;

/// <summary>The per-process files <see cref="PidFileCache"/> keeps open.</summary>
public enum PidFile
{
    Stat,
    Comm,
    SchedStat,
}
