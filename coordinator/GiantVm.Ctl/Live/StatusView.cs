using System.Text.Json.Nodes;
using GiantVm.Contracts.V1;

namespace GiantVm.Ctl.Live;

/// <summary><c>giantvmctl status</c> as a table and as JSON.</summary>
internal static class StatusView
{
    public static void Table(TextWriter w, StatusReply s, DateTimeOffset now, int? width = null)
    {
        var p = s.Policy;
        w.WriteLine($"instances:    {s.Instances}{(s.Instances > 1 ? " (giantvmctl vms lists them)" : "")}");
        if (s.Vm.Length == 0)
        {
            w.WriteLine("vm:           - (no GiantVM instance yet: an instance exists once one of its agents has connected)");
            StoreLines(w, s, width);
            Members(w, s, width);
            return;
        }

        w.WriteLine($"vm:           {s.Vm}");
        w.WriteLine($"rebalancer:   {s.RebalancerMember}{(s.Recording ? "" : "  (store not persisting: commands held back)")}");
        w.WriteLine($"policy:       {p?.Name} v{p?.Version} (mode {p?.Mode}{(p?.DryRun == true ? ", dry-run" : "")}), " +
                    $"loaded {LiveText.Ago(p?.LoadedAt?.ToDateTimeOffset(), now)}");
        w.WriteLine($"  source:     {(width is { } limit ? LiveText.Cut(p?.Source ?? "-", Math.Max(8, limit - 14)) : p?.Source ?? "-")}");
        w.WriteLine($"paused:       {LiveText.YesNo(s.Paused)}");
        w.WriteLine($"last round:   {LiveText.Ago(s.LastRound?.ToDateTimeOffset(), now)}, {s.LastRoundDecisions} decision{(s.LastRoundDecisions == 1 ? "" : "s")}");
        w.WriteLine($"migrations:   {s.MigrationsLastHour} in the last hour");
        StoreLines(w, s, width);
        Members(w, s, width);
        w.WriteLine();
        if (s.Agents.Count == 0)
        {
            w.WriteLine("no agents connected");
            return;
        }

        var agents = new FittedTable(width, "ROLE", "NODE", "HOSTNAME", "VERSION", "CONNECTED", "LAST REPORT").Free("HOSTNAME", "VERSION");
        foreach (var a in s.Agents.OrderBy(a => a.Role).ThenBy(a => a.NodeId))
        {
            agents.Row(ProtoRecords.RoleName(a.Role), a.Role == AgentRole.Host ? a.NodeId.ToString(System.Globalization.CultureInfo.InvariantCulture) : "-",
                a.Hostname.Length == 0 ? "-" : a.Hostname, a.AgentVersion.Length == 0 ? "-" : a.AgentVersion,
                LiveText.Ago(a.ConnectedAt?.ToDateTimeOffset(), now), LiveText.Ago(a.LastReport?.ToDateTimeOffset(), now));
        }

        agents.WriteTo(w);
    }

    private static void StoreLines(TextWriter w, StatusReply s, int? width)
    {
        if (s.Store is { } store)
        {
            var state = store.Reachable ? $"reachable ({store.LatencyMs:0.#} ms)" : $"NOT reachable: {store.Error}";
            w.WriteLine($"store:        {store.Kind}, {(width is { } limit1 ? LiveText.Cut(state, Math.Max(8, limit1 - 24)) : state)}");
            w.WriteLine($"  location:   {(width is { } limit2 ? LiveText.Cut(store.Location, Math.Max(8, limit2 - 14)) : store.Location)}");
        }
    }

    private static void Members(TextWriter w, StatusReply s, int? width)
    {
        w.WriteLine();
        var members = new FittedTable(width, "MEMBER", "STATUS", "REBALANCER", "GRPC").Free("GRPC");
        foreach (var m in s.Members)
        {
            members.Row(m.Address, m.Status, LiveText.YesNo(m.RunsRebalancer), m.GrpcUrl.Length == 0 ? "-" : m.GrpcUrl);
        }

        members.WriteTo(w);
    }

    public static string Json(StatusReply s) => LiveJson.Write(new JsonObject
    {
        ["vm"] = s.Vm.Length == 0 ? null : s.Vm,
        ["instances"] = s.Instances,
        ["rebalancerMember"] = s.RebalancerMember,
        ["recording"] = s.Recording,
        ["store"] = s.Store is { } store
            ? new JsonObject
            {
                ["kind"] = store.Kind,
                ["location"] = store.Location,
                ["reachable"] = store.Reachable,
                ["latencyMs"] = store.LatencyMs,
                ["error"] = store.Error.Length == 0 ? null : store.Error,
            }
            : null,
        ["members"] = LiveJson.Array(s.Members, m => new JsonObject
        {
            ["address"] = m.Address,
            ["status"] = m.Status,
            ["runsRebalancer"] = m.RunsRebalancer,
            ["grpcUrl"] = m.GrpcUrl.Length == 0 ? null : m.GrpcUrl,
        }),
        ["agents"] = LiveJson.Array(s.Agents, a => new JsonObject
        {
            ["role"] = ProtoRecords.RoleName(a.Role),
            ["node"] = a.Role == AgentRole.Host ? a.NodeId : null,
            ["vm"] = a.Vm,
            ["hostname"] = a.Hostname,
            ["version"] = a.AgentVersion,
            ["member"] = a.Member,
            ["connectedAt"] = LiveJson.Time(a.ConnectedAt),
            ["lastReport"] = LiveJson.Time(a.LastReport),
        }),
        ["policy"] = PolicyView.InfoJson(s.Policy),
        ["paused"] = s.Paused,
        ["lastRound"] = LiveJson.Time(s.LastRound),
        ["lastRoundDecisions"] = s.LastRoundDecisions,
        ["migrationsLastHour"] = s.MigrationsLastHour,
    });
}
