namespace GiantVm.Scheduling.Policies;

/// <summary>The outcome of loading a policy: the policy when there is no error, and every error found.</summary>
public sealed record PolicyLoadResult(Policy? Policy, IReadOnlyList<PolicyError> Errors)
{
    public bool Ok => Policy is not null && Errors.Count == 0;

    internal static PolicyLoadResult Failed(params PolicyError[] errors) => new(null, errors);
}
