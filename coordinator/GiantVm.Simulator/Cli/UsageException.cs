namespace GiantVm.Simulator.Cli;

/// <summary>A user error (bad option value, unreadable input): one line on stderr, exit code 2.</summary>
internal sealed class UsageException(string message) : Exception(message);
