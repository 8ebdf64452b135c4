using GiantVm.Coordinator.Policies;
using GiantVm.Coordinator.Rebalancing;
using GiantVm.Coordinator.Rebalancing.Bookkeeping;
using GiantVm.Scheduling.Model;
using GiantVm.Scheduling.Policies;

namespace GiantVm.Coordinator.Tests.Rebalancing.Bookkeeping;

/// <summary>Builders shared by the bookkeeping tests: a policy text, books with predictable ids, reports.</summary>
internal static class BookkeepingFixture
{
    public static readonly DateTimeOffset T0 = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    /// <summary>The demo policy, hot after one reading, hour-long rounds (the tests drive them).</summary>
    public static string PolicyText(string interval = "1h", string cooldown = "30s") =>
        ShippedPolicies.TryGetText("demo", out var text)
            ? text.Replace("hot_after: 3", "hot_after: 1", StringComparison.Ordinal)
                .Replace("interval: 1s", "interval: " + interval, StringComparison.Ordinal)
                .Replace("cooldown: 30s", "cooldown: " + cooldown, StringComparison.Ordinal)
            : throw new InvalidOperationException("the demo policy is not shipped");

    public static PolicyInForce InForce(string? text = null)
    {
        text ??= PolicyText();
        var loaded = PolicyLoader.Load(text, "test");
        return new PolicyInForce(loaded.Policy ?? throw new InvalidOperationException(string.Join("; ", loaded.Errors)), text, "test", 1, T0);
    }

    /// <summary>A book whose ids are <c>prefix-1</c>, <c>prefix-2</c>, ... (one counter for all prefixes).</summary>
    public static RebalancerBookkeeping Book(string? policyText = null)
    {
        var next = 0;
        return new RebalancerBookkeeping("giantvm", "member-a", InForce(policyText), prefix => $"{prefix}-{++next}");
    }

    /// <summary>Node 0 hot (steal 0.6), node 1 idle, one BE task (pid 4242) on node 0.</summary>
    public static GuestReportData HotNodeZero(DateTimeOffset at) => new(
        at,
        [new GuestNodeData(0, "0-1", 0.6, 0.5, 8L << 30, 4L << 30), new GuestNodeData(1, "2-3", 0.0, 0.1, 8L << 30, 6L << 30)],
        [new TaskSnapshot(4242, 0) { StartTime = 99, Comm = "stress", RssBytes = 1 << 20, CpuCores = 1 }]);

    /// <summary>A book that has seen node 0 hot at <see cref="T0"/>.</summary>
    public static RebalancerBookkeeping HotBook(string? policyText = null)
    {
        var book = Book(policyText);
        book.ObserveGuestReport(HotNodeZero(T0), T0);
        return book;
    }

    /// <summary>Applies every event, returning every effect in order.</summary>
    public static List<RebalancerEffect> ApplyAll(this RebalancerBookkeeping book, IEnumerable<RebalancerEvent> events) =>
        events.SelectMany(book.Apply).ToList();

    public static MigrationResultData AgentResult(string commandId, string migrationId, string status) =>
        new(commandId, migrationId, 4242, status, 256, 0, 12, null);
}
