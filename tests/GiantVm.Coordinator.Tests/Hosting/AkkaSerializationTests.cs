using System.Collections.Immutable;
using System.Runtime.Serialization;
using System.Text.RegularExpressions;
using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using GiantVm.Contracts.V1;
using GiantVm.Coordinator.Agents;
using GiantVm.Coordinator.Hosting;
using GiantVm.Coordinator.Persistence;
using GiantVm.Coordinator.Policies;
using GiantVm.Coordinator.Rebalancing;
using GiantVm.Coordinator.Tests.Persistence;
using GiantVm.Scheduling.Engine;
using GiantVm.Scheduling.Model;
using GiantVm.Scheduling.Policies;
using static GiantVm.Coordinator.Tests.Rebalancing.Bookkeeping.BookkeepingFixture;

namespace GiantVm.Coordinator.Tests.Hosting;

/// <summary>
/// Every message that travels between members has its own serializer (<see cref="MemberMessageSerializer"/>),
/// survives it, and a type without one fails instead of falling back to Akka's default JSON.
/// </summary>
public sealed partial class AkkaSerializationTests : Akka.Hosting.TestKit.TestKit
{
    // with remoting, as in the coordinator: Akka.Remote binds its own messages (Status.Failure among them)
    protected override void ConfigureAkka(AkkaConfigurationBuilder builder, IServiceProvider provider) =>
        Akka.Remote.Hosting.AkkaRemoteHostingExtensions.WithRemoting(builder.AddMemberMessages(), new Akka.Remote.Hosting.RemoteOptions { HostName = "127.0.0.1", Port = 0 });

    /// <summary>One instance of every type in <see cref="MemberMessageFormat.Types"/> (a new message type needs one here too).</summary>
    private static IReadOnlyList<object> Samples()
    {
        var policy = ShippedPolicies.Load("demo").Policy!;
        var inForce = new PolicyInForce(policy, "name: demo\n", "demo", 3, T0);
        var decision = new ExecutedDecision(new GiantVm.Scheduling.Model.Decision(42, 9, "x", 0, 1, false, "steal 0.6 > 0.15") { RssBytes = 1 << 20, CpuCores = 1.5 }, "m-1", "c-1", "manual");
        var snapshot = new Snapshot(T0, [new NodeSnapshot(0, 0.3) { Cpus = "0-1", Drained = true, HostLcDemandCores = 2.5 }], [new TaskSnapshot(42, 0) { StartTime = 9, Comm = "x" }]);
        var state = DecisionState.Sustained(snapshot, policy).WithMove(42, 9, 1, 0, T0) with
        {
            Round = 7, Time = T0, RandomState = 12345,
            Sightings = ImmutableDictionary<int, TaskSighting>.Empty.Add(42, new TaskSighting(9, T0.AddMinutes(-30))),
        };
        var nodes = new List<NodeView> { new(0, 0.3, 0.25, true, false, "drained") };
        var view = new RebalancerView(snapshot, nodes, state, inForce, true, "why", [2], T0, 1, 2, 0, "member-1", "akka.tcp://giantvm@127.0.0.1:1", false, "store down", 17);
        var book = Book();
        book.ApplyAll(StoredEvents.All);
        var recovered = new RecoveredState(book.TakeSnapshot(), 11, 11, FromSnapshot: false);
        var migrate = new MigrateCommand { CommandId = "c-1", MigrationId = "m-1", Pid = 42, ToNode = 2, Deadline = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(T0) };
        migrate.FromNodes.Add(1);
        var session = new AgentSessionInfo(new AgentIdentity(AgentRole.Guest, 0, "giantvm"), "s-1", "guest-0", "1.2.3", T0, T0.AddSeconds(1));
        return
        [
            new GuestReportReceived(HotNodeZero(T0), T0),
            new HostReportReceived(new HostReportData(1, T0, 8, 3.5, 2, 0.1) { LcDemandCores = 2.5 }, T0),
            new MigrationResultReceived(new MigrationResultData("c-1", "m-1", 42, "failed", 10, 5, 12.5, "EBUSY"), T0),
            RunRound.Instance,
            new CommandDeadlinePassed("c-1"),
            new RebalanceNow(true, "spiffe://giantvm/operator/alice"),
            new RebalanceOutcome([decision], "1 decision"),
            decision,
            new MoveTask(42, 1, false),
            new MoveOutcome(null, "pid 42 is not a BE task"),
            new PauseRebalancing("maintenance", "alice"),
            new ResumeRebalancing("alice"),
            new PauseState(true, "store down"),
            new DrainNode(1, true, "alice"),
            new UndrainNode(1),
            new DrainOutcome([1, 2], [decision], null, null),
            new AdviseQuery(1.5, null),
            new Advice(1, "lowest steal", nodes),
            new ReloadPolicy("name: x\n", "x.yaml", "admin", "alice"),
            new PolicyReloadOutcome(false, ["x.yaml:1: bad"], inForce, ["mode: balanced -> all-be"], null),
            GetPolicy.Instance,
            inForce,
            GetRebalancerView.Instance,
            view,
            new StoreRecovered(recovered),
            new RecoveryFailed("connection refused"),
            RetryRecovery.Instance,
            RecordResults.Instance,
            new DeliverToGuest("giantvm", "c-1", new CoordinatorMessage { Migrate = migrate }),
            new CommandUndeliverable("c-1", "no guest agent connected for vm giantvm"),
            new CloseSession("s-1"),
            SessionReplaced.Instance,
            GetAgents.Instance,
            new AgentsList([session, session with { LastReport = null }]),
            GetSessionInfo.Instance,
            session,
            new EventRecorded(12),
            GetRecoveredState.Instance,
            recovered,
            GetMemberInfo.Instance,
            new MemberEndpoint("member-1", "https://127.0.0.1:5000"),
        ];
    }

