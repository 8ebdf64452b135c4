using System.Text;
using System.Text.Json;
using GiantVm.Scheduling.Model;
using GiantVm.Simulator.Simulation;

namespace GiantVm.Simulator.Output;

/// <summary>
/// <c>--dump-snapshots DIR</c>: per policy and GiantVM instance, <c>DIR/POLICY/instance-NNNN.jsonl</c>
/// holds the snapshots the policy saw (the decision core's JSON Lines format, one per step:
/// <c>giantvmctl plan</c> replays it) and <c>instance-NNNN.decisions.jsonl</c> the decisions it
/// made at each of them.
/// </summary>
internal sealed class SnapshotDumpWriter : ISnapshotSink, IDisposable
{
    private const int FlushChars = 1 << 18;
    private readonly string _root;
    private readonly Dictionary<(int Policy, int Instance), (StringBuilder Snapshots, StringBuilder Decisions)>[] _buffers;

    public SnapshotDumpWriter(string root, int policies)
    {
        _root = root;
        Directory.CreateDirectory(root);
        _buffers = Enumerable.Range(0, policies).Select(_ => new Dictionary<(int, int), (StringBuilder, StringBuilder)>()).ToArray();
    }

    public static string SnapshotFile(string root, string policy, int instance) =>
        Path.Combine(root, policy, $"instance-{instance:D4}.jsonl");

    public static string DecisionFile(string root, string policy, int instance) =>
        Path.Combine(root, policy, $"instance-{instance:D4}.decisions.jsonl");

    private readonly Dictionary<int, string> _names = new();

    public void Write(int policyIndex, string policyName, int instance, Snapshot snapshot, IReadOnlyList<Decision> decisions)
    {
        Dictionary<(int, int), (StringBuilder Snapshots, StringBuilder Decisions)> buffers = _buffers[policyIndex];
        if (!buffers.TryGetValue((policyIndex, instance), out var b))
        {
            lock (_names)
            {
                if (!_names.ContainsKey(policyIndex))
                {
                    _names[policyIndex] = policyName;
                    string dir = Path.Combine(_root, policyName);
                    Directory.CreateDirectory(dir);
                    foreach (string stale in Directory.EnumerateFiles(dir, "instance-*.jsonl"))
                    {
                        File.Delete(stale);
                    }
                }
            }

            b = (new StringBuilder(), new StringBuilder());
            buffers[(policyIndex, instance)] = b;
        }

        b.Snapshots.Append(SnapshotJson.Serialize(snapshot)).Append('\n');
        b.Decisions.Append(DecisionLine(snapshot.Time, decisions)).Append('\n');
        if (b.Snapshots.Length > FlushChars)
        {
            Flush(policyName, instance, b);
        }
    }

    internal static string DecisionLine(DateTimeOffset? time, IReadOnlyList<Decision> decisions)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartObject();
            if (time is DateTimeOffset t)
            {
                w.WriteString("time", t);
            }

            w.WriteStartArray("decisions");
            foreach (Decision d in decisions)
            {
                w.WriteStartObject();
                w.WriteNumber("pid", d.Pid);
                if (d.StartTime is ulong st)
                {
                    w.WriteNumber("startTime", st);
                }

                w.WriteNumber("from", d.From);
                w.WriteNumber("to", d.To);
                w.WriteBoolean("dryRun", d.DryRun);
                w.WriteString("reason", d.Reason);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private void Flush(string policy, int instance, (StringBuilder Snapshots, StringBuilder Decisions) b)
    {
        File.AppendAllText(SnapshotFile(_root, policy, instance), b.Snapshots.ToString());
        File.AppendAllText(DecisionFile(_root, policy, instance), b.Decisions.ToString());
        b.Snapshots.Clear();
        b.Decisions.Clear();
    }

    public void Dispose()
    {
        for (int p = 0; p < _buffers.Length; p++)
        {
            if (!_names.TryGetValue(p, out string? name))
            {
                continue;
            }

            foreach (var ((_, instance), b) in _buffers[p])
            {
                Flush(name, instance, b);
            }
        }
    }
}
