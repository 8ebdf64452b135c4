using Akka.Hosting;
using GiantVm.Contracts.V1;
using GiantVm.Coordinator.Agents;
using GiantVm.Coordinator.Hosting;
using GiantVm.Coordinator.Policies;
using GiantVm.Coordinator.Rebalancing;
using GiantVm.Scheduling.Engine;
using GiantVm.Scheduling.Model;
using GiantVm.Scheduling.Policies;

namespace GiantVm.Coordinator.Tests.Hosting;

/// <summary>The messages that travel between members survive the serializer the coordinator configures.</summary>
public sealed class AkkaSerializationTests : Akka.Hosting.TestKit.TestKit
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    protected override void ConfigureAkka(AkkaConfigurationBuilder builder, IServiceProvider provider) => builder.AddHyperion();

    private T RoundTrip<T>(T message)
        where T : notnull
    {
        var serializer = Sys.Serialization.FindSerializerFor(message);
        Assert.IsType<Akka.Serialization.HyperionSerializer>(serializer);
        return (T)serializer.FromBinary(serializer.ToBinary(message), typeof(T));
    }

    [Fact]
    public void RebalancerView_WithSnapshotStateAndPolicy_RoundTrips()
    {
        var policy = ShippedPolicies.Load("demo").Policy!;
        var snapshot = new Snapshot(T0, [new NodeSnapshot(0, 0.3) { Cpus = "0-1", Drained = true }], [new TaskSnapshot(42, 0) { StartTime = 9, Comm = "x" }]);
        var state = DecisionState.Empty.WithMove(42, 9, 1, 0, T0);
        var view = new RebalancerView(snapshot, [], state, new PolicyInForce(policy, "name: demo\n", "demo", 3, T0), true, "why", [2],
            T0, 1, 2, 0, "member-1", "akka.tcp://giantvm@127.0.0.1:1", false, "no majority", 17);

        var back = RoundTrip(view);

        Assert.Equal((0.3, true), (back.Snapshot.Nodes[0].StealRatio, back.Snapshot.Nodes[0].Drained));
        Assert.Equal(42, back.Snapshot.Tasks[0].Pid);
        Assert.NotNull(back.State.LastMoveOf(42, 9));
        Assert.Equal((policy.Name, policy.Interval, 3), (back.Policy.Policy.Name, back.Policy.Policy.Interval, back.Policy.Version));
        Assert.Equal(("member-1", false, "no majority", 17L), (back.Member, back.Recording, back.RecordingProblem, back.LogPosition));
        Assert.Equal([2], back.Drained);
    }

    [Fact]
    public void DeliverToGuest_WithItsProtobufCommand_RoundTrips()
    {
        var command = new MigrateCommand { CommandId = "c-1", MigrationId = "m-1", Pid = 42, ToNode = 2, Deadline = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(T0) };
        command.FromNodes.Add(1);

        var back = RoundTrip(new DeliverToGuest("giantvm", "c-1", new CoordinatorMessage { Migrate = command }));

        Assert.Equal(command, back.Message.Migrate);
    }

    [Fact]
    public void MemberEndpoint_RoundTrips()
    {
        var back = RoundTrip(new MemberEndpoint("member-1", "https://127.0.0.1:5000"));

        Assert.Equal(("member-1", "https://127.0.0.1:5000"), (back.Member, back.GrpcUrl));
    }

    [Fact]
    public void GuestReport_RoundTrips()
    {
        var report = new GuestReportReceived(new GuestReportData(T0, [new GuestNodeData(0, "0-1", 0.6, 0.5, 8L << 30, 4L << 30)], [new TaskSnapshot(42, 0) { CpuCores = 1 }]), T0);

        var back = RoundTrip(report);

        Assert.Equal((0.6, 42, T0), (back.Report.Nodes[0].StealRatio, back.Report.Tasks[0].Pid, back.ReceivedAt));
    }
}
