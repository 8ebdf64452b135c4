using System.Text;
using GiantVm.Contracts.V1;
using GiantVm.Coordinator.Agents;
using GiantVm.Ctl.Cli;
using GiantVm.Ctl.Live;
using GiantVm.Linux;
using GiantVm.Scheduling.Journal;
using GiantVm.Scheduling.Model;
using GiantVm.Scheduling.Policies;
using GiantVm.Simulator.Emulation;
using GiantVm.Simulator.Trace;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using JournalRecord = GiantVm.Scheduling.Journal.JournalRecord;

namespace GiantVm.Fuzz;

/// <summary>Every parser or decoder that takes bytes from outside, as a fuzz target.</summary>
public static class Targets
{
    private static readonly DateTimeOffset Now = new(2026, 12, 3, 8, 0, 0, TimeSpan.Zero);

    public static IReadOnlyList<FuzzTarget> All { get; } =
    [
        Proc("proc-pid-stat", ["proc/8932/stat", "proc/8935/stat", "proc/8932/task/8932/stat"], t => PidStat.Parse(t)),
        Proc("proc-pid-status", ["proc/8932/status", "proc/8935/status"], t => PidStatus.Parse(t)),
        Proc("proc-stat", ["proc/stat"], t => ProcStat.Parse(t)),
        Proc("proc-meminfo", ["proc/meminfo", "sys/devices/system/node/node0/meminfo"], t => MemInfo.Parse(t)),
        Proc("proc-numa-maps", ["proc/8932/numa_maps", "proc/8935/numa_maps"], t => NumaMaps.Parse(t)),
        Proc("proc-loadavg", ["proc/loadavg"], t => LoadAvg.Parse(t)),
        Proc("proc-uptime", ["proc/uptime"], t => Uptime.Parse(t)),
        Proc("proc-schedstat", ["proc/8932/task/8932/schedstat"], t => TaskSchedStat.Parse(t)),
        Proc("sys-cpu-list", ["sys/devices/system/node/node0/cpulist", "sys/devices/system/node/online", "sys/devices/system/node/possible"], t => ListFormat.Parse(t)),
        Proc("sys-single-value", ["proc/sys/kernel/numa_balancing", "sys/fs/cgroup/cpuacct/cpuacct.usage"], t => SingleValue.ParseInt64(t, "value")),
        Proc("cgroup-cpu-stat", ["sys/fs/cgroup/unified/cpu.stat"], t => CgroupCpuStat.Parse(t)),
        Proc("cgroup-procs", ["sys/fs/cgroup/unified/cgroup.procs", "be.pids"], t => PidList.Parse(t)),
        new("policy-yaml", "PolicyLoadResult with errors (file:line:column)", () => Files("seeds/policies", "*.yaml"),
            input => PolicyLoader.Load(Utf8(input), "policy.yaml")),
        new("scenario-yaml", "ScenarioException (file:line: field)", () => Files("seeds/scenarios", "*.yaml"),
            input => Expect<ScenarioException>(() => ScenarioLoader.Load(Utf8(input), "scenario.yaml"))),
        new("snapshot-json", "SnapshotFormatException (source:line: field)", () => [Encoding.UTF8.GetBytes(SnapshotSeed), Encoding.UTF8.GetBytes(SnapshotSeed + "\n" + SnapshotSeed)],
            input => Expect<SnapshotFormatException>(() => SnapshotJson.ReadSeries(Utf8(input), "snap.json"))),
        new("journal-jsonl", "JournalFormatException (file:line: field)", () => [Encoding.UTF8.GetBytes(JournalSeed)],
            input => Expect<JournalFormatException>(() => JournalJson.ReadLines(Utf8(input), "migrations.jsonl"))),
        new("stored-event", "JsonException (bad bytes) or ArgumentException (unknown manifest)", StoredEventSeeds, StoredEventTarget),
        new("ctl-journal-file", "CtlException (input error naming file and line)", () => [Encoding.UTF8.GetBytes(JournalSeed)], CtlJournalFileTarget),
        new("trace-machine-events", "TraceFormatException (file:line: column)", () => [Encoding.ASCII.GetBytes(MachineEventsSeed)],
            input => TraceFile(input, path => MachineTable.Read([path], 10))),
        new("trace-task-events", "TraceFormatException (file:line: column)", () => [Encoding.ASCII.GetBytes(TaskEventsSeed)],
            input => TraceFile(input, path => TaskClassTable.Read([path]))),
        new("agent-message", "InvalidProtocolBufferException from the gRPC decoder, else a Rejection (never an exception) from the validator",
            () => AgentMessageSeeds().Select(m => m.ToByteArray()).ToList(), AgentMessageTarget),
    ];

