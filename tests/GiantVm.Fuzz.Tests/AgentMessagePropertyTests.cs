using FsCheck;
using FsCheck.Fluent;
using GiantVm.Contracts.V1;
using Google.Protobuf.WellKnownTypes;

namespace GiantVm.Fuzz.Tests;

/// <summary>
/// The agent message validator over FsCheck-generated messages: every field drawn from hostile
/// values (huge and negative numbers, NaN, long and odd strings, duplicate ids, bad timestamps).
/// It must answer null or a Rejection, never throw.
/// </summary>
public sealed class AgentMessagePropertyTests
{
    private static readonly Gen<string> Strings = Gen.OneOf(
        Gen.Elements("", "giantvm", "0-3", "é", "\0", "0-4294967295", "stress"),
        ArbMap.Default.GeneratorFor<string>().Select(s => s ?? ""),
        Gen.Choose(0, 70_000).Select(n => new string('x', n)));

    private static readonly Gen<double> Doubles = Gen.OneOf(
        Gen.Elements(double.NaN, double.PositiveInfinity, double.NegativeInfinity, -1.0, 0.0, 0.5, 1.0, 1e308, double.Epsilon),
        ArbMap.Default.GeneratorFor<double>());

    private static readonly Gen<uint> UInts = Gen.OneOf(Gen.Elements(0u, 1u, 63u, 64u, 1023u, 1024u, uint.MaxValue), ArbMap.Default.GeneratorFor<uint>());

    private static readonly Gen<int> Ints = Gen.OneOf(Gen.Elements(int.MinValue, -1, 0, 1, 2, 4242, int.MaxValue), ArbMap.Default.GeneratorFor<int>());

    private static readonly Gen<Timestamp?> Times = Gen.OneOf(
        Gen.Constant<Timestamp?>(null),
        Gen.Elements<Timestamp?>(new Timestamp { Seconds = long.MaxValue }, new Timestamp { Seconds = -62135596801 }, new Timestamp { Seconds = 0, Nanos = -1 },
            Timestamp.FromDateTimeOffset(new DateTimeOffset(2026, 12, 3, 8, 0, 0, TimeSpan.Zero))),
        ArbMap.Default.GeneratorFor<long>().Select(s => (Timestamp?)new Timestamp { Seconds = s }));

    private static readonly Gen<NodePages> Pages =
        from node in UInts from pages in ArbMap.Default.GeneratorFor<ulong>() select new NodePages { NodeId = node, Pages = pages };

    private static readonly Gen<BeTask> Tasks =
        from pid in Ints
        from start in ArbMap.Default.GeneratorFor<ulong>()
        from comm in Strings
        from node in UInts
        from cores in Doubles
        from cpus in Strings
        from pages in Pages.ListOf(3)
        select new BeTask { Pid = pid, StartTimeTicks = start, Comm = comm, NodeId = node, CpuCores = cores, CpusAllowed = cpus, PagesPerNode = { pages } };

    private static readonly Gen<GuestNodeSample> Nodes =
        from id in UInts
        from cpus in Strings
        from steal in Doubles
        from busy in Doubles
        from total in ArbMap.Default.GeneratorFor<ulong>()
        from free in ArbMap.Default.GeneratorFor<ulong>()
        select new GuestNodeSample { NodeId = id, Cpus = cpus, StealRatio = steal, BusyRatio = busy, MemTotalBytes = total, MemFreeBytes = free };

    private static readonly Gen<AgentMessage> Messages = Gen.OneOf(
        from role in Gen.Elements(AgentRole.Unspecified, AgentRole.Host, AgentRole.Guest, (AgentRole)77)
        from node in UInts
        from vm in Strings
        from version in UInts
        from host in Strings
        from topology in Nodes.Select(n => new NodeTopology { NodeId = n.NodeId, Cpus = n.Cpus }).ListOf(4)
        select new AgentMessage { Hello = new Hello { Role = role, NodeId = node, Vm = vm, ProtocolVersion = version, Hostname = host, AgentVersion = host, Topology = new Topology { Nodes = { topology } } } },
        from vm in Strings
        from time in Times
        from interval in Doubles
        from nodes in Nodes.ListOf(4)
        from tasks in Tasks.ListOf(6)
        select new AgentMessage { GuestReport = new GuestReport { Vm = vm, SampleTime = time, IntervalSeconds = interval, Nodes = { nodes }, Tasks = { tasks } } },
        from node in UInts
        from time in Times
        from busy in Doubles
        from lc in Doubles
        from steal in Doubles
        select new AgentMessage { HostReport = new HostReport { Vm = "giantvm", NodeId = node, SampleTime = time, CapacityCores = busy, BusyCores = busy, LcBusyCores = lc, VcpuStealRatio = steal } },
        from id in Strings
        from status in Gen.Elements(MigrationStatus.Unspecified, MigrationStatus.Done, MigrationStatus.Pending, (MigrationStatus)99)
        from duration in Doubles
        from time in Times
        from text in Strings
        select new AgentMessage { MigrationResult = new MigrationResult { CommandId = id, MigrationId = id, Vm = "giantvm", Status = status, DurationMs = duration, FinishedAt = time, Error = text, AffinityAfter = text } },
        Gen.Constant(new AgentMessage()));

    [Fact]
    public void Validator_OnGeneratedMessages_NeverThrows() =>
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(2000).WithReplay(20261203, 1), Prop.ForAll(Messages.ToArbitrary(), message =>
        {
            GiantVm.Fuzz.Targets.ValidateEveryWay(message);
            return true;
        }));
}
