using System.Diagnostics;

namespace GiantVm.Fuzz;

/// <summary>A finding: an input whose outcome was neither a value nor the documented error, or that ran too long.</summary>
public sealed record Finding(string Target, string Kind, string Message, byte[] Input);

/// <summary>What a run did: executions, distinct findings, the slowest input's time.</summary>
public sealed record FuzzReport(string Target, long Executions, IReadOnlyList<Finding> Findings, TimeSpan Slowest, TimeSpan Elapsed);

/// <summary>
/// Runs a target over its seeds and then over mutants of them until the execution or time budget
/// is spent. Deterministic for a given seed and execution budget. An input slower than
/// <see cref="SlowInput"/> is a finding ("slow"); one that never returns is caught by the caller's
/// watchdog (the test timeout, or scripts/fuzz.sh's).
/// </summary>
public static class FuzzRun
{
    public static readonly TimeSpan SlowInput = TimeSpan.FromSeconds(2);

    /// <summary>
    /// An input that took longer than <see cref="SlowInput"/> once is run twice more: on a loaded
    /// machine one run can be slow by a scheduling or GC pause, an input that is slow by itself is
    /// slow every time. Returns the faster of the two reruns when both are slow too, else null.
    /// </summary>
    private static TimeSpan? SlowAgain(FuzzTarget target, byte[] input)
    {
        var best = TimeSpan.MaxValue;
        for (var i = 0; i < 2; i++)
        {
            var clock = Stopwatch.StartNew();
            try
            {
                target.Run(input);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // the first run already recorded what it throws
            }

            best = clock.Elapsed < best ? clock.Elapsed : best;
            if (best <= SlowInput)
            {
                return null;
            }
        }

        return best;
    }

    public static FuzzReport Run(FuzzTarget target, int seed, long maxExecutions, TimeSpan maxTime, Action<long>? progress = null)
    {
        var seeds = target.Seeds().Where(s => s.Length <= Mutator.MaxBytes).ToList();
        if (seeds.Count == 0)
        {
            seeds.Add([]);
        }

        var mutator = new Mutator(seed);
        var findings = new Dictionary<string, Finding>(StringComparer.Ordinal);
        var clock = Stopwatch.StartNew();
        var slowest = TimeSpan.Zero;
        long executions = 0;
        var corpus = new List<byte[]>(seeds);
        while (executions < maxExecutions && clock.Elapsed < maxTime)
        {
            var input = executions < seeds.Count
                ? seeds[(int)executions]
                : mutator.Mutate(corpus[mutator.Random.Next(corpus.Count)], corpus[mutator.Random.Next(corpus.Count)]);
            var started = clock.Elapsed;
            try
            {
                target.Run(input);
            }
            catch (Exception e)
            {
                // one finding per exception type and throwing method: a bug, not every input that hits it
                var key = e.GetType().FullName + " at " + (e.TargetSite?.DeclaringType?.FullName + "." + e.TargetSite?.Name);
                findings.TryAdd(key, new Finding(target.Name, e.GetType().Name, e.Message + " [" + key + "]", input));
            }

            var took = clock.Elapsed - started;
            if (took > slowest)
            {
                slowest = took;
            }

            if (took > SlowInput && SlowAgain(target, input) is { } again)
            {
                findings.TryAdd("slow", new Finding(target.Name, "slow",
                    $"one input took {took.TotalSeconds:0.0} s, and {again.TotalSeconds:0.0} s at best in two more runs ({input.Length} bytes)", input));
            }

            // keep a few mutants as further seeds (crude corpus growth; no coverage feedback)
            if (executions >= seeds.Count && corpus.Count < 256 && mutator.Random.Next(64) == 0)
            {
                corpus.Add(input);
            }

            executions++;
            if (progress is not null && executions % 10_000 == 0)
            {
                progress(executions);
            }
        }

        return new FuzzReport(target.Name, executions, [.. findings.Values], slowest, clock.Elapsed);
    }
}
