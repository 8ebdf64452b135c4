using GiantVm.Simulator.Trace;

namespace GiantVm.Simulator.Simulation;

/// <summary>
/// Dense ids for the tasks seen recently (ids are reused after a task is forgotten), with each
/// task's LC/BE side, so that per-step state lives in arrays bounded by the live tasks.
/// </summary>
internal sealed class LiveTaskTable
{
    private readonly TaskIdMap _ids = new();
    private readonly Stack<int> _free = new();
    private readonly TaskClassTable _classes;
    private readonly bool[] _lcClass;
    private int _next;

    public LiveTaskTable(TaskClassTable classes, IReadOnlySet<int> lcClasses)
    {
        _classes = classes;
        _lcClass = new bool[256];
        foreach (int c in lcClasses)
        {
            if (c is >= 0 and < 256)
            {
                _lcClass[c] = true;
            }
        }
    }

    public TaskKey[] Keys { get; private set; } = new TaskKey[1024];

    public bool[] IsLc { get; private set; } = new bool[1024];

    public bool[] NoTaskEvent { get; private set; } = new bool[1024];

    public long[] LastSeenStep { get; private set; } = new long[1024];

    /// <summary>Length of the per-id arrays (every id is below it).</summary>
    public int Capacity => Keys.Length;

    public int Count => _ids.Count;

    /// <summary>A hint that <see cref="GetOrAdd"/> will soon be asked for this task.</summary>
    public void Prefetch(long job, int index) => _ids.Prefetch(new TaskKey(job, index));

    /// <summary>The task's id if it has one now, without adding it (for hints: it may change before the row is added).</summary>
    public bool TryPeek(long job, int index, out int id) => _ids.TryGetValue(new TaskKey(job, index), out id);

    public int GetOrAdd(long job, int index)
    {
        var key = new TaskKey(job, index);
        if (_ids.TryGetValue(key, out int id))
        {
            return id;
        }

        id = _free.Count > 0 ? _free.Pop() : _next++;
        if (id >= Keys.Length)
        {
            Grow();
        }

        bool known = _classes.TryGet(job, index, out int cls);
        Keys[id] = key;
        IsLc[id] = known && (uint)cls < 256 && _lcClass[cls];
        NoTaskEvent[id] = !known;
        LastSeenStep[id] = long.MinValue;
        _ids.Add(key, id);
        return id;
    }

    /// <summary>Forgets every task last seen before <paramref name="step"/>; returns the freed ids.</summary>
    public List<int> ForgetSeenBefore(long step)
    {
        var freed = new List<int>();
        for (int id = 0; id < _next; id++)
        {
            long seen = LastSeenStep[id];
            if (seen != long.MinValue && seen < step && _ids.Remove(Keys[id]))
            {
                LastSeenStep[id] = long.MinValue;
                freed.Add(id);
                _free.Push(id);
            }
        }

        return freed;
    }

    private void Grow()
    {
        int size = Keys.Length * 2;
        Keys = Resize(Keys, size);
        IsLc = Resize(IsLc, size);
        NoTaskEvent = Resize(NoTaskEvent, size);
        LastSeenStep = Resize(LastSeenStep, size);
    }

    private static T[] Resize<T>(T[] a, int size)
    {
        Array.Resize(ref a, size);
        return a;
    }
}
