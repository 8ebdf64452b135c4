using Akka.Actor;
using Akka.Cluster;
using Akka.Hosting;
using GiantVm.Contracts.V1;
using GiantVm.Coordinator.Agents;
using GiantVm.Coordinator.Hosting;
using GiantVm.Coordinator.Journal;
using GiantVm.Coordinator.Policies;
using GiantVm.Coordinator.Rebalancing;
using GiantVm.Coordinator.Security;
using GiantVm.Coordinator.Persistence;
using GiantVm.Scheduling.Engine;
using GiantVm.Scheduling.Journal;
using GiantVm.Scheduling.Model;
using GiantVm.Scheduling.Policies;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using ProtoJournalRecord = GiantVm.Contracts.V1.JournalRecord;
using V1 = GiantVm.Contracts.V1;
using Status = Grpc.Core.Status;
using TaskStatus = GiantVm.Contracts.V1.TaskStatus;

namespace GiantVm.Coordinator.Admin;

/// <summary>
/// AdminService (gRPC), a thin adapter: each RPC resolves the vm (<see cref="InstanceChoice"/>
/// over the <see cref="InstanceDirectory"/>), asks that instance's rebalancer through the shard region (or
/// <see cref="ClusterPeers"/> for the members, <see cref="MigrationLogDb"/> for the migration log)
/// and converts the answer with <see cref="AdminProto"/>. The verbs that decide share one wait
/// (<c>WaitInLogAsync</c>, on the <see cref="JournalFeed"/>): until their decisions are listed,
/// and their results when asked to.
/// </summary>
public sealed class AdminService(
    IRequiredActor<RebalancerActor> rebalancerRef,
    InstanceDirectory instances,
    ClusterPeers peers,
    MigrationLogDb migrationLog,
    JournalFeed feed,
    ServerTls tls,
    ILogger<AdminService> log) : V1.AdminService.AdminServiceBase
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(15);

    public override async Task<StatusReply> GetStatus(StatusRequest request, ServerCallContext context)
    {
        // before any agent has connected there is no instance: members and store are still shown
        var known = await InstancesAsync(context.CancellationToken);
        var vm = known.Count == 0 && string.IsNullOrEmpty(request.Vm) ? null : Resolve(request.Vm, known);
        var view = vm is null ? null : await Ask<RebalancerView>(vm, GetRebalancerView.Instance, context);
        var reply = AdminProto.ToStatusReply(view, await peers.AllAsync(context.CancellationToken), vm ?? "", known.Count);
        var (reachable, latency, error) = await migrationLog.PingAsync(TimeSpan.FromSeconds(3), context.CancellationToken);
        reply.Store = new StoreStatus
        {
            Kind = migrationLog.Store.Kind == StoreKind.Sqlite ? "sqlite" : "postgres",
            Location = migrationLog.Store.Display,
            Reachable = reachable,
            LatencyMs = latency.TotalMilliseconds,
            Error = error ?? "",
        };
        return reply;
    }

    public override async Task<NodesReply> ListNodes(NodesRequest request, ServerCallContext context)
    {
        var vm = await ResolveAsync(request.Vm, context);
        return AdminProto.ToNodesReply(await Ask<RebalancerView>(vm, GetRebalancerView.Instance, context), vm);
    }

    public override async Task<TasksReply> ListTasks(TasksRequest request, ServerCallContext context)
    {
        var vm = await ResolveAsync(request.Vm, context);
        var view = await Ask<RebalancerView>(vm, GetRebalancerView.Instance, context);
        return AdminProto.ToTasksReply(view, request.HasNodeId ? (int)request.NodeId : null, vm);
    }

    public override async Task<SnapshotReply> GetSnapshot(SnapshotRequest request, ServerCallContext context)
    {
        var vm = await ResolveAsync(request.Vm, context);
        var view = await Ask<RebalancerView>(vm, GetRebalancerView.Instance, context);
        return new SnapshotReply { SnapshotJson = SnapshotJson.Serialize(view.Snapshot) };
    }

    public override async Task<RebalanceReply> Rebalance(RebalanceRequest request, ServerCallContext context)
    {
        var vm = await ResolveAsync(request.Vm, context);
        using var results = feed.Subscribe();
        var outcome = await Ask<RebalanceOutcome>(vm, new RebalanceNow(request.DryRun, Caller(context)), context);
        var reply = new RebalanceReply { Message = outcome.Message };
        reply.Decisions.AddRange(outcome.Decisions.Select(d => AdminProto.ToProto(d, vm)));
        var (records, timedOut) = await WaitInLogAsync(results, outcome.Decisions, request.Wait, request.TimeoutSeconds, context.CancellationToken);
        reply.Results.AddRange(records);
        reply.TimedOut = timedOut;
        return reply;
    }

    public override async Task<MoveReply> Move(MoveRequest request, ServerCallContext context)
    {
        var vm = await ResolveAsync(request.Vm, context);
        using var results = feed.Subscribe();
        var outcome = await Ask<MoveOutcome>(vm, new MoveTask(request.Pid, (int)request.ToNode, request.DryRun, Caller(context)), context);
        if (outcome.Decision is null)
        {
            throw new RpcException(new Status(StatusCode.FailedPrecondition, $"move of pid {request.Pid} to node {request.ToNode} refused: {outcome.Refusal}"));
        }

        var reply = new MoveReply { Decision = AdminProto.ToProto(outcome.Decision, vm) };
        var (records, timedOut) = await WaitInLogAsync(results, [outcome.Decision], request.Wait, request.TimeoutSeconds, context.CancellationToken);
        reply.Result = records.FirstOrDefault();
        reply.TimedOut = timedOut;
        return reply;
    }

    public override async Task<PauseReply> Pause(PauseRequest request, ServerCallContext context)
    {
        var vm = await ResolveAsync(request.Vm, context);
        var state = await Ask<PauseState>(vm, new PauseRebalancing(string.IsNullOrWhiteSpace(request.Reason) ? null : request.Reason, Caller(context)), context);
        return ToReply(state);
    }

    public override async Task<PauseReply> Resume(ResumeRequest request, ServerCallContext context)
    {
        var vm = await ResolveAsync(request.Vm, context);
        var state = await Ask<PauseState>(vm, new ResumeRebalancing(Caller(context)), context);
        return ToReply(state);
    }

    public override async Task<DrainReply> Drain(DrainRequest request, ServerCallContext context)
    {
        var vm = await ResolveAsync(request.Vm, context);
        using var results = feed.Subscribe();
        var outcome = await Ask<DrainOutcome>(vm, new DrainNode((int)request.NodeId, request.Evacuate, Caller(context)), context);
        if (outcome.Refusal is not null)
        {
            throw new RpcException(new Status(StatusCode.NotFound, outcome.Refusal));
        }

        var reply = ToReply(outcome);
        var (records, timedOut) = await WaitInLogAsync(results, outcome.Decisions, request.Wait, request.TimeoutSeconds, context.CancellationToken);
        reply.Results.AddRange(records);
        reply.TimedOut = timedOut;
        return reply;
    }

    public override async Task<DrainReply> Undrain(UndrainRequest request, ServerCallContext context)
    {
        var vm = await ResolveAsync(request.Vm, context);
        return ToReply(await Ask<DrainOutcome>(vm, new UndrainNode((int)request.NodeId, Caller(context)), context));
    }

    public override async Task<MigrationsReply> ListMigrations(MigrationsQuery request, ServerCallContext context)
    {
        var query = AdminProto.ToQuery(request, await LogVmAsync(request.Vm, context));
        var reply = new MigrationsReply();
        reply.Records.AddRange((await ReadLogAsync(query, context.CancellationToken)).Select(AdminProto.ToProto));
        return reply;
    }

    public override async Task WatchMigrations(MigrationsQuery request, IServerStreamWriter<ProtoJournalRecord> responseStream, ServerCallContext context)
    {
        var query = AdminProto.ToQuery(request, await LogVmAsync(request.Vm, context));
        using var live = feed.Subscribe();
        var sent = new HashSet<string>(StringComparer.Ordinal);
        foreach (var record in await ReadLogAsync(query, context.CancellationToken))
        {
            sent.Add(record.Id);
            await responseStream.WriteAsync(AdminProto.ToProto(record), context.CancellationToken);
        }

        try
        {
            await foreach (var record in live.Records.ReadAllAsync(context.CancellationToken))
            {
                if (query.Matches(record) && sent.Add(record.Id))
                {
                    await responseStream.WriteAsync(AdminProto.ToProto(record), context.CancellationToken);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The client went away.
        }
        catch (Exception e) when (FeedOverflowException.Is(e))
        {
            log.LogWarning("WatchMigrations client {Peer} disconnected: {Reason}", context.Peer, e.InnerException?.Message ?? e.Message);
            throw new RpcException(new Status(StatusCode.ResourceExhausted, $"--follow ended by the coordinator: {e.InnerException?.Message ?? e.Message}"));
        }
    }

    public override async Task<PolicyReply> GetPolicy(GetPolicyRequest request, ServerCallContext context)
    {
        var vm = await ResolveAsync(request.Vm, context);
        var policy = await Ask<PolicyInForce>(vm, Rebalancing.GetPolicy.Instance, context);
        return new PolicyReply { Info = AdminProto.ToProto(policy), Content = policy.Text };
    }

    public override Task<ValidatePolicyReply> ValidatePolicy(ValidatePolicyRequest request, ServerCallContext context)
    {
        var result = PolicyLoader.Load(request.Content, string.IsNullOrWhiteSpace(request.SourceName) ? "policy.yaml" : request.SourceName);
        RefuseOversized(result);
        var reply = new ValidatePolicyReply { Valid = result.Ok };
        reply.Errors.AddRange(result.Errors.Select(e => e.ToString()));
        return Task.FromResult(reply);
    }

    public override async Task<ReloadPolicyReply> ReloadPolicy(ReloadPolicyRequest request, ServerCallContext context)
    {
        var content = string.IsNullOrEmpty(request.Content) ? null : request.Content;
        if (content is not null)
        {
            RefuseOversized(PolicyLoader.Load(content, string.IsNullOrWhiteSpace(request.SourceName) ? "admin" : request.SourceName));
        }

        var vm = await ResolveAsync(request.Vm, context);

        var outcome = await Ask<PolicyReloadOutcome>(vm, new Rebalancing.ReloadPolicy(content, request.SourceName, "admin", Caller(context)), context);
        if (outcome.Unavailable is { } unavailable)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, unavailable));
        }

        var reply = new ReloadPolicyReply
        {
            Accepted = outcome.Accepted,
            Info = AdminProto.ToProto(outcome.Policy),
            Diff = string.Join("\n", outcome.Diff),
        };
        reply.Errors.AddRange(outcome.Errors);
        return reply;
    }

    /// <summary>Policy text too large or too deeply nested to read is a bad request (INVALID_ARGUMENT), not an invalid policy.</summary>
    private static void RefuseOversized(PolicyLoadResult result)
    {
        if (result.Refused)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, string.Join("; ", result.Errors)));
        }
    }

    public override async Task<AdviseReply> Advise(AdviseRequest request, ServerCallContext context)
    {
        // an agent identity asking without a vm asks for its own instance
        var own = CallerIdentity.Of(context, tls.Material) is { Kind: GiantVm.Security.PeerKind.Host or GiantVm.Security.PeerKind.Guest } agent ? agent.Vm : null;
        var vm = await ResolveAsync(string.IsNullOrEmpty(request.Vm) && own is not null ? own : request.Vm, context);
        var advice = await Ask<Advice>(vm, new AdviseQuery(
            request.CpuCores > 0 ? request.CpuCores : null,
            request.MemoryBytes > 0 ? (long)request.MemoryBytes : null), context);
        if (advice.NodeId is null)
        {
            throw new RpcException(new Status(StatusCode.FailedPrecondition, "no node fits: " + advice.Reason));
        }

        var reply = new AdviseReply { NodeId = (uint)advice.NodeId.Value, Reason = advice.Reason };
        reply.Scores.AddRange(advice.Nodes.Select(n => new NodeScore
        {
            NodeId = (uint)n.Id,
            Score = n.SmoothedStealRatio,
            Eligible = n.Eligible,
            Note = n.Note ?? "",
        }));
        return reply;
    }

    private static PauseReply ToReply(PauseState state) => state.Unavailable is { } unavailable
        ? throw new RpcException(new Status(StatusCode.Unavailable, unavailable))
        : new PauseReply { Paused = state.Paused };

    private static DrainReply ToReply(DrainOutcome outcome)
    {
        if (outcome.Unavailable is { } unavailable)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, unavailable));
        }

        var reply = new DrainReply();
        reply.DrainedNodes.AddRange(outcome.Drained.Select(n => (uint)n));
        reply.Decisions.AddRange(outcome.Decisions.Select(d => AdminProto.ToProto(d, "")));
        return reply;
    }

    /// <summary>How long a verb waits for its decisions to reach the migration log's read model (it follows the journal within about 250 ms).</summary>
    private static readonly TimeSpan ListedWait = TimeSpan.FromSeconds(3);

    /// <summary>
    /// The one wait of the verbs that decide (rebalance, move, drain --evacuate): until every
    /// decision is in the migration log's read model (so that <c>migrations</c> right after the
    /// verb lists it; at most <see cref="ListedWait"/>), and, when <paramref name="waitResults"/>,
    /// until every sent decision has a result record there (a timeout record counts) or
    /// <paramref name="timeoutSeconds"/> pass (then TimedOut).
    /// </summary>
    private static async Task<(List<ProtoJournalRecord> Records, bool TimedOut)> WaitInLogAsync(
        JournalFeed.Subscription log, IReadOnlyList<ExecutedDecision> decisions, bool waitResults, double timeoutSeconds, CancellationToken token)
    {
        var unlisted = decisions.Select(d => d.MigrationId).ToHashSet(StringComparer.Ordinal);
        var waiting = waitResults ? decisions.Where(d => d.CommandId is not null).Select(d => d.MigrationId).ToHashSet(StringComparer.Ordinal) : [];
        var found = new List<ProtoJournalRecord>();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(token);
        timeout.CancelAfter(waiting.Count > 0 ? TimeSpan.FromSeconds(timeoutSeconds > 0 ? timeoutSeconds : 60) : ListedWait);
        try
        {
            while (unlisted.Count > 0 || waiting.Count > 0)
            {
                var record = await log.Records.ReadAsync(timeout.Token);
                unlisted.Remove(record.MigrationId);
                if (record.Kind == JournalKinds.Result && waiting.Remove(record.MigrationId))
                {
                    found.Add(AdminProto.ToProto(record));
                }
            }
        }
        catch (OperationCanceledException) when (!token.IsCancellationRequested)
        {
            // results not all in: TimedOut; decisions not yet listed: the read model follows shortly
            return (found, waiting.Count > 0);
        }
        catch (Exception e) when (FeedOverflowException.Is(e))
        {
            throw new RpcException(new Status(StatusCode.ResourceExhausted, $"waiting for results ended: {e.InnerException?.Message ?? e.Message}"));
        }

        return (found, false);
    }

    /// <summary>The migration log's records the query selects, from the store's read model; UNAVAILABLE with the store's reason when it cannot be read.</summary>
    private async Task<IReadOnlyList<GiantVm.Scheduling.Journal.JournalRecord>> ReadLogAsync(JournalQuery query, CancellationToken token)
    {
        try
        {
            return await migrationLog.QueryAsync(query, token);
        }
        catch (Exception e) when (MigrationLogDb.IsStoreFailure(e))
        {
            throw new RpcException(new Status(StatusCode.Unavailable, $"the migration log cannot be read from the store ({migrationLog.Store}): {e.GetBaseException().Message}"));
        }
    }

    private async Task<T> Ask<T>(string vm, object message, ServerCallContext context)
    {
        var region = await rebalancerRef.GetAsync(context.CancellationToken);
        try
        {
            return await region.Ask<T>(RebalancerShards.To(vm, message), AskTimeout, context.CancellationToken);
        }
        catch (AskTimeoutException)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, $"the rebalancer of vm '{vm}' did not answer within {AskTimeout.TotalSeconds:0} s (it may be starting on another member after a failover)"));
        }
    }

    public override async Task<VmsReply> ListVms(VmsRequest request, ServerCallContext context)
    {
        var known = await InstancesAsync(context.CancellationToken);
        var members = await peers.AllAsync(context.CancellationToken);
        var agents = members.SelectMany(p => p.Agents).GroupBy(a => a.Identity.Vm).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var region = await rebalancerRef.GetAsync(context.CancellationToken);
        var views = await Task.WhenAll(known.Select(async vm =>
        {
            try
            {
                var view = await region.Ask<RebalancerView>(RebalancerShards.To(vm, GetRebalancerView.Instance), VmsTimeout, context.CancellationToken);
                return AdminProto.ToVmInfo(vm, view, null, agents.GetValueOrDefault(vm));
            }
            catch (AskTimeoutException)
            {
                return AdminProto.ToVmInfo(vm, null, $"its rebalancer did not answer within {VmsTimeout.TotalSeconds:0} s", agents.GetValueOrDefault(vm));
            }
        }));
        var reply = new VmsReply { MaxVms = (uint)instances.MaxVms };
        reply.Vms.AddRange(views);
        return reply;
    }

    private static readonly TimeSpan VmsTimeout = TimeSpan.FromSeconds(5);

    /// <summary>The instances, from the store; UNAVAILABLE with the store's reason when it cannot be read.</summary>
    private async Task<IReadOnlyList<string>> InstancesAsync(CancellationToken token)
    {
        try
        {
            return await instances.ListAsync(token);
        }
        catch (Exception e) when (MigrationLogDb.IsStoreFailure(e))
        {
            throw new RpcException(new Status(StatusCode.Unavailable, $"the instances cannot be read from the store ({migrationLog.Store}): {e.GetBaseException().Message}"));
        }
    }

    /// <summary>The instance the request is about (see <see cref="InstanceChoice"/>).</summary>
    private async Task<string> ResolveAsync(string requested, ServerCallContext context) =>
        Resolve(requested, await InstancesAsync(context.CancellationToken));

    private static string Resolve(string requested, IReadOnlyList<string> known)
    {
        var (vm, code, error) = InstanceChoice.Resolve(requested, known);
        return vm ?? throw new RpcException(new Status(code, error!));
    }

    /// <summary>The instance whose migration log is asked for: as <see cref="ResolveAsync"/>, but with no instance yet the (empty) log of all.</summary>
    private async Task<string> LogVmAsync(string requested, ServerCallContext context)
    {
        var known = await InstancesAsync(context.CancellationToken);
        return known.Count == 0 && string.IsNullOrEmpty(requested) ? "" : Resolve(requested, known);
    }

    /// <summary>The caller's certificate identity (what the journal records as the actor), null without TLS.</summary>
    private string? Caller(ServerCallContext context) => CallerIdentity.Of(context, tls.Material)?.ToString();
}
