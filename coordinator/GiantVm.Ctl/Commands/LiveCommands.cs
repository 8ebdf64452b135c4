using System.CommandLine;

namespace GiantVm.Ctl.Commands;

/// <summary>The verbs that talk to a running coordinator over AdminService (policy show/reload join <see cref="PolicyCommand"/>).</summary>
internal static class LiveCommands
{
    public static IEnumerable<Command> Create(CtlApp app) =>
    [
        StatusCommand.Create(app),
        VmsCommand.Create(app),
        NodesCommand.Create(app),
        TasksCommand.Create(app),
        SnapshotCommand.Create(app),
        RebalanceCommand.Create(app),
        MoveCommand.Create(app),
        PauseCommand.Create(app),
        ResumeCommand.Create(app),
        DrainCommand.Create(app),
        UndrainCommand.Create(app),
        MigrationsCommand.Create(app),
        AdviseCommand.Create(app),
    ];
}
