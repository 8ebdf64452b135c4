using System.CommandLine;
using GiantVm.Contracts.V1;
using GiantVm.Ctl.Cli;
using GiantVm.Ctl.Live;
using GiantVm.Scheduling.Journal;
using GiantVm.Shared;
using Google.Protobuf.WellKnownTypes;
using JournalRecord = GiantVm.Scheduling.Journal.JournalRecord;

namespace GiantVm.Ctl.Commands;

/// <summary>
/// <c>giantvmctl migrations [--since 1h|TIME] [--node K] [--pid N] [--status S] [--limit N]
/// [--follow] [-o table|wide|json|jsonl] [--file PATH]</c>: the migration log, live or from journal files.
/// </summary>
internal static class MigrationsCommand
{
    public static Command Create(CtlApp app)
    {
        var since = new Option<string>("--since") { Description = "Records at or after: a duration back from now (1h, 30m) or a time (2026-11-25T13:00:00Z; UTC without offset)", HelpName = "1h|TIME" };
        var node = new Option<uint?>("--node", "-n") { Description = "Records whose source or target is this node", HelpName = "K" };
        var pid = new Option<int?>("--pid") { Description = "Records of this process id", HelpName = "N" };
        var status = new Option<string[]>("--status") { Description = "Records with this status (repeat or comma-separate): " + string.Join(", ", MigrationStatuses.All), HelpName = "S", AllowMultipleArgumentsPerToken = false };
        var limit = new Option<int>("--limit") { Description = "At most the newest N records (0: all)", HelpName = "N", DefaultValueFactory = _ => 0 };
        limit.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() < 0)
            {
                r.AddError("--limit must be 0 or more");
            }
        });
        var follow = new Option<bool>("--follow", "-f") { Description = "Keep streaming new records until Ctrl-C" };
        var file = new Option<string>("--file") { Description = "Read journal files offline instead: a file, or a data folder of rotated files (migrations.N.jsonl, migrations.jsonl)", HelpName = "PATH" };
        var output = app.Output;
        var command = new Command("migrations", "The migration log (decisions and results), from the coordinator or offline from journal files. " +
                                                "-o table, wide (with migration id, kind and start time), json (an array) or jsonl (the journal's JSON Lines)")
        {
            since,
            node,
            pid,
            status,
            limit,
            follow,
            file,
        };
        command.SetAction(parse => app.Execute(parse, () =>
        {
            var query = new JournalQuery(
                Since: parse.GetValue(since) is { } s ? ArgumentText.Since(s, DateTimeOffset.UtcNow) : null,
                Node: parse.GetValue(node) is { } k ? (int)k : null,
                Pid: parse.GetValue(pid),
                Statuses: ArgumentText.Statuses(parse.GetValue(status) ?? []),
                Limit: parse.GetValue(limit));
            var format = OutputOption.Read(parse, output, OutputFormat.Table, OutputFormat.Wide, OutputFormat.Json, OutputFormat.JsonLines);
            if (parse.GetValue(file) is { } path)
            {
                if (parse.GetValue(follow))
                {
                    throw CtlException.Input("--follow reads from the coordinator; it cannot be used with --file");
                }

                Print(app, query.Apply(JournalFiles.Read(path)), format);
                return ExitCodes.Ok;
            }

            using var client = app.Connection.Open(parse, app);
            return Live(app, client, query, format, parse.GetValue(follow));
        }));
        return command;
    }

    private static int Live(CtlApp app, CoordinatorClient client, JournalQuery query, OutputFormat format, bool follow)
    {
        var request = ToProto(query);
        if (!follow)
        {
            var records = client.Call((c, ct) => c.ListMigrationsAsync(request, ct)).Records.Select(ProtoRecords.ToRecord).ToList();
            Print(app, records, format);
            return ExitCodes.Ok;
        }

        using var stop = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true;
            stop.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        try
        {
            client.Follow((c, ct) => c.WatchMigrations(request, cancellationToken: ct), proto =>
            {
                var record = ProtoRecords.ToRecord(proto);
                app.Console.Out.WriteLine(format is OutputFormat.Table or OutputFormat.Wide ? MigrationsView.Line(record, app.Width) : JournalJson.Serialize(record));
                app.Console.Out.Flush();
            }, stop.Token, onAnswered: () =>
            {
                if (format is OutputFormat.Table or OutputFormat.Wide)
                {
                    app.Console.Out.WriteLine(MigrationsView.HeaderLine());
                }
            });
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }

        return ExitCodes.Ok;
    }

    private static void Print(CtlApp app, IReadOnlyList<JournalRecord> records, OutputFormat format)
    {
        var w = app.Console.Out;
        switch (format)
        {
            case OutputFormat.Json:
                w.WriteLine(MigrationsView.Json(records));
                break;
            case OutputFormat.JsonLines:
                MigrationsView.JsonLines(w, records);
                break;
            default:
                MigrationsView.Table(w, records, app.Width, wide: format == OutputFormat.Wide);
                break;
        }
    }

    private static MigrationsQuery ToProto(JournalQuery query)
    {
        var request = new MigrationsQuery { Limit = (uint)query.Limit };
        if (query.Since is { } since)
        {
            request.Since = Timestamp.FromDateTimeOffset(since);
        }

        if (query.Node is { } node)
        {
            request.NodeId = (uint)node;
        }

        if (query.Pid is { } pid)
        {
            request.Pid = pid;
        }

        request.Status.AddRange((query.Statuses ?? []).Select(JournalProtoNames.StatusValue));
        return request;
    }
}
