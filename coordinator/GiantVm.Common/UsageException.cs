namespace GiantVm.Common;

/// <summary>A user error in flags, configuration or an input file: printed as one line, exit code <see cref="ExitCodes.Usage"/>.</summary>
public sealed class UsageException(string message) : Exception(message);