    private T RoundTrip<T>(T message)
        where T : notnull
    {
        var serializer = Sys.Serialization.FindSerializerFor(message);
        Assert.IsType<MemberMessageSerializer>(serializer);
        var manifest = Akka.Serialization.Serialization.ManifestFor(serializer, message);
        return (T)Sys.Serialization.Deserialize(serializer.ToBinary(message), serializer.Identifier, manifest);
    }

    [Fact]
    public void Samples_CoverEveryBoundType()
    {
        Assert.Equal(
            MemberMessageFormat.Types.Select(t => t.FullName).Order(StringComparer.Ordinal),
            Samples().Select(s => s.GetType().FullName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void EveryBoundType_RoundTripsThroughItsSerializer_ToTheSameContent()
    {
        foreach (var sample in Samples())
        {
            var back = RoundTrip(sample);

            Assert.IsType(sample.GetType(), back);
            Assert.Equal(Json(sample), Json(back));
        }
    }

    [Fact]
    public void EveryBoundType_FindsTheMemberMessageSerializer()
    {
        Assert.NotEmpty(MemberMessageFormat.Types);
        Assert.All(MemberMessageFormat.Types, t => Assert.IsType<MemberMessageSerializer>(Sys.Serialization.FindSerializerForType(t)));
    }

    [Fact]
    public void AnUnboundType_FailsInsteadOfFallingBackToJson()
    {
        var error = Assert.Throws<SerializationException>(() => Sys.Serialization.FindSerializerForType(typeof(Unbound)));

        Assert.Contains(nameof(Unbound), error.Message, StringComparison.Ordinal);
    }

    /// <summary>What the rebalancer answers an ask that failed: Akka's own serializer carries it, strict mode or not.</summary>
    [Fact]
    public void StatusFailure_WithAnException_RoundTrips()
    {
        var failure = new Status.Failure(new InvalidOperationException("the store did not persist event 3"));
        var serializer = Sys.Serialization.FindSerializerFor(failure);

        var back = (Status.Failure)Sys.Serialization.Deserialize(serializer.ToBinary(failure), serializer.Identifier, Akka.Serialization.Serialization.ManifestFor(serializer, failure));

        Assert.Equal("the store did not persist event 3", back.Cause.Message);
    }

    /// <summary>
    /// Every record declared in a messages file (each <c>Messages.cs</c> of the coordinator and
    /// MemberInfoActor.cs) is bound to the member serializer, or marked as never leaving its
    /// member (<see cref="INoSerializationVerificationNeeded"/>).
    /// </summary>
    [Fact]
    public void EveryRecordOfTheMessagesFiles_IsBound_OrMarkedLocal()
    {
        var project = Path.Combine(RepoRoot(), "coordinator", "GiantVm.Coordinator");
        var files = Directory.GetFiles(project, "Messages.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Append(Path.Combine(project, "Hosting", "MemberInfoActor.cs"))
            .ToList();
        var assembly = typeof(MemberMessageFormat).Assembly;
        var checkedTypes = new List<Type>();
        var unbound = new List<string>();
        foreach (var file in files)
        {
            var source = File.ReadAllText(file);
            var ns = NamespaceLine().Match(source).Groups[1].Value;
            foreach (var name in RecordDeclaration().Matches(source).Select(m => m.Groups[1].Value))
            {
                var type = assembly.GetType(ns + "." + name) ?? throw new InvalidOperationException($"{name} of {file} is not {ns}.{name}");
                checkedTypes.Add(type);
                if (!MemberMessageFormat.Types.Contains(type) && !typeof(INoSerializationVerificationNeeded).IsAssignableFrom(type))
                {
                    unbound.Add($"{type.FullName} ({Path.GetRelativePath(project, file)})");
                }
            }
        }

        Assert.True(files.Count >= 4 && checkedTypes.Count >= 40, $"only {checkedTypes.Count} records in {files.Count} files: the scan found too little");
        Assert.Empty(unbound);
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "GiantVm.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("GiantVm.sln not found above " + AppContext.BaseDirectory);
    }

    [Fact]
    public void RebalancerView_KeepsSnapshotStatePolicyAndMember()
    {
        var view = Samples().OfType<RebalancerView>().Single();

        var back = RoundTrip(view);

        Assert.Equal((0.3, true, 2.5), (back.Snapshot.Nodes[0].StealRatio, back.Snapshot.Nodes[0].Drained, back.Snapshot.Nodes[0].HostLcDemandCores));
        Assert.Equal(42, back.Snapshot.Tasks[0].Pid);
        Assert.NotNull(back.State.LastMoveOf(42, 9));
        Assert.Equal(view.State.Nodes.Keys, back.State.Nodes.Keys);
        Assert.Equal(view.State.Nodes[0], back.State.Nodes[0]);
        Assert.Equal((7L, (ulong?)12345), (back.State.Round, back.State.RandomState));
        Assert.Equal(TimeSpan.FromMinutes(30), back.State.AgeOf(42, 9, T0));
        Assert.Equal(view.Policy.Policy, back.Policy.Policy);
        Assert.Equal((3, "demo"), (back.Policy.Version, back.Policy.Source));
        Assert.Equal(("member-1", false, "store down", 17L), (back.Member, back.Recording, back.RecordingProblem, back.LogPosition));
        Assert.Equal([2], back.Drained);
    }

    [Fact]
    public void DeliverToGuest_KeepsItsProtobufCommand()
    {
        var deliver = Samples().OfType<DeliverToGuest>().Single();

        var back = RoundTrip(deliver);

        Assert.Equal(deliver.Message.Migrate, back.Message.Migrate);
    }

    [Fact]
    public void GuestReport_KeepsNodesTasksAndTime()
    {
        var report = Samples().OfType<GuestReportReceived>().Single();

        var back = RoundTrip(report);

        Assert.Equal((0.6, 4242, (ulong?)99, T0), (back.Report.Nodes[0].StealRatio, back.Report.Tasks[0].Pid, back.Report.Tasks[0].StartTime, back.ReceivedAt));
    }

    /// <summary>Every field of a report, as the JSON of the member messages writes it (the reports themselves travel in <see cref="ReportWireFormat"/>).</summary>
    private static string Json(object message) => System.Text.Json.JsonSerializer.Serialize(message, message.GetType(), MemberMessageJson.Default);

    public static TheoryData<string> WireReports() => ["guest, every optional set", "guest, no optional set", "host, every optional set", "host, no optional set"];

    private static object WireReport(string name)
    {
        var at = new DateTimeOffset(2026, 12, 3, 17, 30, 0, TimeSpan.FromHours(2)).AddTicks(1234567);
        return name switch
        {
            "guest, every optional set" => new GuestReportReceived(
                new GuestReportData(at, [new GuestNodeData(0, "0-3", 0.25, 0.5, 8L << 30, 3L << 30), new GuestNodeData(7, "28-31,64", 1, 0, 1, 0)],
                    [new TaskSnapshot(4242, 7) { StartTime = ulong.MaxValue, Comm = "stress-ng ü", RssBytes = long.MaxValue, CpuCores = 0.125 }]),
                at.ToUniversalTime().AddSeconds(1)),
            "guest, no optional set" => new GuestReportReceived(
                new GuestReportData(at, [new GuestNodeData(1, "", 0, 0, null, null)], [new TaskSnapshot(2, 1), new TaskSnapshot(3, 1) { Comm = "" }]), at),
            "host, every optional set" => new HostReportReceived(new HostReportData(3, at, 16, 7.5, 5, 0.02) { LcDemandCores = 6.25 }, at.AddMinutes(1)),
            "host, no optional set" => new HostReportReceived(new HostReportData(0, at, null, 0, null, null), at),
            _ => throw new ArgumentException(name, nameof(name)),
        };
    }

    [Theory]
    [MemberData(nameof(WireReports))]
    public void Report_RoundTripsThroughTheWireFormat_WithEveryField(string name)
    {
        var report = WireReport(name);

        var back = RoundTrip(report);

        Assert.Equal(Json(report), Json(back));
        var times = (object r) => r is GuestReportReceived g ? (g.Report.SampleTime, g.ReceivedAt) : (((HostReportReceived)r).Report.SampleTime, ((HostReportReceived)r).ReceivedAt);
        Assert.Equal(times(report), times(back));
        Assert.Equal(times(report).Item1.Offset, times(back).Item1.Offset);
    }

    /// <summary>A property added to a report record must be added to <see cref="ReportWireFormat"/> too (and to this list).</summary>
    [Fact]
    public void ReportRecords_HaveTheFieldsTheWireFormatCarries()
    {
        static string Fields(Type t) => string.Join(",", t.GetProperties().Where(p => p.Name != "EqualityContract").Select(p => p.Name).Order(StringComparer.Ordinal));

        Assert.Equal(
            [
                "GuestReportReceived: ReceivedAt,Report",
                "GuestReportData: Nodes,SampleTime,Tasks",
                "GuestNodeData: BusyRatio,Cpus,Id,MemFreeBytes,MemTotalBytes,StealRatio",
                "TaskSnapshot: Comm,CpuCores,Node,Pid,RssBytes,StartTime",
                "HostReportReceived: ReceivedAt,Report",
                "HostReportData: BusyCores,CapacityCores,LcBusyCores,LcDemandCores,NodeId,SampleTime,VcpuStealRatio",
            ],
            new[] { typeof(GuestReportReceived), typeof(GuestReportData), typeof(GuestNodeData), typeof(TaskSnapshot), typeof(HostReportReceived), typeof(HostReportData) }
                .Select(t => $"{t.Name}: {Fields(t)}"));
    }

    [Fact]
    public void Report_CutShortOrWithGarbage_FailsAsFormatException()
    {
        var bytes = MemberMessageFormat.ToBytes(WireReport("guest, every optional set"));

        for (var length = 0; length < bytes.Length; length++)
        {
            Assert.Throws<FormatException>(() => MemberMessageFormat.FromBytes(bytes[..length], nameof(GuestReportReceived)));
        }

        Assert.Throws<FormatException>(() => MemberMessageFormat.FromBytes([.. bytes, 0], nameof(GuestReportReceived)));
        Assert.Throws<FormatException>(() => MemberMessageFormat.FromBytes("{}"u8, nameof(HostReportReceived)));
    }

    [Fact]
    public void FromBytes_OfAnUnknownManifest_SaysWhichOne()
    {
        var error = Assert.Throws<ArgumentException>(() => MemberMessageFormat.FromBytes("{}"u8, "Nope"));

        Assert.Contains("'Nope'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromBytes_MissingARequiredField_Fails()
    {
        Assert.Throws<System.Text.Json.JsonException>(() => MemberMessageFormat.FromBytes("""{"member":"m"}"""u8, nameof(MemberEndpoint)));
    }

    [GeneratedRegex(@"^namespace\s+([\w.]+);", RegexOptions.Multiline)]
    private static partial Regex NamespaceLine();

    [GeneratedRegex(@"^\s*(?:public|internal)\s+(?:sealed\s+|abstract\s+)*record\s+(\w+)", RegexOptions.Multiline)]
    private static partial Regex RecordDeclaration();

    private sealed record Unbound(string Value);
}

/// <summary>
/// With <c>serialize-messages = on</c> (what the in-process coordinator tests run with), every
/// local send goes through the serializer. A plain hosted ActorSystem: the test kit's own
/// messages have no binding, so it cannot start in strict mode with verification on.
/// </summary>
public sealed class VerifiedMessagesTests : IAsyncLifetime
{
    private readonly IHost _host = new HostBuilder()
        .ConfigureServices(services => services.AddAkka("verified", builder => builder.AddMemberMessages(verifyEveryMessage: true)))
        .Build();

    private ActorSystem Actors => _host.Services.GetRequiredService<ActorSystem>();

    public async ValueTask InitializeAsync() => await _host.StartAsync(TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync(CancellationToken.None);
        _host.Dispose();
    }

    [Fact]
    public async Task ABoundMessage_ArrivesAsACopyThroughTheSerializer()
    {
        var arrived = new TaskCompletionSource<object>(TaskCreationOptions.RunContinuationsAsynchronously);
        var sink = Actors.ActorOf(Props.Create(() => new Sink(arrived)));
        var sent = new MemberEndpoint("member-1", "https://127.0.0.1:5000");

        sink.Tell(sent);

        var received = await arrived.Task.WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);
        Assert.Equal(sent, received);
        Assert.NotSame(sent, received);
    }

    /// <summary>Akka checks at the send: the message is dropped with an error logged, never handled.</summary>
    [Fact]
    public async Task AnUnboundMessage_IsDroppedWithASerializationError()
    {
        var errors = new TaskCompletionSource<object>(TaskCreationOptions.RunContinuationsAsynchronously);
        Actors.EventStream.Subscribe(Actors.ActorOf(Props.Create(() => new Sink(errors))), typeof(Akka.Event.Error));
        var handled = System.Threading.Channels.Channel.CreateUnbounded<object>();
        var sink = Actors.ActorOf(Props.Create(() => new Forwarder(handled.Writer)));
        sink.Tell(GetMemberInfo.Instance); // the receiver runs (a message sent before it does fails differently)
        await handled.Reader.ReadAsync(TestContext.Current.CancellationToken).AsTask().WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        sink.Tell(new Unbound("x"));
        sink.Tell(GetMemberInfo.Instance);

        var error = (Akka.Event.Error)await errors.Task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        Assert.True(error.Cause is SerializationException, error.ToString());
        Assert.Contains(nameof(Unbound), error.Cause.ToString(), StringComparison.Ordinal);
        Assert.IsType<GetMemberInfo>(await handled.Reader.ReadAsync(TestContext.Current.CancellationToken).AsTask().WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken));
    }

    /// <summary>Writes every message it receives to a channel.</summary>
    private sealed class Forwarder : ReceiveActor
    {
        public Forwarder(System.Threading.Channels.ChannelWriter<object> received) => ReceiveAny(m => received.TryWrite(m));
    }

    private sealed record Unbound(string Value);

    /// <summary>Hands over the first message it receives.</summary>
    private sealed class Sink : ReceiveActor
    {
        public Sink(TaskCompletionSource<object> arrived) => ReceiveAny(m => arrived.TrySetResult(m));
    }
}
