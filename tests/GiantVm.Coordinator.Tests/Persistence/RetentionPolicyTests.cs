using GiantVm.Common;
using GiantVm.Coordinator.Persistence;

namespace GiantVm.Coordinator.Tests.Persistence;

/// <summary>--retain's grammar, its cutoff, and which journal events a run may delete.</summary>
public sealed class RetentionPolicyTests
{
    [Theory]
    [InlineData("30d", 30 * 24 * 3600)]
    [InlineData("12h", 12 * 3600)]
    [InlineData("90m", 90 * 60)]
    [InlineData("1h30m", 90 * 60)]
    [InlineData(" 2d ", 2 * 24 * 3600)]
    [InlineData(null, 30 * 24 * 3600)]
    public void Parse_ADuration_IsKeptThatLong(string? text, int seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), RetentionPolicy.Parse(text));

    [Theory]
    [InlineData("0")]
    [InlineData("0s")]
    [InlineData("off")]
    [InlineData("OFF")]
    public void Parse_ZeroOrOff_KeepsEverything(string text) => Assert.Null(RetentionPolicy.Parse(text));

    [Theory]
    [InlineData("")]
    [InlineData("30 days")]
    [InlineData("-1d")]
    [InlineData("1w")]
    [InlineData("forever")]
    public void Parse_Garbage_IsAUsageErrorNamingTheValue(string text)
    {
        var e = Assert.Throws<UsageException>(() => RetentionPolicy.Parse(text));
        Assert.StartsWith($"--retain '{text}': expected a duration such as 30d", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void Cutoff_IsNowMinusTheRetention_OrNoneWhenOff()
    {
        var now = new DateTimeOffset(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);
        Assert.Equal(new DateTimeOffset(2026, 11, 3, 12, 0, 0, TimeSpan.Zero), RetentionPolicy.Cutoff(now, TimeSpan.FromDays(30)));
        Assert.Null(RetentionPolicy.Cutoff(now, null));
    }

    [Theory]
    // every event old, snapshot at 8 of 11: up to the snapshot
    [InlineData(11L, null, 8L, 8L)]
    // events from 5 on are newer: up to 4, though the snapshot covers more
    [InlineData(11L, 5L, 8L, 4L)]
    // the snapshot is at the highest event, every event old: all but the highest
    [InlineData(8L, null, 8L, 7L)]
    // no snapshot: nothing (recovery would need the events)
    [InlineData(11L, null, null, null)]
    // the first event is already newer than the cutoff: nothing
    [InlineData(11L, 1L, 8L, null)]
    // one event only: never the highest
    [InlineData(1L, null, 1L, null)]
    // an older snapshot than events kept for time: the snapshot bounds it
    [InlineData(20L, 15L, 4L, 4L)]
    public void JournalDeleteUpTo_KeepsNewerEvents_EventsAfterTheSnapshot_AndTheHighest(long highest, long? firstKept, long? snapshot, long? expected) =>
        Assert.Equal(expected, RetentionPolicy.JournalDeleteUpTo(new JournalFacts("rebalancer-giantvm", highest, firstKept, snapshot)));
}
