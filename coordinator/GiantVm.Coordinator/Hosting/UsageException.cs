namespace GiantVm.Coordinator.Hosting;

/// <summary>A user error in flags, configuration or the policy: printed as one line, exit code 2.</summary>
public sealed class UsageException(string message) : Exception(message);
