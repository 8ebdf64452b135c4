namespace GiantVm.Fuzz;

/// <summary>
/// One input boundary: its seed corpus and a run that returns normally for a value or for the
/// documented error (<see cref="Expected"/> names it), and lets any other exception escape (a finding).
/// </summary>
/// <param name="Name">The name scripts/fuzz.sh takes.</param>
/// <param name="Expected">The documented outcome for bad input, for the docs and messages.</param>
/// <param name="Seeds">Seed inputs (real fixtures or shipped files).</param>
/// <param name="Run">Parses one input; throws only on a finding.</param>
public sealed record FuzzTarget(string Name, string Expected, Func<IReadOnlyList<byte[]>> Seeds, Action<byte[]> Run);
