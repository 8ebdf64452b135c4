using System.Text.Json.Nodes;

namespace GiantVm.EndToEnd.Tests.Scenarios;

/// <summary>Reading the coordinator's journal records (JSON Lines, camelCase).</summary>
internal static class JournalQueries
{
    public static bool IsDecision(this JsonObject r) => (string?)r["kind"] == "decision";

    public static bool IsResult(this JsonObject r) => (string?)r["kind"] == "result";

    public static string MigrationId(this JsonObject r) => (string?)r["migrationId"] ?? "";

    public static string Status(this JsonObject r) => (string?)r["status"] ?? "";

    public static bool DryRun(this JsonObject r) => (bool?)r["dryRun"] ?? false;

    /// <summary>When the coordinator wrote the record.</summary>
    public static DateTimeOffset Time(this JsonObject r) =>
        DateTimeOffset.Parse((string?)r["time"] ?? throw new InvalidOperationException("a journal record without a time"), System.Globalization.CultureInfo.InvariantCulture);

    public static JsonObject? ResultOf(this List<JsonObject> journal, JsonObject decision) =>
        journal.FirstOrDefault(r => r.IsResult() && r.MigrationId() == decision.MigrationId());
}