    public static FuzzTarget Get(string name) =>
        All.FirstOrDefault(t => t.Name == name) ?? throw new ArgumentException($"no fuzz target '{name}' (targets: {string.Join(", ", All.Select(t => t.Name))})");

    private static string Utf8(byte[] input) => Encoding.UTF8.GetString(input);

    /// <summary>A /proc, /sys or cgroup parser: text as the agent reads it (Latin-1, one char per byte), ProcParseException for bad input.</summary>
    private static FuzzTarget Proc(string name, string[] fixtures, Action<string> parse) =>
        new(name, "ProcParseException (path:line: problem)",
            () => fixtures.SelectMany(f => new[] { "a", "b" }.Select(capture => Path.Combine(AppContext.BaseDirectory, "seeds", "linux", capture, f)))
                .Where(File.Exists).Select(File.ReadAllBytes).ToList(),
            input => Expect<ProcParseException>(() => parse(Encoding.Latin1.GetString(input))));

    private static List<byte[]> Files(string folder, string pattern) =>
        [.. Directory.EnumerateFiles(Path.Combine(AppContext.BaseDirectory, folder), pattern).Order(StringComparer.Ordinal).Select(File.ReadAllBytes)];

    /// <summary>Runs <paramref name="parse"/>; the documented exception is an outcome, anything else escapes.</summary>
    private static void Expect<TDocumented>(Action parse)
        where TDocumented : Exception
    {
        try
        {
            parse();
        }
        catch (TDocumented)
        {
            // the documented error for bad input
        }
    }

    /// <summary>An event as the store holds it: its manifest, a tab, its bytes (what the journal's manifest and message columns hold).</summary>
    private static void StoredEventTarget(byte[] input)
    {
        var tab = Array.IndexOf(input, (byte)'\t');
        var manifest = tab < 0 ? "" : Encoding.UTF8.GetString(input, 0, tab);
        var payload = tab < 0 ? input : input[(tab + 1)..];
        try
        {
            GiantVm.Coordinator.Persistence.RebalancerEventFormat.FromBytes(payload, manifest);
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or ArgumentException)
        {
            // the documented errors for bytes that are not a stored event
        }
    }

    private static List<byte[]> StoredEventSeeds()
    {
        static byte[] Stored(object value) =>
            [.. Encoding.UTF8.GetBytes(GiantVm.Coordinator.Persistence.RebalancerEventFormat.ManifestOf(value) + "\t"), .. GiantVm.Coordinator.Persistence.RebalancerEventFormat.ToBytes(value)];
        var record = JournalJson.ReadLines(JournalSeed, "seed")[0];
        return
        [
            Stored(new GiantVm.Coordinator.Rebalancing.Bookkeeping.Decided(record, Now, HoldsCooldown: true)),
            Stored(new GiantVm.Coordinator.Rebalancing.Bookkeeping.NodeDrained(Now, "m", 1, Evacuate: true) { Actor = "spiffe://giantvm/operator/alice" }),
            Stored(new GiantVm.Coordinator.Rebalancing.Bookkeeping.RebalancingPaused(Now, "m", "maintenance")),
        ];
    }

