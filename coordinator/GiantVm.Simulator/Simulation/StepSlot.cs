namespace GiantVm.Simulator.Simulation;

/// <summary>
/// What the usage rows put into one open step: per task its overlap-weighted CPU, its largest
/// canonical memory and its trace machine (of the row that started last); per machine the LC
/// CPU demand.
/// </summary>
internal sealed class StepSlot(int machines)
{
    public struct Entry
    {
        public int Generation;
        public int Machine;
        public long LastStart;
        public double Cpu;
        public double Memory;
    }

    public long Step { get; private set; } = long.MinValue;

    public Entry[] Entries { get; private set; } = new Entry[1024];

    public int[] Touched { get; private set; } = new int[256];

    public int TouchedCount { get; private set; }

    public double[] LcDemand { get; } = new double[machines];

    private int _generation;

    public void Reset(long step)
    {
        Step = step;
        _generation++;
        TouchedCount = 0;
        Array.Clear(LcDemand);
    }

    public void Add(int id, int machine, long start, double cpuWeighted, double memory, bool isLc)
    {
        if (id >= Entries.Length)
        {
            Entries = GrowTo(Entries, id + 1);
        }

        ref Entry e = ref Entries[id];
        if (e.Generation != _generation)
        {
            e.Generation = _generation;
            e.Machine = machine;
            e.LastStart = start;
            e.Cpu = cpuWeighted;
            e.Memory = memory;
            if (TouchedCount == Touched.Length)
            {
                Touched = GrowTo(Touched, TouchedCount + 1);
            }

            Touched[TouchedCount++] = id;
        }
        else
        {
            e.Cpu += cpuWeighted;
            if (memory > e.Memory)
            {
                e.Memory = memory;
            }

            if (start >= e.LastStart)
            {
                e.LastStart = start;
                e.Machine = machine;
            }
        }

        if (isLc)
        {
            LcDemand[machine] += cpuWeighted;
        }
    }

    private static T[] GrowTo<T>(T[] a, int min)
    {
        int size = a.Length;
        while (size < min)
        {
            size *= 2;
        }

        Array.Resize(ref a, size);
        return a;
    }
}
