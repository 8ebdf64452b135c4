using Akka.Actor;
using Akka.Cluster;
using Akka.Hosting;
using GiantVm.Coordinator.Agents;
using GiantVm.Coordinator.Hosting;

namespace GiantVm.Coordinator.Admin;

/// <summary>One member of the coordinator cluster as <c>status</c> shows it.</summary>
/// <param name="Member">Its name; null when it did not answer in time.</param>
/// <param name="GrpcUrl">Where its gRPC services listen; null when it did not answer.</param>
public sealed record PeerStatus(Address Address, string Status, string? Member, string? GrpcUrl, IReadOnlyList<AgentSessionInfo> Agents);

/// <summary>
/// The cluster fan-out of AdminService, in one place: every member's name, gRPC URL and
/// connected agents, asked of each member (its <c>/user/member</c> and <c>/user/sessions</c>
/// actors) in parallel; a member that does not answer within 3 s is listed without them.
/// </summary>
public sealed class ClusterPeers(ActorSystem system, IRequiredActor<SessionManagerActor> sessions, MemberName member)
{
    private static readonly TimeSpan PeerTimeout = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan LocalTimeout = TimeSpan.FromSeconds(15);

    public async Task<IReadOnlyList<PeerStatus>> AllAsync(CancellationToken token)
    {
        var cluster = Cluster.Get(system);
        var state = cluster.State;
        return await Task.WhenAll(state.Members.Select(m =>
        {
            var status = state.Unreachable.Contains(m) ? "Unreachable" : m.Status.ToString();
            var answers = m.Status is MemberStatus.Up or MemberStatus.WeaklyUp or MemberStatus.Leaving or MemberStatus.Joining;
            return answers
                ? PeerAsync(m.Address, status, m.Address == cluster.SelfAddress, token)
                : Task.FromResult(new PeerStatus(m.Address, status, null, null, []));
        }));
    }

    private async Task<PeerStatus> PeerAsync(Address address, string status, bool self, CancellationToken token)
    {
        if (self)
        {
            var local = await (await sessions.GetAsync(token)).Ask<AgentsList>(GetAgents.Instance, LocalTimeout, token);
            return new PeerStatus(address, status, member.Value, member.GrpcUrl, local.Agents);
        }

        try
        {
            var info = await MemberInfoActor.Of(system, address).Ask<MemberEndpoint>(GetMemberInfo.Instance, PeerTimeout, token);
            var agents = await system.ActorSelection(new RootActorPath(address) / "user" / "sessions").Ask<AgentsList>(GetAgents.Instance, PeerTimeout, token);
            return new PeerStatus(address, status, info.Member, info.GrpcUrl, agents.Agents);
        }
        catch (Exception e) when (e is AskTimeoutException or TaskCanceledException or ActorNotFoundException)
        {
            return new PeerStatus(address, status, null, null, []);
        }
    }
}
