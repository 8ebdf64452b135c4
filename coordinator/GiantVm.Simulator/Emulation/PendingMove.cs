using System.Collections.Immutable;

namespace GiantVm.Simulator.Emulation;

/// <summary>A move the emulator accepted and is carrying out (its pages still migrating).</summary>
/// <param name="PagesBefore">Pages per node when the request was accepted.</param>
/// <param name="BytesCarry">Fraction of a page not yet moved (migration runs at a byte rate).</param>
internal sealed record PendingMove(
    MoveRequest Request,
    double AcceptedAt,
    ImmutableArray<long> PagesBefore,
    string AffinityBefore,
    double BytesCarry);
