using GiantVm.Scheduling.Policies;

namespace GiantVm.Scheduling.Engine;

/// <summary>
/// One node's smoothed steal and hysteresis: <see cref="Smoothed"/> is the EMA of the guest steal
/// ratio; <see cref="AboveRounds"/>/<see cref="BelowRounds"/> count consecutive rounds above
/// <c>steal_high</c> / below <c>steal_low</c>; <see cref="Hot"/> flips on after <c>hot_after</c>
/// rounds above and off after <c>cool_after</c> rounds below.
/// </summary>
public sealed record NodeSignal(double Smoothed, int AboveRounds, int BelowRounds, bool Hot)
{
    /// <summary>With <c>signal.lc_harm</c>: the EMA (weight <c>signal.lc_ema_alpha</c>) of the host's LC
    /// cores, which the gain of a move is computed on; null without host figures.</summary>
    public double? SmoothedLc { get; init; }

    /// <summary>The LC EMA after one more reading (null: none this round, the old value stays).</summary>
    public static double? NextLc(double? previous, double? lc, Policy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return lc is not { } now ? previous
            : previous is not { } before ? now
            : before + (policy.LcEmaAlpha * (now - before));
    }

    /// <summary>The signal after one more fresh reading.</summary>
    public static NodeSignal Next(NodeSignal? previous, double steal, Policy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        // The EMA starts at the first reading; written as prev + alpha x (new - prev) so that a
        // steady reading stays exactly itself.
        var smoothed = previous is null ? steal : previous.Smoothed + (policy.EmaAlpha * (steal - previous.Smoothed));
        var above = smoothed > policy.StealHigh ? (previous?.AboveRounds ?? 0) + 1 : 0;
        var below = smoothed < policy.StealLow ? (previous?.BelowRounds ?? 0) + 1 : 0;
        var hot = previous?.Hot ?? false;
        if (!hot && above >= policy.HotAfter)
        {
            hot = true;
        }
        else if (hot && below >= policy.CoolAfter)
        {
            hot = false;
        }

        return new NodeSignal(smoothed, Math.Min(above, 1_000_000), Math.Min(below, 1_000_000), hot);
    }
}
