using System.Globalization;
using System.Text.Json.Nodes;
using GiantVm.Contracts.V1;

namespace GiantVm.Ctl.Live;

/// <summary><c>giantvmctl vms</c>: one row per GiantVM instance.</summary>
internal static class VmsView
{
    public static void Table(TextWriter w, VmsReply reply, int? width = null)
    {
        if (reply.Vms.Count == 0)
        {
            w.WriteLine("no GiantVM instance yet (an instance exists once one of its agents has connected)");
            return;
        }

        static string N(uint value) => value.ToString(CultureInfo.InvariantCulture);
        var table = new FittedTable(width, "VM", "MEMBER", "NODES", "HOT", "BE", "PAUSED", "POLICY", "MIGR/1H", "AGENTS", "RECORDING").Free("VM", "MEMBER", "POLICY");
        foreach (var vm in reply.Vms.OrderBy(v => v.Vm, StringComparer.Ordinal))
        {
            var answered = vm.Error.Length == 0;
            table.Row(vm.Vm, answered ? vm.Member : "(no answer)", answered ? N(vm.Nodes) : "-", answered ? N(vm.HotNodes) : "-", answered ? N(vm.BeTasks) : "-",
                answered ? LiveText.YesNo(vm.Paused) : "-", answered ? $"{vm.PolicyName} v{N(vm.PolicyVersion)}" : "-",
                answered ? N(vm.MigrationsLastHour) : "-", N(vm.AgentsConnected), answered ? LiveText.YesNo(vm.Recording) : "-");
        }

        table.WriteTo(w);
        foreach (var vm in reply.Vms.Where(v => v.Error.Length > 0))
        {
            w.WriteLine($"{vm.Vm}: {vm.Error}");
        }

        w.WriteLine($"{reply.Vms.Count} of at most {reply.MaxVms} instances");
    }

    public static string Json(VmsReply reply) => LiveJson.Write(new JsonObject
    {
        ["maxVms"] = reply.MaxVms,
        ["vms"] = LiveJson.Array(reply.Vms.OrderBy(v => v.Vm, StringComparer.Ordinal), v => new JsonObject
        {
            ["vm"] = v.Vm,
            ["member"] = v.Member.Length == 0 ? null : v.Member,
            ["nodes"] = v.Nodes,
            ["hotNodes"] = v.HotNodes,
            ["beTasks"] = v.BeTasks,
            ["paused"] = v.Paused,
            ["policy"] = v.PolicyName.Length == 0 ? null : v.PolicyName,
            ["policyVersion"] = v.PolicyVersion,
            ["migrationsLastHour"] = v.MigrationsLastHour,
            ["agentsConnected"] = v.AgentsConnected,
            ["recording"] = v.Recording,
            ["error"] = v.Error.Length == 0 ? null : v.Error,
        }),
    });
}
