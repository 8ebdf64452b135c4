using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace GiantVm.Scheduling.Model;

/// <summary>
/// The snapshot's JSON form (what <c>giantvmctl plan</c> reads and the coordinator's snapshot verb
/// prints): camelCase, only <c>id</c>/<c>stealRatio</c> (nodes) and <c>pid</c>/<c>node</c> (tasks)
/// required, unknown fields are errors.
/// <code>{"time":"2026-01-01T00:00:00Z","nodes":[{"id":0,"stealRatio":0.02,...}],"tasks":[{"pid":100,"node":1,...}]}</code>
/// </summary>
public static class SnapshotJson
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        PropertyNameCaseInsensitive = false,
        AllowTrailingCommas = false,
        ReadCommentHandling = JsonCommentHandling.Disallow,
        NumberHandling = JsonNumberHandling.Strict,
        RespectNullableAnnotations = true,
    };

    /// <summary>One snapshot document (it may span several lines).</summary>
    public static Snapshot Parse(string json, string source)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(source);
        return ParseAt(json, source, lineOffset: 0);
    }

    /// <summary>One line of JSON, no whitespace between tokens, nulls and defaults left out (drained is always written).</summary>
    public static string Serialize(Snapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var dto = new SnapshotDto
        {
            Time = snapshot.Time,
            Nodes = snapshot.Nodes.Select(n => (NodeDto?)new NodeDto
            {
                Id = n.Id,
                StealRatio = n.StealRatio,
                HostStealRatio = n.HostStealRatio,
                HostLcBusyCores = n.HostLcBusyCores,
                HostLcDemandCores = n.HostLcDemandCores,
                HostCapacityCores = n.HostCapacityCores,
                Cpus = n.Cpus,
                MemTotalBytes = n.MemTotalBytes,
                MemFreeBytes = n.MemFreeBytes,
                AgeSeconds = n.AgeSeconds,
                Drained = n.Drained,
            }).ToList(),
            Tasks = snapshot.Tasks.Select(t => (TaskDto?)new TaskDto
            {
                Pid = t.Pid,
                StartTime = t.StartTime,
                Comm = t.Comm,
                Node = t.Node,
                RssBytes = t.RssBytes,
                CpuCores = t.CpuCores,
            }).ToList(),
        };
        return JsonSerializer.Serialize(dto, Options);
    }

    /// <summary>
    /// A series: either one snapshot document (possibly multi-line) or JSON Lines (one snapshot per
    /// non-blank line). Errors name the line of the snapshot in the file.
    /// </summary>
    public static IReadOnlyList<Snapshot> ReadSeries(string text, string source)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(source);
        var lines = text.Split('\n');
        var firstIndex = Array.FindIndex(lines, l => l.Trim().Length > 0);
        if (firstIndex < 0)
        {
            throw new SnapshotFormatException(source, 1, null, "holds no snapshot (empty file)");
        }

        if (!IsCompleteJson(lines[firstIndex]))
        {
            return [ParseAt(text, source, 0)];
        }

        var series = new List<Snapshot>();
        for (var i = firstIndex; i < lines.Length; i++)
        {
            if (lines[i].Trim().Length > 0)
            {
                series.Add(ParseAt(lines[i], source, i));
            }
        }

        return series;
    }

    private static bool IsCompleteJson(string line)
    {
        try
        {
            using var _ = JsonDocument.Parse(line);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static Snapshot ParseAt(string json, string source, int lineOffset)
    {
        SnapshotDto? dto;
        try
        {
            dto = JsonSerializer.Deserialize<SnapshotDto>(json, Options);
        }
        catch (JsonException e)
        {
            var line = lineOffset + (int)(e.LineNumber ?? 0) + 1;
            var field = string.IsNullOrEmpty(e.Path) || e.Path == "$" ? null : e.Path.TrimStart('$', '.');
            throw new SnapshotFormatException(source, line, field, Explain(e), e);
        }

        if (dto is null)
        {
            throw new SnapshotFormatException(source, lineOffset + 1, null, "is null, expected a snapshot object");
        }

        return ToSnapshot(dto, source, lineOffset + 1);
    }

    private static string Explain(JsonException e)
    {
        var message = e.Message;
        // System.Text.Json appends " Path: $.x | LineNumber: 0 | BytePositionInLine: 5."; we print our own.
        var cut = message.IndexOf(" Path: ", StringComparison.Ordinal);
        if (cut > 0)
        {
            message = message[..cut];
        }

        if (message.Contains("could not be mapped", StringComparison.Ordinal))
        {
            return "unknown field " + message[(message.IndexOf('\'', StringComparison.Ordinal))..].Split(' ')[0];
        }

        if (message.Contains("missing required properties", StringComparison.Ordinal))
        {
            var at = message.IndexOf("including: ", StringComparison.Ordinal);
            return "missing required field " + (at >= 0 ? message[(at + "including: ".Length)..].TrimEnd('.') : "");
        }

        if (message.StartsWith("The JSON value could not be converted to ", StringComparison.Ordinal))
        {
            var type = message["The JSON value could not be converted to ".Length..].TrimEnd('.');
            return "wrong type, expected " + FriendlyType(type);
        }

        return "not valid JSON: " + message.TrimEnd('.');
    }

    private static string FriendlyType(string clrType) => clrType switch
    {
        var t when t.Contains("Int32", StringComparison.Ordinal) => "an integer",
        var t when t.Contains("Int64", StringComparison.Ordinal) || t.Contains("UInt64", StringComparison.Ordinal) => "an integer",
        var t when t.Contains("Double", StringComparison.Ordinal) => "a number",
        var t when t.Contains("Boolean", StringComparison.Ordinal) => "true or false",
        var t when t.Contains("DateTimeOffset", StringComparison.Ordinal) => "an ISO 8601 time like 2026-01-01T00:00:00Z",
        var t when t.Contains("String", StringComparison.Ordinal) => "a string",
        var t when t.Contains("List", StringComparison.Ordinal) => "a list",
        _ => "an object",
    };

    private static Snapshot ToSnapshot(SnapshotDto dto, string source, int line)
    {
        var nodes = new List<NodeSnapshot>();
        var ids = new HashSet<int>();
        for (var i = 0; i < (dto.Nodes?.Count ?? 0); i++)
        {
            var n = dto.Nodes![i] ?? throw new SnapshotFormatException(source, line, $"nodes[{i}]", "is null");
            string F(string field) => $"nodes[{i}].{field}";
            if (!ids.Add(n.Id))
            {
                throw new SnapshotFormatException(source, line, F("id"), $"node {n.Id} appears twice");
            }

            Check(n.Id >= 0, F("id"), "must be >= 0", n.Id);
            Ratio(n.StealRatio, F("stealRatio"));
            if (n.HostStealRatio is { } hs)
            {
                Ratio(hs, F("hostStealRatio"));
            }

            Check(n.HostLcBusyCores is null or >= 0, F("hostLcBusyCores"), "must be >= 0", n.HostLcBusyCores);
            Check(n.HostLcDemandCores is null or >= 0, F("hostLcDemandCores"), "must be >= 0", n.HostLcDemandCores);
            Check(n.HostCapacityCores is null or > 0, F("hostCapacityCores"), "must be > 0", n.HostCapacityCores);
            Check(n.MemTotalBytes is null or >= 0, F("memTotalBytes"), "must be >= 0", n.MemTotalBytes);
            Check(n.MemFreeBytes is null or >= 0, F("memFreeBytes"), "must be >= 0", n.MemFreeBytes);
            Check(n.AgeSeconds is null or >= 0, F("ageSeconds"), "must be >= 0", n.AgeSeconds);
            nodes.Add(new NodeSnapshot(n.Id, n.StealRatio)
            {
                HostStealRatio = n.HostStealRatio,
                HostLcBusyCores = n.HostLcBusyCores,
                HostLcDemandCores = n.HostLcDemandCores,
                HostCapacityCores = n.HostCapacityCores,
                Cpus = n.Cpus,
                MemTotalBytes = n.MemTotalBytes,
                MemFreeBytes = n.MemFreeBytes,
                AgeSeconds = n.AgeSeconds,
                Drained = n.Drained ?? false,
            });
        }

        var tasks = new List<TaskSnapshot>();
        var pids = new HashSet<int>();
        for (var i = 0; i < (dto.Tasks?.Count ?? 0); i++)
        {
            var t = dto.Tasks![i] ?? throw new SnapshotFormatException(source, line, $"tasks[{i}]", "is null");
            string F(string field) => $"tasks[{i}].{field}";
            Check(t.Pid > 0, F("pid"), "must be > 0", t.Pid);
            Check(pids.Add(t.Pid), F("pid"), "appears twice", t.Pid);
            Check(t.Node >= 0, F("node"), "must be >= 0", t.Node);
            Check(t.RssBytes is null or >= 0, F("rssBytes"), "must be >= 0", t.RssBytes);
            Check(t.CpuCores is null or >= 0, F("cpuCores"), "must be >= 0", t.CpuCores);
            tasks.Add(new TaskSnapshot(t.Pid, t.Node)
            {
                StartTime = t.StartTime,
                Comm = t.Comm,
                RssBytes = t.RssBytes,
                CpuCores = t.CpuCores,
            });
        }

        return new Snapshot(dto.Time, nodes, tasks);

        void Ratio(double value, string field) =>
            Check(value is >= 0 and <= 1, field, "must be a ratio between 0 and 1", value);

        void Check(bool ok, string field, string rule, object? value)
        {
            if (!ok)
            {
                throw new SnapshotFormatException(source, line, field,
                    $"{rule} (got {Convert.ToString(value, CultureInfo.InvariantCulture)})");
            }
        }
    }

    private sealed class SnapshotDto
    {
        public DateTimeOffset? Time { get; set; }

        public List<NodeDto?>? Nodes { get; set; }

        public List<TaskDto?>? Tasks { get; set; }
    }

    private sealed class NodeDto
    {
        [JsonRequired]
        public int Id { get; set; }

        [JsonRequired]
        public double StealRatio { get; set; }

        public double? HostStealRatio { get; set; }

        public double? HostLcBusyCores { get; set; }

        public double? HostLcDemandCores { get; set; }

        public double? HostCapacityCores { get; set; }

        public string? Cpus { get; set; }

        public long? MemTotalBytes { get; set; }

        public long? MemFreeBytes { get; set; }

        public double? AgeSeconds { get; set; }

        [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
        public bool? Drained { get; set; }
    }

    private sealed class TaskDto
    {
        [JsonRequired]
        public int Pid { get; set; }

        public ulong? StartTime { get; set; }

        public string? Comm { get; set; }

        [JsonRequired]
        public int Node { get; set; }

        public long? RssBytes { get; set; }

        public double? CpuCores { get; set; }
    }
}
