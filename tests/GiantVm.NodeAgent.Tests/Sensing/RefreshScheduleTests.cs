using GiantVm.NodeAgent.Sensing;

namespace GiantVm.NodeAgent.Tests.Sensing;

public class RefreshScheduleTests
{
    [Fact]
    public void IsDue_SpreadsReReadsEvenlyOverSamples_ForTasksFirstSeenTogether()
    {
        const int every = 10;
        var lastRead = Enumerable.Range(1000, 500).ToDictionary(pid => pid, _ => 1L); // all first seen at sample 1
        var perSample = new List<int>();
        for (long sample = 2; sample <= 41; sample++)
        {
            var due = lastRead.Keys.Where(pid => RefreshSchedule.IsDue(sample, lastRead[pid], pid, every)).ToList();
            due.ForEach(pid => lastRead[pid] = sample);
            if (sample > 2 * every)
            {
                perSample.Add(due.Count); // steady state
            }
        }

        Assert.All(perSample, n => Assert.Equal(50, n));
        Assert.All(lastRead.Values, last => Assert.True(last > 41 - every));
    }

    [Theory]
    [InlineData(9L, 0L, 1000, 10, false)]  // fewer than N samples since the read
    [InlineData(10L, 0L, 1000, 10, true)]  // N samples, and 10 + 1000 is on the slot
    [InlineData(10L, 0L, 1001, 10, false)] // N samples, but pid 1001's slot is 19, 29, ...
    [InlineData(19L, 0L, 1001, 10, true)]
    [InlineData(5L, 4L, 1001, 1, true)]    // N = 1: every sample
    public void IsDue_NeedsNSamplesSinceTheLastReadAndThePidsSlot(long sample, long lastRead, int pid, int every, bool expected) =>
        Assert.Equal(expected, RefreshSchedule.IsDue(sample, lastRead, pid, every));

    [Theory]
    [InlineData(10L, 0L, 1000, true, true)]   // changed, on the every-10 slot
    [InlineData(10L, 0L, 1000, false, false)] // unchanged: the every-10 slot does not count
    [InlineData(9L, 0L, 1000, true, false)]   // changed, but fewer than 10 samples since the read
    [InlineData(100L, 0L, 1000, false, true)] // unchanged, on the max-age-100 slot (100 + 1000)
    [InlineData(100L, 0L, 1001, false, false)] // unchanged, pid 1001's max-age slot is 199
    [InlineData(199L, 0L, 1001, false, true)]
    public void IsDue_ChangedTasksOnTheEverySchedule_UnchangedOnesOnTheMaxAgeSchedule(long sample, long lastRead, int pid, bool changed, bool expected) =>
        Assert.Equal(expected, RefreshSchedule.IsDue(sample, lastRead, pid, every: 10, maxAge: 100, changed));

    [Fact]
    public void IsDue_IdleTasksFirstSeenTogether_AreReReadAboutOnePerMaxAgeSamplesEach()
    {
        const int maxAge = 60;
        var lastRead = Enumerable.Range(1000, 500).ToDictionary(pid => pid, _ => 1L);
        var reads = 0;
        var most = 0;
        for (long sample = 2; sample <= 1 + (3 * maxAge); sample++)
        {
            var due = lastRead.Keys.Where(pid => RefreshSchedule.IsDue(sample, lastRead[pid], pid, 10, maxAge, changed: false)).ToList();
            due.ForEach(pid => lastRead[pid] = sample);
            reads += due.Count;
            most = Math.Max(most, due.Count);
        }

        Assert.InRange(reads, 2 * 500, 3 * 500); // every task two or three times in three max ages, not every 10 samples
        Assert.True(most <= 9, $"{most} re-reads on one sample: not spread"); // 500 / 60 per slot
    }
}
