namespace GiantVm.Simulator.Trace;

/// <summary>
/// The simulated machines: the first N machine ids in ascending order among those with an ADD
/// event, with CPU and memory capacity from their first ADD event (a missing value counts as
/// 1.0). REMOVE and UPDATE events are ignored. Index i is machine i of the simulation.
/// </summary>
public sealed class MachineTable
{
    private readonly Dictionary<long, int> _index;

    public MachineTable(IReadOnlyList<long> ids, IReadOnlyList<double> cpu, IReadOnlyList<double> memory)
    {
        Ids = ids.ToArray();
        Cpu = cpu.ToArray();
        Memory = memory.ToArray();
        _index = new Dictionary<long, int>(Ids.Length);
        for (int i = 0; i < Ids.Length; i++)
        {
            _index[Ids[i]] = i;
        }
    }

    public long[] Ids { get; }

    public double[] Cpu { get; }

    public double[] Memory { get; }

    public int Count => Ids.Length;

    /// <summary>Machines that had an ADD event (before the --machines cut).</summary>
    public int Available { get; init; }

    public bool TryGetIndex(long machineId, out int index) => _index.TryGetValue(machineId, out index);

    /// <summary>Picks the simulated machines out of the first ADD event of every machine.</summary>
    public static MachineTable Select(IReadOnlyDictionary<long, (double Cpu, double Memory)> firstAdd, int machines)
    {
        long[] ids = firstAdd.Keys.Order().Take(machines).ToArray();
        return new MachineTable(ids, ids.Select(i => firstAdd[i].Cpu).ToArray(), ids.Select(i => firstAdd[i].Memory).ToArray())
        {
            Available = firstAdd.Count,
        };
    }

    /// <summary>Reads machine_events (columns: time, machine ID, event type, platform, CPUs, memory).</summary>
    public static MachineTable Read(IReadOnlyList<string> parts, int machines)
    {
        var firstAdd = new Dictionary<long, (double Cpu, double Memory)>();
        using var reader = new TraceLineReader(parts, 1 << 18);
        while (reader.TryRead(out LineChunk chunk))
        {
            string file = parts[chunk.FileIndex];
            long lineNo = chunk.FirstLine;
            foreach (Range r in chunk.Data.Split((byte)'\n'))
            {
                ReadOnlySpan<byte> line = chunk.Data[r].TrimEnd((byte)'\r');
                if (line.IsEmpty)
                {
                    lineNo++;
                    continue;
                }

                var f = new CsvFields(line);
                f.Next(out _);
                f.Next(out ReadOnlySpan<byte> idField);
                f.Next(out ReadOnlySpan<byte> typeField);
                f.Next(out _);
                f.Next(out ReadOnlySpan<byte> cpuField);
                f.Next(out ReadOnlySpan<byte> memField);
                if (!CsvFields.TryParseInt64(idField, out long id))
                {
                    if (!idField.IsEmpty)
                    {
                        throw TraceFormatException.At(file, lineNo, 2, "machine ID is not an integer");
                    }

                    lineNo++;
                    continue;
                }

                if (!CsvFields.TryParseInt64(typeField, out long type))
                {
                    throw TraceFormatException.At(file, lineNo, 3, "event type is not an integer");
                }

                if (type == 0 && !firstAdd.ContainsKey(id))
                {
                    double cpu = CsvFields.TryParseDouble(cpuField, out double c) ? c : 1.0;
                    double mem = CsvFields.TryParseDouble(memField, out double m) ? m : 1.0;
                    firstAdd[id] = (cpu, mem);
                }

                lineNo++;
            }

            reader.Return(chunk);
        }

        return Select(firstAdd, machines);
    }
}
