using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace GiantVm.Scheduling.Journal;

/// <summary>
/// The journal's JSON Lines format: one <see cref="JournalRecord"/> per line, camelCase keys, every
/// key written (null when unknown). Reading tolerates a torn last line (a crash in the middle of
/// a write) but nothing else.
/// </summary>
public static class JournalJson
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        WriteIndented = false,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, // readable reasons ("->"), still valid JSON
        RespectRequiredConstructorParameters = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip,
    };

    /// <summary>One record as one line of JSON, without the line break.</summary>
    public static string Serialize(JournalRecord record) => JsonSerializer.Serialize(record, Options);

    /// <summary>Parses one line; throws <see cref="JournalFormatException"/> naming source and line.</summary>
    public static JournalRecord Parse(string line, string source, int lineNumber)
    {
        JournalRecord? record;
        try
        {
            record = JsonSerializer.Deserialize<JournalRecord>(line, Options);
        }
        catch (JsonException e)
        {
            throw new JournalFormatException(source, lineNumber, FirstSentence(e.Message));
        }

        if (record is null)
        {
            throw new JournalFormatException(source, lineNumber, "null is not a journal record");
        }

        if (record.Kind is not (JournalKinds.Decision or JournalKinds.Result))
        {
            throw new JournalFormatException(source, lineNumber, $"kind must be decision or result (got '{record.Kind}')");
        }

        return record;
    }

    /// <summary>
    /// Every record of one journal file's text, in order. Blank lines are skipped; an unparsable
    /// last line without its line break (a torn write) is ignored; any other bad line throws.
    /// </summary>
    public static IReadOnlyList<JournalRecord> ReadLines(string text, string source)
    {
        var records = new List<JournalRecord>();
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].TrimEnd('\r');
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            var isTornTail = i == lines.Length - 1;
            try
            {
                records.Add(Parse(line, source, i + 1));
            }
            catch (JournalFormatException) when (isTornTail)
            {
                // The writer crashed mid-line: the record was never acknowledged.
            }
        }

        return records;
    }

    /// <summary>The records as JSON Lines text, each line ended by '\n'.</summary>
    public static string WriteLines(IEnumerable<JournalRecord> records)
    {
        var text = new StringBuilder();
        foreach (var record in records)
        {
            text.Append(Serialize(record)).Append('\n');
        }

        return text.ToString();
    }

    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(". ", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message;
    }
}
