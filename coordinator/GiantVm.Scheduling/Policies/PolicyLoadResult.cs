namespace GiantVm.Scheduling.Policies;

/// <summary>The outcome of loading a policy: the policy when there is no error, and every error found.</summary>
public sealed record PolicyLoadResult(Policy? Policy, IReadOnlyList<PolicyError> Errors)
{
    public bool Ok => Policy is not null && Errors.Count == 0;

    /// <summary>
    /// True when the text was refused whole for its size or nesting before it was read as a policy
    /// (<see cref="Yaml.BoundedYaml"/>): the request, not the policy, is wrong.
    /// </summary>
    public bool Refused { get; init; }

    internal static PolicyLoadResult Failed(params PolicyError[] errors) => new(null, errors);
}
