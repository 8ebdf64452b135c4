using GiantVm.Contracts.V1;

namespace GiantVm.NodeAgent.Reporting;

/// <summary>
/// Migration results waiting for the coordinator's ReportAck. Results are sent on the current
/// stream and kept until acknowledged; a new stream sends every unacknowledged one again (the
/// coordinator deduplicates by command id). Holds at most <c>capacity</c> results, dropping the oldest.
/// </summary>
internal sealed class ResultOutbox
{
    private readonly Wakeup _wakeup;
    private readonly int _capacity;
    private readonly object _gate = new();
    private readonly List<Entry> _entries = [];

    public ResultOutbox(Wakeup wakeup, int capacity = 10_000)
    {
        _wakeup = wakeup;
        _capacity = capacity;
    }

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _entries.Count;
            }
        }
    }

    public void Add(MigrationResult result)
    {
        lock (_gate)
        {
            _entries.Add(new Entry(result));
            if (_entries.Count > _capacity)
            {
                _entries.RemoveAt(0);
            }
        }

        _wakeup.Pulse();
    }

    /// <summary>The results not yet sent on this stream; the caller sends them and calls <see cref="MarkSent"/>.</summary>
    public IReadOnlyList<MigrationResult> Unsent()
    {
        lock (_gate)
        {
            return _entries.Where(e => e.Sequence is null).Select(e => e.Result).ToList();
        }
    }

    public void MarkSent(MigrationResult result, ulong sequence)
    {
        lock (_gate)
        {
            var entry = _entries.FirstOrDefault(e => ReferenceEquals(e.Result, result));
            if (entry is not null)
            {
                entry.Sequence = sequence;
            }
        }
    }

    /// <summary>The coordinator acknowledged message <paramref name="sequence"/> of the current stream.</summary>
    public void Acknowledge(ulong sequence)
    {
        lock (_gate)
        {
            _entries.RemoveAll(e => e.Sequence == sequence);
        }
    }

    /// <summary>A new stream: everything unacknowledged goes out again.</summary>
    public void NewStream()
    {
        lock (_gate)
        {
            foreach (var e in _entries)
            {
                e.Sequence = null;
            }
        }

        _wakeup.Pulse();
    }

    private sealed class Entry(MigrationResult result)
    {
        public MigrationResult Result { get; } = result;

        public ulong? Sequence { get; set; }
    }
}
