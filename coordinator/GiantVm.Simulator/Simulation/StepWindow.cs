using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace GiantVm.Simulator.Simulation;

/// <summary>
/// The open steps, from <see cref="FirstOpen"/> on, in a ring of <see cref="StepSlot"/>s that
/// grows when a row reaches further ahead; closing a step hands its slot out for reuse.
/// </summary>
internal sealed class StepWindow(int machines)
{
    private StepSlot?[] _ring = new StepSlot?[8];

    public long FirstOpen { get; set; }

    public StepSlot Get(long step)
    {
        while (step - FirstOpen >= _ring.Length)
        {
            Grow();
        }

        int i = (int)(step & (_ring.Length - 1));
        StepSlot slot = _ring[i] ??= new StepSlot(machines);
        if (slot.Step != step)
        {
            slot.Reset(step);
        }

        return slot;
    }

    /// <summary>
    /// A hint that task <paramref name="id"/> will soon be added to <paramref name="step"/>: starts
    /// loading its entry in the slot that step will use (changes nothing; the slot may not be
    /// there yet, or belong to an older step until it is reset, which keeps its arrays).
    /// </summary>
    public unsafe void Prefetch(long step, int id)
    {
        if (Sse.IsSupported && step >= FirstOpen)
        {
            StepSlot? slot = _ring[(int)(step & (_ring.Length - 1))];
            if (slot is not null && (uint)id < (uint)slot.Entries.Length)
            {
                Sse.Prefetch0(Unsafe.AsPointer(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(slot.Entries), id)));
            }
        }
    }

    /// <summary>Closes <see cref="FirstOpen"/>: its slot (null when no row touched it), then advances.</summary>
    public StepSlot? Close()
    {
        long step = FirstOpen++;
        StepSlot? slot = _ring[(int)(step & (_ring.Length - 1))];
        return slot is not null && slot.Step == step ? slot : null;
    }

    private void Grow()
    {
        var bigger = new StepSlot?[_ring.Length * 2];
        foreach (StepSlot? s in _ring)
        {
            if (s is not null && s.Step >= FirstOpen)
            {
                bigger[(int)(s.Step & (bigger.Length - 1))] = s;
            }
        }

        _ring = bigger;
    }
}
