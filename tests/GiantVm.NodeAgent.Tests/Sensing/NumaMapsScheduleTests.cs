using GiantVm.NodeAgent.Sensing;

namespace GiantVm.NodeAgent.Tests.Sensing;

public class NumaMapsScheduleTests
{
    [Fact]
    public void IsDue_SpreadsReReadsEvenlyOverSamples_ForTasksFirstSeenTogether()
    {
        const int every = 10;
        var lastRead = Enumerable.Range(1000, 500).ToDictionary(pid => pid, _ => 1L); // all first seen at sample 1
        var perSample = new List<int>();
        for (long sample = 2; sample <= 41; sample++)
        {
            var due = lastRead.Keys.Where(pid => NumaMapsSchedule.IsDue(sample, lastRead[pid], pid, every)).ToList();
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
        Assert.Equal(expected, NumaMapsSchedule.IsDue(sample, lastRead, pid, every));
}
