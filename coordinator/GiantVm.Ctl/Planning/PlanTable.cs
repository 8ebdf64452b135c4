using System.Globalization;
using GiantVm.Ctl.Cli;
using GiantVm.Scheduling.Policies;

namespace GiantVm.Ctl.Planning;

/// <summary>
/// <c>plan -o table</c>: a header, then for each round with decisions or notes (every round for a
/// single snapshot) its decisions; the nodes of a single snapshot; a summary line.
/// </summary>
internal static class PlanTable
{
    public static void Write(TextWriter w, PlanResult plan, Policy policy, string source)
    {
        var mode = PolicyModeText.Name(policy.Mode);
        w.WriteLine(plan.Sustained
            ? $"plan: policy {policy.Name} (mode {mode}{(policy.DryRun ? ", dry-run" : "")}), 1 snapshot from {source}, steal taken as sustained"
            : $"plan: policy {policy.Name} (mode {mode}{(policy.DryRun ? ", dry-run" : "")}), {plan.Steps.Count} snapshots from {source}, rules as in production");

        foreach (var step in plan.Steps)
        {
            if (!plan.Sustained && step.Decisions.Count == 0 && step.Notes.Count == 0)
            {
                continue;
            }

            w.WriteLine();
            w.WriteLine($"round {step.Round}  {step.Time.ToString("yyyy-MM-ddTHH:mm:ss.FFFK", CultureInfo.InvariantCulture)}  " +
                        $"{step.Decisions.Count} decision{(step.Decisions.Count == 1 ? "" : "s")}");
            if (plan.Sustained)
            {
                var nodes = new TableWriter("NODE", "STEAL", "SMOOTHED", "HOT", "TARGET", "NOTE");
                foreach (var n in step.Nodes)
                {
                    nodes.Row(n.Id, F(n.StealRatio), F(n.SmoothedStealRatio), n.Hot ? "yes" : "no", n.Eligible ? "yes" : "no", n.Note ?? "");
                }

                nodes.WriteTo(w, "  ");
                if (step.Decisions.Count > 0)
                {
                    w.WriteLine();
                }
            }

            if (step.Decisions.Count > 0)
            {
                var table = new TableWriter("PID", "COMM", "FROM", "TO", "DRY-RUN", "REASON");
                foreach (var d in step.Decisions)
                {
                    table.Row(d.Pid, d.Comm ?? "-", d.From, d.To, d.DryRun ? "yes" : "no", d.Reason);
                }

                table.WriteTo(w, "  ");
            }

            foreach (var note in step.Notes)
            {
                w.WriteLine($"  note: {note}");
            }
        }

        var total = plan.Steps.Sum(s => s.Decisions.Count);
        w.WriteLine();
        w.WriteLine($"{plan.Steps.Count} round{(plan.Steps.Count == 1 ? "" : "s")}, {total} decision{(total == 1 ? "" : "s")}" +
                    $"{(policy.DryRun && total > 0 ? " (dry-run)" : "")}");
    }

    private static string F(double value) => value.ToString("0.000", CultureInfo.InvariantCulture);
}
