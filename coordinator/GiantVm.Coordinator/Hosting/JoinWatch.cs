using Akka.Actor;
using Akka.Cluster;

namespace GiantVm.Coordinator.Hosting;

/// <summary>What a member that is not Up yet waits for (see <see cref="JoinWatch"/>).</summary>
/// <param name="Timeout">Not Up this long after the start: exit (zero: wait forever).</param>
/// <param name="SeedGrace">A seed node that answers this long without joining this member's cluster: exit.</param>
/// <param name="Quorum">Members needed before any is Up (Akka's min-nr-of-members).</param>
/// <param name="Size">The configured cluster size.</param>
/// <param name="Seeds">The seed node addresses.</param>
public sealed record JoinRule(TimeSpan Timeout, TimeSpan SeedGrace, int Quorum, int Size, IReadOnlyList<string> Seeds);

/// <summary>
/// A member is only Up once a majority of the cluster has joined (<c>min-nr-of-members</c>), so a
/// member cut off from the others hosts no rebalancer. This watch ends such a member so that its
/// service manager starts it again and it asks the seed nodes afresh. Two cases:
/// <list type="bullet">
/// <item>the first seed, restarted while cut off, joins itself after the seed timeout: a cluster of
/// its own that can never reach the quorum. Once another seed answers (the cut healed) but does
/// not join it within <see cref="JoinRule.SeedGrace"/>, that seed is in another cluster: exit, and
/// on the restart the first seed joins that cluster;</item>
/// <item>any member still not Up <see cref="JoinRule.Timeout"/> after its start.</item>
/// </list>
/// The decision is <see cref="Decide"/> (pure); <see cref="Start"/> asks the seeds (an Akka
/// <c>Identify</c> to their <c>/system</c> guardian) every two seconds until the member is Up.
/// </summary>
public static class JoinWatch
{
    private static readonly TimeSpan Every = TimeSpan.FromSeconds(2);

    /// <summary>How long a seed outside this member's cluster may answer before the member gives up on it joining (three seed timeouts).</summary>
    public static readonly TimeSpan SeedGrace = TimeSpan.FromSeconds(15);

    /// <summary>
    /// The reason to exit, or null to go on waiting. <paramref name="joined"/>: this member is in a
    /// cluster (possibly of its own); a member still asking the seeds is not, and a seed that
    /// answers it then is only slow to form the cluster. <paramref name="members"/>: the addresses
    /// in this member's cluster (itself included); <paramref name="answering"/>: per seed outside
    /// it, how long it has answered without a break.
    /// </summary>
    public static string? Decide(JoinRule rule, TimeSpan sinceStart, bool up, bool joined, IReadOnlyCollection<string> members, IReadOnlyDictionary<string, TimeSpan> answering)
    {
        if (up)
        {
            return null;
        }

        if (joined && answering.Where(a => a.Value >= rule.SeedGrace && !members.Contains(a.Key)).OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => a.Key).FirstOrDefault() is { } seed)
        {
            return $"this member is not Up and seed node {seed} has answered for {rule.SeedGrace.TotalSeconds:0.#} s without joining its cluster " +
                $"({members.Count} member(s): {string.Join(", ", members)}; {rule.Quorum} needed, a majority of --cluster-size {rule.Size}): " +
                "the seed is in another cluster (this member formed its own while cut off), which it joins when it starts again";
        }

        return rule.Timeout > TimeSpan.Zero && sinceStart >= rule.Timeout
            ? $"this member is not Up {rule.Timeout.TotalSeconds:0.#} s after it started: the cluster it is in has {members.Count} member(s) " +
              $"({string.Join(", ", members)}) and needs {rule.Quorum} (a majority of --cluster-size {rule.Size}) before any may serve; " +
              "the other members are unreachable or not started (Coordinator:Akka:JoinTimeoutSeconds)"
            : null;
    }

    /// <summary>Watches until the member is Up or the system ends; calls <paramref name="stop"/> with the reason when <see cref="Decide"/> gives one.</summary>
    public static void Start(ActorSystem system, JoinRule rule, Func<bool> stopping, Action<string> stop)
    {
        var cluster = Cluster.Get(system);
        var up = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        cluster.RegisterOnMemberUp(() => up.TrySetResult());
        var seeds = rule.Seeds.Select(Address.Parse).ToList();
        _ = Task.Run(async () =>
        {
            var started = DateTimeOffset.UtcNow;
            var since = new Dictionary<string, DateTimeOffset>();
            while (!up.Task.IsCompleted && !system.WhenTerminated.IsCompleted && !stopping())
            {
                await Task.WhenAny(up.Task, system.WhenTerminated, Task.Delay(Every)).ConfigureAwait(false);
                if (up.Task.IsCompleted || system.WhenTerminated.IsCompleted || stopping())
                {
                    return;
                }

                var joined = cluster.State.Members.Any(m => m.Address == cluster.SelfAddress);
                var members = cluster.State.Members.Select(m => m.Address.ToString()).DefaultIfEmpty(cluster.SelfAddress.ToString()).ToList();
                foreach (var seed in seeds.Where(s => joined && s != cluster.SelfAddress && !members.Contains(s.ToString())))
                {
                    if (await AnswersAsync(system, seed).ConfigureAwait(false))
                    {
                        since.TryAdd(seed.ToString(), DateTimeOffset.UtcNow);
                    }
                    else
                    {
                        since.Remove(seed.ToString());
                    }
                }

                var now = DateTimeOffset.UtcNow;
                if (Decide(rule, now - started, up.Task.IsCompleted, joined, members, since.ToDictionary(s => s.Key, s => now - s.Value)) is { } reason)
                {
                    stop(reason);
                    return;
                }
            }
        });
    }

    private static async Task<bool> AnswersAsync(ActorSystem system, Address seed)
    {
        try
        {
            await system.ActorSelection(new RootActorPath(seed) / "system").Ask<ActorIdentity>(new Identify(null), Every).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // no answer in time, the address is gated, or the system is stopping: not answering
            return false;
        }
    }
}
