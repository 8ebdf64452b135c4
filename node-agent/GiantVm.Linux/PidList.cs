using GiantVm.Linux.Parsing;

namespace GiantVm.Linux;

/// <summary>
/// A list of process ids, one or more per line separated by whitespace: <c>cgroup.procs</c>,
/// cgroup v1 <c>tasks</c>, and operator pid files. Empty text is an empty list.
/// </summary>
public static class PidList
{
    public static int[] Parse(ReadOnlySpan<char> text, string path = "cgroup.procs")
    {
        var pids = new List<int>();
        var lines = new Lines(text);
        while (lines.Next(out var line))
        {
            var tok = new SpanTokenizer(line);
            while (tok.Next(out var t))
            {
                var pid = Numbers.Int32(t, path, lines.Number, "pid");
                if (pid <= 0)
                {
                    throw new ProcParseException(path, lines.Number, $"pid {pid} is not positive");
                }

                pids.Add(pid);
            }
        }

        return [.. pids];
    }
}
