using System.CommandLine;
using GiantVm.Ctl.Cli;

namespace GiantVm.Ctl.Commands;

/// <summary><c>giantvmctl completion bash|zsh|fish</c>: prints the shell's completion script (<see cref="CompletionScripts"/>).</summary>
internal static class CompletionCommand
{
    public static Command Create(CtlApp app)
    {
        var shell = new Argument<string>("shell") { Description = "bash, zsh or fish" };
        shell.AcceptOnlyFromAmong(CompletionScripts.Shells.ToArray());
        var command = new Command("completion", "Print a shell completion script: source <(giantvmctl completion bash), or install it as " +
                                                "/etc/bash_completion.d/giantvmctl (the Ansible role does), ~/.zfunc/_giantvmctl (zsh), ~/.config/fish/completions/giantvmctl.fish. " +
                                                "The script asks giantvmctl itself what fits (verbs, options, option values) at each TAB")
        {
            shell,
        };
        command.SetAction(parse => app.Execute(parse, () =>
        {
            app.Console.Out.Write(CompletionScripts.For(parse.GetValue(shell)!));
            return ExitCodes.Ok;
        }));
        return command;
    }
}
