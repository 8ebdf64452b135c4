using GiantVm.Linux.Syscalls;

namespace GiantVm.NodeAgent.Sensing;

/// <summary>
/// Whether the BE pid file (<c>--be-pid-file</c>) can be trusted: whoever can write it chooses which
/// processes the agent moves, so it must be owned by root or the agent's own user and not writable
/// by group or others. Checked when the agent starts (it refuses to start) and again before every
/// move (the move is refused).
/// </summary>
internal static class PidFileTrust
{
    private const uint GroupOrOtherWrite = 0b000_010_010; // S_IWGRP | S_IWOTH

    /// <summary>Null when trusted, else why not (one line naming the file, owner and mode, and the fix). Pure.</summary>
    public static string? Judge(string path, uint ownerUid, uint mode, uint agentUid)
    {
        var problems = new List<string>();
        if (ownerUid != 0 && ownerUid != agentUid)
        {
            problems.Add($"it is owned by uid {ownerUid}, neither root nor the agent's user (uid {agentUid})");
        }

        if ((mode & GroupOrOtherWrite) != 0)
        {
            problems.Add($"group or others may write it (mode {Convert.ToString((int)(mode & 0xfff), 8).PadLeft(4, '0')})");
        }

        return problems.Count == 0
            ? null
            : $"--be-pid-file {path}: {string.Join(" and ", problems)}; whoever can write it could have any process moved as a BE task. " +
              $"Make it owned by root or uid {agentUid} and not group/other-writable (chown root {path}; chmod go-w {path})";
    }

    /// <summary>Null when the file is trusted or does not exist; else why not.</summary>
    public static string? Check(string path)
    {
        if (FileOwner.Of(path, out var errno) is not { } stat)
        {
            return errno == 2 ? null : $"--be-pid-file {path}: cannot stat it (errno {errno})"; // ENOENT: nothing listed yet
        }

        return Judge(path, stat.Uid, stat.Mode, FileOwner.EffectiveUid());
    }
}
