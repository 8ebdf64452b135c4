using Akka.Actor;
using GiantVm.Coordinator.Journal;
using GiantVm.Coordinator.Replication;
using Microsoft.Extensions.Logging.Abstractions;

namespace GiantVm.Coordinator.Tests.Replication;

/// <summary>
/// Members' replicas for actor tests: each member's journal, state file and replica actor over its
/// own folder under one temp folder. Dispose closes the files and deletes the folder.
/// </summary>
internal sealed class TestReplicas(TimeProvider time) : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "giantvm-replicas-" + Guid.NewGuid().ToString("N"));
    private readonly List<IDisposable> _files = [];

    /// <summary>The member's folder (journal and state file), for a test that writes it before <see cref="Start"/>.</summary>
    public string FolderOf(string member) => Path.Combine(_root, member);

    /// <summary>Starts the member's replica actor (named after the member) over what its folder holds plus <paramref name="existing"/>.</summary>
    public TestReplica Start(IActorRefFactory system, string member, IEnumerable<ReplicatedEntry>? existing = null)
    {
        var folder = FolderOf(member);
        var journal = new FileMigrationJournal(folder, 1 << 20, 4, time);
        var state = new StateFile(folder);
        _files.Add(journal);
        _files.Add(state);
        var store = new ReplicaStore(journal, state);
        foreach (var entry in existing ?? [])
        {
            store.Append(entry);
        }

        var actor = system.ActorOf(ReplicaActor.Props(store, new JournalFeed(), member, "", followCluster: false, NullLogger.Instance), member);
        return new TestReplica(actor, journal, state, store);
    }

    public void Dispose()
    {
        foreach (var file in _files)
        {
            file.Dispose();
        }

        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }
}

/// <summary>One member's replica actor and the files under it.</summary>
internal sealed record TestReplica(IActorRef Actor, FileMigrationJournal Journal, StateFile State, ReplicaStore Store);
