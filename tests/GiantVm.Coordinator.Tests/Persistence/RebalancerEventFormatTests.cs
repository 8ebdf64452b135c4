using System.Text;
using GiantVm.Coordinator.Persistence;
using GiantVm.Coordinator.Rebalancing.Bookkeeping;
using static GiantVm.Coordinator.Tests.Rebalancing.Bookkeeping.BookkeepingFixture;

namespace GiantVm.Coordinator.Tests.Persistence;

/// <summary>
/// Stored events and snapshots written by this version stay readable: the checked-in fixture
/// (Fixtures/, one <c>manifest TAB json</c> line per event; one snapshot) is read back and
/// written again byte for byte.
/// </summary>
public sealed class RebalancerEventFormatTests
{
    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Persistence", "Fixtures", name);

    private static IReadOnlyList<(string Manifest, string Json)> FixtureLines() =>
        File.ReadAllLines(Fixture("rebalancer-events.v1.tsv")).Where(l => l.Length > 0).Select(l => l.Split('\t', 2) switch
        {
            [var m, var j] => (m, j),
            _ => throw new InvalidDataException("fixture line without a tab: " + l),
        }).ToList();

    [Fact]
    public void Fixture_EventsReadBack_AsTheEventsThisVersionWrites()
    {
        var lines = FixtureLines();

        Assert.Equal(StoredEvents.All.Count, lines.Count);
        for (var i = 0; i < lines.Count; i++)
        {
            var read = RebalancerEventFormat.FromBytes(Encoding.UTF8.GetBytes(lines[i].Json), lines[i].Manifest);
            Assert.Equal(StoredEvents.All[i], read);
            Assert.Equal(lines[i].Manifest, RebalancerEventFormat.ManifestOf(StoredEvents.All[i]));
            Assert.Equal(lines[i].Json, Encoding.UTF8.GetString(RebalancerEventFormat.ToBytes(StoredEvents.All[i])));
        }
    }

    [Fact]
    public void Fixture_CoversEveryStoredType()
    {
        var manifests = FixtureLines().Select(l => l.Manifest).Append(RebalancerEventFormat.Snapshot).ToHashSet();

        Assert.Equal(RebalancerEventFormat.Types.Count, manifests.Count);
    }

    [Fact]
    public void Fixture_Snapshot_RestoresTheStateTheFixtureEventsBuild_AndIsWrittenTheSame()
    {
        var json = File.ReadAllText(Fixture("rebalancer-snapshot.v1.json")).TrimEnd('\n');
        var snapshot = (RebalancerSnapshot)RebalancerEventFormat.FromBytes(Encoding.UTF8.GetBytes(json), RebalancerEventFormat.Snapshot);
        var restored = Book();
        restored.Restore(snapshot);
        var replayed = Book();
        replayed.ApplyAll(StoredEvents.All);

        Assert.Equal(json, Encoding.UTF8.GetString(RebalancerEventFormat.ToBytes(replayed.TakeSnapshot())));
        Assert.Equal((2, "/etc/giantvm/policy.yaml", "stored", TimeSpan.FromSeconds(45)),
            (restored.Policy.Version, restored.Policy.Source, restored.Policy.Policy.Name, restored.Policy.Policy.Cooldown));
        Assert.Equal(["c-6"], restored.Pending.Keys);
        Assert.Empty(restored.Drained);
        Assert.False(restored.Paused);
        Assert.Null(restored.PlanResult(T0.AddMinutes(1), AgentResult("c-1", "m-1", "done"))); // recorded already
        Assert.Equal(json, Encoding.UTF8.GetString(RebalancerEventFormat.ToBytes(restored.TakeSnapshot())));
    }

    [Theory]
    [InlineData("decided.v2")]
    [InlineData("")]
    public void FromBytes_OfAnUnknownManifest_SaysWhichOne(string manifest)
    {
        var error = Assert.Throws<ArgumentException>(() => RebalancerEventFormat.FromBytes("{}"u8, manifest));

        Assert.Contains($"'{manifest}'", error.Message, StringComparison.Ordinal);
    }
}
