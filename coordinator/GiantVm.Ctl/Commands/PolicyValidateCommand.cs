using System.CommandLine;
using GiantVm.Ctl.Cli;
using GiantVm.Scheduling.Policies;

namespace GiantVm.Ctl.Commands;

/// <summary>
/// <c>giantvmctl policy validate FILE</c>: exit 0 and a summary when the file is valid; every
/// problem as <c>file:line: key message</c> on stderr and exit 2 otherwise.
/// </summary>
internal static class PolicyValidateCommand
{
    public static Command Create(CtlApp app)
    {
        var file = new Argument<string>("FILE") { Description = "The policy file to check" };
        var command = new Command("validate", "Check a policy file: every problem is reported with file:line: key")
        {
            file,
        };
        command.SetAction(parse => app.Execute(parse, () =>
        {
            var path = parse.GetValue(file)!;
            var result = PolicyLoader.LoadFile(path);
            if (!result.Ok)
            {
                throw PolicyArgument.Invalid(result);
            }

            var policy = result.Policy!;
            var changes = PolicyDiff.Describe(Policy.Default with { Name = policy.Name }, policy);
            app.Console.Out.WriteLine($"{path}: ok: policy {policy.Name}, mode {PolicyModeText.Name(policy.Mode)}, " +
                                      (changes.Count == 0 ? "same as the default otherwise" : $"{changes.Count} change{(changes.Count == 1 ? "" : "s")} from the default:"));
            foreach (var line in changes)
            {
                app.Console.Out.WriteLine("  " + line);
            }

            return ExitCodes.Ok;
        }));
        return command;
    }
}
