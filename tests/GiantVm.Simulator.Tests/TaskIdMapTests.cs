using GiantVm.Simulator.Simulation;

namespace GiantVm.Simulator.Tests;

/// <summary>The open-addressing task map behaves like a dictionary through growth and deletions.</summary>
public sealed class TaskIdMapTests
{
    [Fact]
    public void Map_AfterRandomAddsAndRemoves_AgreesWithADictionary()
    {
        var map = new TaskIdMap();
        var expected = new Dictionary<TaskKey, int>();
        var rng = new Random(7);
        int nextId = 0;
        for (int op = 0; op < 200_000; op++)
        {
            // Few jobs with many consecutive task indices (the trace's shape) plus scattered ones.
            var key = rng.Next(4) == 0
                ? new TaskKey(rng.NextInt64(1, long.MaxValue), rng.Next(3))
                : new TaskKey(6_000_000_000 + rng.Next(40), rng.Next(2000));
            if (rng.Next(3) == 0)
            {
                Assert.Equal(expected.Remove(key), map.Remove(key));
            }
            else if (!expected.ContainsKey(key))
            {
                expected[key] = nextId;
                map.Add(key, nextId++);
            }

            Assert.Equal(expected.Count, map.Count);
        }

        foreach ((TaskKey key, int id) in expected)
        {
            Assert.True(map.TryGetValue(key, out int got));
            Assert.Equal(id, got);
        }

        Assert.False(map.TryGetValue(new TaskKey(42, 42), out int missing));
        Assert.Equal(-1, missing);
    }

    [Fact]
    public void Map_RemovingEverything_LeavesItEmptyAndUsable()
    {
        var map = new TaskIdMap();
        for (int i = 0; i < 5000; i++)
        {
            map.Add(new TaskKey(9, i), i);
        }

        for (int i = 0; i < 5000; i++)
        {
            Assert.True(map.Remove(new TaskKey(9, i)));
        }

        Assert.Equal(0, map.Count);
        Assert.False(map.TryGetValue(new TaskKey(9, 17), out _));
        map.Add(new TaskKey(9, 17), 3);
        Assert.True(map.TryGetValue(new TaskKey(9, 17), out int id));
        Assert.Equal(3, id);
    }
}