    private static void WithTempFile(byte[] input, string name, Action<string> use)
    {
        var dir = Directory.CreateTempSubdirectory("giantvm-fuzz-");
        try
        {
            var path = Path.Combine(dir.FullName, name);
            File.WriteAllBytes(path, input);
            use(path);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private static void TraceFile(byte[] input, Action<string> read) =>
        WithTempFile(input, "part-00000-of-00001.csv", path => Expect<TraceFormatException>(() => read(path)));

    private static void CtlJournalFileTarget(byte[] input) =>
        WithTempFile(input, "migrations.jsonl", path => Expect<CtlException>(() => JournalFiles.Read(path)));

    /// <summary>Decodes as the gRPC layer does, then validates as the coordinator does: the validator must never throw.</summary>
    private static void AgentMessageTarget(byte[] input)
    {
        AgentMessage message;
        try
        {
            message = AgentMessage.Parser.ParseFrom(input);
        }
        catch (InvalidProtocolBufferException)
        {
            return; // the stream ends with the decoder's error
        }

        ValidateEveryWay(message);
    }

    /// <summary>The validator on one message as hello and as a follow-up of each identity; throws only on a finding.</summary>
    public static void ValidateEveryWay(AgentMessage message)
    {
        AgentMessageValidator.ValidateHello(message, 1023, null);
        AgentMessageValidator.ValidateHello(message, 64, new HashSet<int> { 0, 1 });
        foreach (var identity in new[] { new AgentIdentity(AgentRole.Guest, 0, "giantvm"), new AgentIdentity(AgentRole.Host, 1, "giantvm") })
        {
            AgentMessageValidator.ValidateFollowUp(message, identity, null, 1023, Now, TimeSpan.FromMinutes(5), 100);
            AgentMessageValidator.ValidateFollowUp(message, identity, new HashSet<int> { 0, 1 }, 64, Now, TimeSpan.FromMinutes(5));
        }
    }

    public static IEnumerable<AgentMessage> AgentMessageSeeds()
    {
        var time = Timestamp.FromDateTimeOffset(Now);
        yield return new AgentMessage
        {
            Sequence = 1,
            Hello = new Hello
            {
                Role = AgentRole.Guest, Vm = "giantvm", ProtocolVersion = 1, AgentVersion = "1.0", Hostname = "guest", Executor = "numactl",
                Topology = new Topology { Nodes = { new NodeTopology { NodeId = 0, Cpus = "0-3" }, new NodeTopology { NodeId = 1, Cpus = "4-7" } } },
            },
        };
        yield return new AgentMessage { Sequence = 2, Hello = new Hello { Role = AgentRole.Host, NodeId = 1, Vm = "giantvm", ProtocolVersion = 1, Hostname = "host1" } };
        yield return new AgentMessage
        {
            Sequence = 3,
            GuestReport = new GuestReport
            {
                Vm = "giantvm", SampleTime = time, IntervalSeconds = 1, NumaBalancing = 0,
                Nodes =
                {
                    new GuestNodeSample { NodeId = 0, Cpus = "0-3", StealRatio = 0.2, BusyRatio = 0.5, MemTotalBytes = 8L << 30, MemFreeBytes = 4L << 30 },
                    new GuestNodeSample { NodeId = 1, Cpus = "4-7", StealRatio = 0.01, BusyRatio = 0.1, MemTotalBytes = 8L << 30, MemFreeBytes = 6L << 30 },
                },
                Tasks =
                {
                    new BeTask { Pid = 4242, StartTimeTicks = 99, Comm = "stress", NodeId = 0, RssBytes = 1 << 20, CpuCores = 1, CpusAllowed = "0-7", PagesPerNode = { new NodePages { NodeId = 0, Pages = 256 } } },
                },
            },
        };
        yield return new AgentMessage
        {
            Sequence = 4,
            HostReport = new HostReport { Vm = "giantvm", NodeId = 1, SampleTime = time, IntervalSeconds = 1, CpuCount = 8, CapacityCores = 8, BusyCores = 3, LcBusyCores = 2, VcpuStealRatio = 0.1 },
        };
        yield return new AgentMessage
        {
            Sequence = 5,
            MigrationResult = new MigrationResult
            {
                CommandId = "c-1", MigrationId = "m-1", Vm = "giantvm", Pid = 4242, Status = MigrationStatus.Done, PagesMoved = 256, DurationMs = 12,
                AffinityBefore = "0-3", AffinityAfter = "4-7", FinishedAt = time, PagesBefore = { new NodePages { NodeId = 0, Pages = 256 } },
            },
        };
    }

    private const string SnapshotSeed = """{"time":"2026-01-01T00:00:00Z","nodes":[{"id":0,"stealRatio":0.02,"hostStealRatio":0.02,"hostLcBusyCores":3.5,"hostCapacityCores":16,"cpus":"0-3","memTotalBytes":8589934592,"memFreeBytes":4294967296,"ageSeconds":1.0,"drained":false},{"id":1,"stealRatio":0.3}],"tasks":[{"pid":100,"startTime":5000,"comm":"be-1","node":1,"rssBytes":104857600,"cpuCores":1.0}]}""";

    private static string JournalSeed => JournalJson.WriteLines(
    [
        new JournalRecord { Id = "r1", Kind = JournalKinds.Decision, MigrationId = "m-1", CommandId = "c-1", Time = Now, Status = MigrationStatuses.Pending, Pid = 4242, StartTime = 99, Seq = 1 },
        new JournalRecord { Id = "r2", Kind = JournalKinds.Result, MigrationId = "m-1", CommandId = "c-1", Time = Now.AddSeconds(1), Status = MigrationStatuses.Done, Pid = 4242, PagesMoved = 256, Seq = 2 },
    ]);


    private const string MachineEventsSeed = "0,1,0,platform,0.5,0.5\n0,2,0,platform,1,1\n100,1,1,,,\n";

    private const string TaskEventsSeed = "0,,100,0,,1,user,2,0,0.1,0.1,0,0\n0,,100,1,,1,user,0,0,0.1,0.1,0,0\n10,,100,0,,4,user,2,0,0.1,0.1,0,0\n";
}
