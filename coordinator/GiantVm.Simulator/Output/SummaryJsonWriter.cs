using System.Text.Json;
using GiantVm.Simulator.Simulation;

namespace GiantVm.Simulator.Output;

/// <summary>
/// summary.json: <c>{"policies":[{"name",..,"meanUtilization","meanGini","lcViolations",
/// "lcCpuSecondsLost","beCpuSecondsServed","meanSteal","p95Steal","migrations","bytesMoved",
/// "memoryMoved","stealCpuSeconds","beCpuSecondsLostToMigration","avoidableLcLossRemoved",
/// "avoidableStealRemoved"}],"noneLcLoss":{"unavoidableCpuSeconds","avoidableCpuSeconds"} (with
/// both a none and an oracle row),"steps","machines","rowsRead","anomalies":{"endBeforeStart","noTaskEvent",
/// "outsideMachines","missingMachine","lateRows"}}</c>.
/// </summary>
internal static class SummaryJsonWriter
{
    public static void Write(string path, SimulationResult result)
    {
        using var stream = File.Create(path);
        Write(stream, result);
    }

    public static void Write(Stream stream, SimulationResult result)
    {
        using var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        w.WriteStartObject();
        w.WriteStartArray("policies");
        foreach (PolicySummary p in result.Policies)
        {
            w.WriteStartObject();
            w.WriteString("name", p.Name);
            w.WriteNumber("meanUtilization", p.MeanUtilization);
            w.WriteNumber("meanGini", p.MeanGini);
            w.WriteNumber("lcViolations", p.LcViolations);
            w.WriteNumber("lcCpuSecondsLost", p.LcCpuSecondsLost);
            w.WriteNumber("beCpuSecondsServed", p.BeCpuSecondsServed);
            w.WriteNumber("meanSteal", p.MeanSteal);
            w.WriteNumber("p95Steal", p.P95Steal);
            w.WriteNumber("migrations", p.Migrations);
            w.WriteNumber("bytesMoved", p.BytesMoved);
            w.WriteNumber("memoryMoved", p.MemoryMoved);
            w.WriteNumber("stealCpuSeconds", p.StealCpuSeconds);
            w.WriteNumber("beCpuSecondsLostToMigration", p.BeCpuSecondsLostToMigration);
            WriteNullable(w, "avoidableLcLossRemoved", p.AvoidableLcLossRemoved);
            WriteNullable(w, "avoidableStealRemoved", p.AvoidableStealRemoved);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        if (DecisionQuality.LcLossSplit(result.Policies) is var (unavoidable, avoidable))
        {
            w.WriteStartObject("noneLcLoss");
            w.WriteNumber("unavoidableCpuSeconds", unavoidable);
            w.WriteNumber("avoidableCpuSeconds", avoidable);
            w.WriteEndObject();
        }

        w.WriteNumber("steps", result.Steps);
        w.WriteNumber("machines", result.Machines);
        w.WriteNumber("rowsRead", result.RowsRead);
        w.WriteStartObject("anomalies");
        w.WriteNumber("endBeforeStart", result.Anomalies.EndBeforeStart);
        w.WriteNumber("noTaskEvent", result.Anomalies.NoTaskEvent);
        w.WriteNumber("outsideMachines", result.Anomalies.OutsideMachines);
        w.WriteNumber("missingMachine", result.Anomalies.MissingMachine);
        w.WriteNumber("lateRows", result.Anomalies.LateRows);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void WriteNullable(Utf8JsonWriter w, string name, double? value)
    {
        if (value is double v)
        {
            w.WriteNumber(name, v);
        }
        else
        {
            w.WriteNull(name);
        }
    }
}
