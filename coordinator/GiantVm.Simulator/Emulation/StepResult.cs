namespace GiantVm.Simulator.Emulation;

/// <summary>The state after one step, the moves answered in it, and what happened (log lines).</summary>
internal sealed record StepResult(EmulatorState State, IReadOnlyList<MoveCompletion> Completions, IReadOnlyList<string> Events);
