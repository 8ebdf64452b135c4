using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace GiantVm.Coordinator.Replication;

/// <summary>
/// <c>state.jsonl</c> in a member's data folder: the replicated state changes, one JSON object per
/// line, each append flushed to disk (fsync) before it returns. A torn last line is ignored.
/// </summary>
public sealed class StateFile : IDisposable
{
    public const string FileName = "state.jsonl";

    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        RespectRequiredConstructorParameters = true,
    };

    private readonly object _gate = new();
    private FileStream? _stream;

    public StateFile(string folder)
    {
        Directory.CreateDirectory(folder);
        Path = System.IO.Path.Combine(folder, FileName);
    }

    public string Path { get; }

    public static string Serialize(StateRecord record) => JsonSerializer.Serialize(record, Options);

    public void Append(StateRecord record)
    {
        var bytes = Encoding.UTF8.GetBytes(Serialize(record) + "\n");
        lock (_gate)
        {
            _stream ??= new FileStream(Path, FileMode.Append, FileAccess.Write, FileShare.Read | FileShare.Delete);
            _stream.Write(bytes);
            _stream.Flush(flushToDisk: true);
        }
    }

    public IReadOnlyList<StateRecord> ReadAll()
    {
        string text;
        lock (_gate)
        {
            if (!File.Exists(Path))
            {
                return [];
            }

            using var stream = new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            text = reader.ReadToEnd();
        }

        var records = new List<StateRecord>();
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            if (string.IsNullOrWhiteSpace(lines[i]))
            {
                continue;
            }

            try
            {
                records.Add(JsonSerializer.Deserialize<StateRecord>(lines[i], Options) ?? throw new JsonException("null"));
            }
            catch (JsonException) when (i == lines.Length - 1)
            {
                // a torn last line (crash mid-write): never acknowledged
            }
            catch (JsonException e)
            {
                throw new InvalidDataException($"{Path}:{i + 1}: not a state record: {e.Message}", e);
            }
        }

        return records;
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _stream?.Dispose();
            _stream = null;
        }
    }
}
