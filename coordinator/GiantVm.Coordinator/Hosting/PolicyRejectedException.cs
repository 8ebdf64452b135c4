namespace GiantVm.Coordinator.Hosting;

/// <summary>The policy given at start is invalid: every error line is printed, exit code 2.</summary>
public sealed class PolicyRejectedException(IReadOnlyList<string> errors)
    : Exception("invalid policy: " + string.Join("; ", errors))
{
    public IReadOnlyList<string> Errors { get; } = errors;
}
