using System.Text;
using GiantVm.Coordinator.Rebalancing;
using GiantVm.Scheduling.Model;

namespace GiantVm.Coordinator.Hosting;

/// <summary>
/// The agents' reports between members (<see cref="GuestReportReceived"/>,
/// <see cref="HostReportReceived"/>) in a compact binary form instead of
/// <see cref="MemberMessageFormat"/>'s JSON: they are nearly every message a member sends (each
/// report of an agent whose instance's rebalancer runs on another member), and JSON with
/// constructor parameters costs several times the CPU. Little-endian <see cref="BinaryWriter"/>
/// fields in declaration order, a nullable as a presence byte and the value, a time as UTC ticks
/// and offset minutes, after a format byte. Not stored: members of one cluster run one version.
/// Every field is carried (AkkaSerializationTests round-trips fully set reports and fails when
/// a record gains a property this format does not know).
/// </summary>
internal static class ReportWireFormat
{
    private const byte Version = 1;

    public static bool Handles(Type type) => type == typeof(GuestReportReceived) || type == typeof(HostReportReceived);

    public static byte[] ToBytes(object message)
    {
        using var buffer = new MemoryStream(256);
        using (var w = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            w.Write(Version);
            switch (message)
            {
                case GuestReportReceived g:
                    Write(w, g);
                    break;
                case HostReportReceived h:
                    Write(w, h);
                    break;
                default:
                    throw new ArgumentException($"no report wire format for {message.GetType().Name}", nameof(message));
            }
        }

        return buffer.ToArray();
    }

    /// <summary>Reads a report back; <see cref="FormatException"/> for bytes that are not one.</summary>
    public static object FromBytes(byte[] bytes, Type type)
    {
        try
        {
            using var r = new BinaryReader(new MemoryStream(bytes, writable: false), Encoding.UTF8);
            if (r.ReadByte() != Version)
            {
                throw new FormatException($"a {type.Name} message has an unknown format byte {bytes[0]}");
            }

            object message = type == typeof(GuestReportReceived) ? ReadGuest(r)
                : type == typeof(HostReportReceived) ? ReadHost(r)
                : throw new ArgumentException($"no report wire format for {type.Name}", nameof(type));
            if (r.BaseStream.Position != bytes.Length)
            {
                throw new FormatException($"a {type.Name} message has {bytes.Length - r.BaseStream.Position} bytes after its end");
            }

            return message;
        }
        catch (EndOfStreamException e)
        {
            throw new FormatException($"a {type.Name} message ends early", e);
        }
    }

    private static void Write(BinaryWriter w, GuestReportReceived message)
    {
        var report = message.Report;
        WriteTime(w, report.SampleTime);
        w.Write(report.Nodes.Count);
        foreach (var n in report.Nodes)
        {
            w.Write(n.Id);
            w.Write(n.Cpus);
            w.Write(n.StealRatio);
            w.Write(n.BusyRatio);
            WriteOptional(w, n.MemTotalBytes);
            WriteOptional(w, n.MemFreeBytes);
        }

        w.Write(report.Tasks.Count);
        foreach (var t in report.Tasks)
        {
            w.Write(t.Pid);
            w.Write(t.Node);
            WriteOptional(w, t.StartTime);
            WriteOptional(w, t.Comm);
            WriteOptional(w, t.RssBytes);
            WriteOptional(w, t.CpuCores);
        }

        WriteTime(w, message.ReceivedAt);
    }

    private static GuestReportReceived ReadGuest(BinaryReader r)
    {
        var sampleTime = ReadTime(r);
        var nodes = new GuestNodeData[ReadCount(r)];
        for (var i = 0; i < nodes.Length; i++)
        {
            nodes[i] = new GuestNodeData(r.ReadInt32(), r.ReadString(), r.ReadDouble(), r.ReadDouble(), ReadOptionalInt64(r), ReadOptionalInt64(r));
        }

        var tasks = new TaskSnapshot[ReadCount(r)];
        for (var i = 0; i < tasks.Length; i++)
        {
            tasks[i] = new TaskSnapshot(r.ReadInt32(), r.ReadInt32())
            {
                StartTime = r.ReadBoolean() ? r.ReadUInt64() : null,
                Comm = r.ReadBoolean() ? r.ReadString() : null,
                RssBytes = ReadOptionalInt64(r),
                CpuCores = ReadOptionalDouble(r),
            };
        }

        return new GuestReportReceived(new GuestReportData(sampleTime, nodes, tasks), ReadTime(r));
    }

    private static void Write(BinaryWriter w, HostReportReceived message)
    {
        var report = message.Report;
        w.Write(report.NodeId);
        WriteTime(w, report.SampleTime);
        WriteOptional(w, report.CapacityCores);
        w.Write(report.BusyCores);
        WriteOptional(w, report.LcBusyCores);
        WriteOptional(w, report.VcpuStealRatio);
        WriteOptional(w, report.LcDemandCores);
        WriteTime(w, message.ReceivedAt);
    }

    private static HostReportReceived ReadHost(BinaryReader r)
    {
        var report = new HostReportData(r.ReadInt32(), ReadTime(r), ReadOptionalDouble(r), r.ReadDouble(), ReadOptionalDouble(r), ReadOptionalDouble(r))
        {
            LcDemandCores = ReadOptionalDouble(r),
        };
        return new HostReportReceived(report, ReadTime(r));
    }

    private static int ReadCount(BinaryReader r)
    {
        var count = r.ReadInt32();
        // Each entry takes at least 8 bytes: a count beyond what is left is not a report.
        return count >= 0 && count <= (r.BaseStream.Length - r.BaseStream.Position) / 8
            ? count
            : throw new FormatException($"a list of {count} entries does not fit in the message");
    }

    private static void WriteTime(BinaryWriter w, DateTimeOffset time)
    {
        w.Write(time.UtcTicks);
        w.Write((short)time.TotalOffsetMinutes);
    }

    private static DateTimeOffset ReadTime(BinaryReader r)
    {
        var ticks = r.ReadInt64();
        var offset = TimeSpan.FromMinutes(r.ReadInt16());
        try
        {
            return new DateTimeOffset(ticks + offset.Ticks, offset);
        }
        catch (ArgumentException e)
        {
            throw new FormatException("a time out of range", e);
        }
    }

    private static void WriteOptional(BinaryWriter w, long? value)
    {
        w.Write(value.HasValue);
        if (value is { } v)
        {
            w.Write(v);
        }
    }

    private static void WriteOptional(BinaryWriter w, ulong? value)
    {
        w.Write(value.HasValue);
        if (value is { } v)
        {
            w.Write(v);
        }
    }

    private static void WriteOptional(BinaryWriter w, double? value)
    {
        w.Write(value.HasValue);
        if (value is { } v)
        {
            w.Write(v);
        }
    }

    private static void WriteOptional(BinaryWriter w, string? value)
    {
        w.Write(value is not null);
        if (value is not null)
        {
            w.Write(value);
        }
    }

    private static long? ReadOptionalInt64(BinaryReader r) => r.ReadBoolean() ? r.ReadInt64() : null;

    private static double? ReadOptionalDouble(BinaryReader r) => r.ReadBoolean() ? r.ReadDouble() : null;
}
