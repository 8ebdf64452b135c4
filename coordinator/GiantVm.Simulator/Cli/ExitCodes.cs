namespace GiantVm.Simulator.Cli;

/// <summary>Process exit codes of giantvm-sim.</summary>
internal static class ExitCodes
{
    public const int Ok = 0;

    /// <summary>An unexpected failure (a bug or an I/O failure while writing outputs).</summary>
    public const int Failure = 1;

    /// <summary>Usage or input error: bad option, missing or malformed trace, bad policy file.</summary>
    public const int Usage = 2;
}
