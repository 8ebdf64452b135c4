namespace GiantVm.Simulator.Emulation;

/// <summary>A bad scenario file: every problem, each as <c>file:line: message</c>.</summary>
internal sealed class ScenarioException(IReadOnlyList<string> errors)
    : Exception(errors.Count == 1 ? errors[0] : $"{errors[0]} (and {errors.Count - 1} more: {string.Join("; ", errors.Skip(1))})")
{
    public IReadOnlyList<string> Errors { get; } = errors;
}
