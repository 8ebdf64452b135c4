using System.CommandLine;

namespace GiantVm.Ctl.Commands;

/// <summary><c>giantvmctl policy ...</c>: the policy verbs (offline: validate; live verbs show/reload join here).</summary>
internal static class PolicyCommand
{
    public static Command Create(CtlApp app) =>
        new("policy", "Work with policy files")
        {
            PolicyValidateCommand.Create(app),
        };
}
