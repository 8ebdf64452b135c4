using System.Text.RegularExpressions;

namespace GiantVm.NodeAgent.Sensing;

/// <summary>
/// How the guest agent recognises BE tasks; the union of every criterion given, none = no tasks.
/// </summary>
/// <param name="CgroupPath">cgroup v2 path under the cgroup root; its processes and those of every cgroup below.</param>
/// <param name="Comm">processes whose comm (the 15-character name in /proc/&lt;pid&gt;/stat) matches.</param>
/// <param name="PidFile">a file listing pids (whitespace separated).</param>
internal sealed record BeSelection(string? CgroupPath, Regex? Comm, string? PidFile)
{
    public static readonly BeSelection None = new(null, null, null);

    public bool IsEmpty => CgroupPath is null && Comm is null && PidFile is null;
}
