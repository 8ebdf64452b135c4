namespace GiantVm.NodeAgent.Sensing;

/// <summary>
/// Takes raw samples (I/O) and turns two of them into a report (pure). <c>probe</c> takes two
/// samples an interval apart; <c>run</c> keeps the previous sample and reports every interval.
/// </summary>
internal interface ISampler<TSample, TReport>
{
    TSample TakeSample();

    TReport Compute(TSample before, TSample after);
}
