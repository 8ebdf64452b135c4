using Akka.Actor;
using Akka.Cluster;
using GiantVm.Coordinator.Agents;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace GiantVm.Coordinator.Hosting;

/// <summary>
/// Why this member stops when nobody asked it to. A member downed by the split brain resolver (or
/// an operator), removed from the cluster, or whose actor system terminated for any other reason
/// cannot serve again in this process: it stops the host and the process exits 1 with a line
/// saying why, so the service manager (systemd <c>Restart=always</c>) starts it afresh and it
/// rejoins. So does a member that cannot become Up (cut off from a majority, or alone in a
/// cluster of its own: see <see cref="JoinWatch"/>). A stop the host asked for (SIGTERM, Ctrl+C) leaves the cluster and exits 0. Either
/// way the agent streams it holds end at once (<see cref="AgentStreamsEnd"/>, UNAVAILABLE): the
/// agents reconnect to another member and the host does not wait for them to go.
/// </summary>
public sealed class MemberExit
{
    private string? _failure;
    private volatile bool _hostStopping;

    /// <summary>Why the member ended on its own; null for a clean stop.</summary>
    public string? Failure => Volatile.Read(ref _failure);

    /// <summary>Records the first reason; later ones are ignored.</summary>
    public void Fail(string reason) => Interlocked.CompareExchange(ref _failure, reason, null);

    /// <summary>
    /// The reason to exit non-zero, or null. Pure: <paramref name="shutdownReason"/> is the actor
    /// system's CoordinatedShutdown reason (not set yet when the cluster removes a downed member),
    /// <paramref name="hostStopping"/> whether the host began stopping before the actor system
    /// ended, <paramref name="removed"/> whether the cluster removed this member.
    /// </summary>
    public static string? Decide(CoordinatedShutdown.Reason? shutdownReason, bool hostStopping, bool removed) => shutdownReason switch
    {
        CoordinatedShutdown.ClusterDowningReason => Downed,
        _ when hostStopping => null,
        // Akka's own process-exit hook (SIGTERM, Ctrl+C) can run before the host's: a stop asked for.
        CoordinatedShutdown.ClrExitReason => null,
        CoordinatedShutdown.ClusterLeavingReason =>
            "this member left the cluster without the process being asked to stop",
        null when removed => Downed,
        null => "the actor system terminated with no shutdown reason",
        var other => $"the actor system terminated ({other.GetType().Name})",
    };

    private const string Downed = "this member was downed and removed from the cluster (by the split brain resolver or an operator)";

    /// <summary>
    /// Watches <paramref name="system"/>: when it ends on its own, records why, logs it, ends the
    /// agent streams and stops the host; when the host stops, ends the agent streams too.
    /// </summary>
    /// <param name="join">While the member is not Up: when to give up (<see cref="JoinWatch"/>); null waits forever.</param>
    public void Watch(ActorSystem system, IHostApplicationLifetime lifetime, AgentStreamsEnd streams, ILogger log, string member, JoinRule? join = null)
    {
        lifetime.ApplicationStopping.Register(() =>
        {
            if (!system.WhenTerminated.IsCompleted)
            {
                _hostStopping = true;
            }

            streams.End(AgentStreamsEnd.ShuttingDown);
        });

        void Ended(string how, bool removed)
        {
            if (Decide(CoordinatedShutdown.Get(system).ShutdownReason, _hostStopping, removed) is { } reason)
            {
                Stop(reason, how);
            }
        }

        void Stop(string reason, string how)
        {
            if (Failure is null)
            {
                Fail(reason);
                log.LogError("Coordinator member {Member} stops: {Reason} ({How}); exiting with code 1 so that it is restarted and rejoins", member, reason, how);
            }

            streams.End(AgentStreamsEnd.LeftCluster);
            lifetime.StopApplication();
        }

        Cluster.Get(system).RegisterOnMemberRemoved(() => Ended("removed from the cluster", removed: true));
        system.WhenTerminated.ContinueWith(_ => Ended("actor system terminated", removed: false), TaskScheduler.Default);
        if (join is not null)
        {
            JoinWatch.Start(system, join, () => _hostStopping, reason => Stop(reason, "not Up"));
        }
    }
}
