using System.Text;
using System.Text.Json;

namespace GiantVm.Ctl.Planning;

/// <summary>
/// <c>plan -o json</c>: <c>{"steps":[{"time":..,"decisions":[{"pid":..,"from":..,"to":..,"dryRun":..,"reason":".."}]}]}</c>,
/// one step per snapshot, on one line.
/// </summary>
internal static class PlanJson
{
    public static string Write(PlanResult plan)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = false, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteStartArray("steps");
            foreach (var step in plan.Steps)
            {
                json.WriteStartObject();
                json.WriteString("time", step.Time);
                json.WriteStartArray("decisions");
                foreach (var d in step.Decisions)
                {
                    json.WriteStartObject();
                    json.WriteNumber("pid", d.Pid);
                    json.WriteNumber("from", d.From);
                    json.WriteNumber("to", d.To);
                    json.WriteBoolean("dryRun", d.DryRun);
                    json.WriteString("reason", d.Reason);
                    json.WriteEndObject();
                }

                json.WriteEndArray();
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
