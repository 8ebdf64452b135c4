using GiantVm.Linux.Parsing;

namespace GiantVm.Linux;

/// <summary>Files holding one number: <c>kernel.numa_balancing</c>, cgroup v1 <c>cpuacct.usage</c>.</summary>
public static class SingleValue
{
    public static long ParseInt64(ReadOnlySpan<char> text, string path)
    {
        var t = text.Trim();
        if (t.IsEmpty)
        {
            throw new ProcParseException(path, 0, "empty, one number expected");
        }

        return Numbers.TryInt64(t, out var v) ? v : throw new ProcParseException(path, 1, $"'{Numbers.Clip(t)}' is not a number");
    }

    public static ulong ParseUInt64(ReadOnlySpan<char> text, string path)
    {
        var t = text.Trim();
        if (t.IsEmpty)
        {
            throw new ProcParseException(path, 0, "empty, one number expected");
        }

        return Numbers.UInt64(t, path, 1, "value");
    }
}
