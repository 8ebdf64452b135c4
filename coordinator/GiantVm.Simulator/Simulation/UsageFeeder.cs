using GiantVm.Simulator.Trace;

namespace GiantVm.Simulator.Simulation;

/// <summary>
/// Parses task_usage lines (columns 1 start, 2 end, 3 job ID, 4 task index, 5 machine ID,
/// 6 CPU rate, 7 canonical memory) straight from the reader's byte chunks into the simulation.
/// </summary>
internal static class UsageFeeder
{
    /// <summary>Feeds every line; <paramref name="afterChunk"/> runs between chunks (progress).</summary>
    public static void Feed(TraceLineReader reader, ClusterSimulation sim, Action? afterChunk = null)
    {
        while (reader.TryRead(out LineChunk chunk))
        {
            try
            {
                FeedChunk(chunk, reader.Files[chunk.FileIndex], sim);
            }
            finally
            {
                reader.Return(chunk);
            }

            afterChunk?.Invoke();
            if (sim.PastEnd)
            {
                return;
            }
        }
    }

    internal static void FeedChunk(LineChunk chunk, string file, ClusterSimulation sim)
    {
        ReadOnlySpan<byte> data = chunk.Data;
        long lineNo = chunk.FirstLine;
        while (!data.IsEmpty)
        {
            int nl = data.IndexOf((byte)'\n');
            ReadOnlySpan<byte> line = nl < 0 ? data : data[..nl];
            data = nl < 0 ? default : data[(nl + 1)..];
            if (!line.IsEmpty && line[^1] == (byte)'\r')
            {
                line = line[..^1];
            }

            if (!line.IsEmpty)
            {
                sim.CountRow();
                sim.Add(Parse(line, file, lineNo));
                if (sim.PastEnd)
                {
                    return;
                }
            }

            lineNo++;
        }
    }

    internal static UsageRow Parse(ReadOnlySpan<byte> line, string file, long lineNo)
    {
        var f = new CsvFields(line);
        f.Next(out ReadOnlySpan<byte> startField);
        f.Next(out ReadOnlySpan<byte> endField);
        f.Next(out ReadOnlySpan<byte> jobField);
        f.Next(out ReadOnlySpan<byte> indexField);
        f.Next(out ReadOnlySpan<byte> machineField);
        f.Next(out ReadOnlySpan<byte> cpuField);
        f.Next(out ReadOnlySpan<byte> memField);
        if (!CsvFields.TryParseInt64(startField, out long start))
        {
            throw TraceFormatException.At(file, lineNo, 1, "start time is not an integer");
        }

        if (!CsvFields.TryParseInt64(endField, out long end))
        {
            throw TraceFormatException.At(file, lineNo, 2, "end time is not an integer");
        }

        if (!CsvFields.TryParseInt64(jobField, out long job))
        {
            throw TraceFormatException.At(file, lineNo, 3, "job ID is not an integer");
        }

        if (!CsvFields.TryParseInt64(indexField, out long index))
        {
            throw TraceFormatException.At(file, lineNo, 4, "task index is not an integer");
        }

        long? machine = null;
        if (!machineField.IsEmpty)
        {
            if (!CsvFields.TryParseInt64(machineField, out long m))
            {
                throw TraceFormatException.At(file, lineNo, 5, "machine ID is not an integer");
            }

            machine = m;
        }

        double cpu = 0;
        if (!cpuField.IsEmpty && !CsvFields.TryParseDouble(cpuField, out cpu))
        {
            throw TraceFormatException.At(file, lineNo, 6, "CPU rate is not a number");
        }

        double memory = 0;
        if (!memField.IsEmpty && !CsvFields.TryParseDouble(memField, out memory))
        {
            throw TraceFormatException.At(file, lineNo, 7, "canonical memory usage is not a number");
        }

        return new UsageRow(start, end, job, (int)index, machine, cpu, memory);
    }
}
