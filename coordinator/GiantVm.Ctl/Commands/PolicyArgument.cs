using GiantVm.Ctl.Cli;
using GiantVm.Scheduling.Policies;

namespace GiantVm.Ctl.Commands;

/// <summary>Loads a policy given on the command line (a file, or a shipped name) or fails with every error (exit 2).</summary>
internal static class PolicyArgument
{
    public static Policy Load(string nameOrPath)
    {
        var result = ShippedPolicies.Load(nameOrPath);
        return result.Ok ? result.Policy! : throw Invalid(result);
    }

    public static CtlException Invalid(PolicyLoadResult result)
    {
        var errors = result.Errors;
        var first = errors[0];
        return errors.Count == 1
            ? CtlException.Input(first.ToString())
            : CtlException.Input($"{first.Source}: {errors.Count} problems", errors.Select(e => e.ToString()).ToArray());
    }
}
