using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace GiantVm.Simulator.Simulation;

/// <summary>
/// Task (job ID, task index) to dense id, for the lookup every usage row makes: open addressing
/// with linear probing over one array of 16-byte slots (key and id side by side: one cache miss
/// per lookup where <see cref="Dictionary{TKey,TValue}"/> takes two), at most half full, and
/// backward-shift deletion (no tombstones, so lookups stay short however many tasks come and go).
/// <see cref="Prefetch"/> lets the reader ask for a slot a few rows before it looks it up.
/// </summary>
internal sealed class TaskIdMap
{
    private Slot[] _slots = new Slot[1024];
    private int _shift = 64 - 10;

    public int Count { get; private set; }

    public bool TryGetValue(TaskKey key, out int id)
    {
        Slot[] slots = _slots;
        int mask = slots.Length - 1;
        for (int i = Home(key, _shift); ; i = (i + 1) & mask)
        {
            ref Slot s = ref slots[i];
            if (s.IdPlusOne == 0)
            {
                id = -1;
                return false;
            }

            if (s.Job == key.Job && s.Index == key.Index)
            {
                id = s.IdPlusOne - 1;
                return true;
            }
        }
    }

    /// <summary>
    /// Starts loading the cache line where <paramref name="key"/>'s lookup begins (a hint: changes
    /// nothing, and does nothing without SSE), so that the lookup a few rows later finds it there.
    /// </summary>
    public unsafe void Prefetch(TaskKey key)
    {
        if (Sse.IsSupported)
        {
            Slot[] slots = _slots;
            ref Slot slot = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(slots), Home(key, _shift));
            Sse.Prefetch0(Unsafe.AsPointer(ref slot));
        }
    }

    /// <summary>Adds a key that is not in the map.</summary>
    public void Add(TaskKey key, int id)
    {
        if ((Count + 1) * 2 > _slots.Length)
        {
            Grow();
        }

        Insert(_slots, _shift, key.Job, key.Index, id + 1);
        Count++;
    }

    public bool Remove(TaskKey key)
    {
        Slot[] slots = _slots;
        int mask = slots.Length - 1;
        int i = Home(key, _shift);
        while (true)
        {
            ref Slot s = ref slots[i];
            if (s.IdPlusOne == 0)
            {
                return false;
            }

            if (s.Job == key.Job && s.Index == key.Index)
            {
                break;
            }

            i = (i + 1) & mask;
        }

        // Backward shift: move later entries of the run into the hole unless their home lies
        // cyclically in (hole, their slot], where they are still reachable.
        int j = i;
        while (true)
        {
            j = (j + 1) & mask;
            ref Slot next = ref slots[j];
            if (next.IdPlusOne == 0)
            {
                break;
            }

            int home = Home(new TaskKey(next.Job, next.Index), _shift);
            bool reachable = i <= j ? i < home && home <= j : i < home || home <= j;
            if (!reachable)
            {
                slots[i] = next;
                i = j;
            }
        }

        slots[i] = default;
        Count--;
        return true;
    }

    /// <summary>Fibonacci hashing of both fields, top bits: tasks of one job (consecutive indices) spread out.</summary>
    private static int Home(TaskKey key, int shift)
    {
        ulong h = ((ulong)key.Job * 0x9E3779B97F4A7C15UL) ^ ((ulong)(uint)key.Index * 0xC2B2AE3D27D4EB4FUL);
        h ^= h >> 29;
        return (int)((h * 0xBF58476D1CE4E5B9UL) >> shift);
    }

    private static void Insert(Slot[] slots, int shift, long job, int index, int idPlusOne)
    {
        int mask = slots.Length - 1;
        int i = Home(new TaskKey(job, index), shift);
        while (slots[i].IdPlusOne != 0)
        {
            i = (i + 1) & mask;
        }

        slots[i] = new Slot { Job = job, Index = index, IdPlusOne = idPlusOne };
    }

    private void Grow()
    {
        var bigger = new Slot[_slots.Length * 2];
        int shift = _shift - 1;
        foreach (Slot s in _slots)
        {
            if (s.IdPlusOne != 0)
            {
                Insert(bigger, shift, s.Job, s.Index, s.IdPlusOne);
            }
        }

        _slots = bigger;
        _shift = shift;
    }

    private struct Slot
    {
        public long Job;
        public int Index;

        /// <summary>The id + 1; 0 marks an empty slot (so a new array is all empty).</summary>
        public int IdPlusOne;
    }
}
