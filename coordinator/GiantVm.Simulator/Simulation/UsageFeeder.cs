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

    /// <summary>Rows parsed ahead of the one being added (a power of 2).</summary>
    private const int Lookahead = 8;

    /// <summary>How many rows ahead the task's step entries are prefetched (its lookup was, <see cref="Lookahead"/> ahead).</summary>
    private const int StepsAhead = 4;

    /// <summary>
    /// Adds every row of the chunk in order. Rows are parsed <see cref="Lookahead"/> ahead of the
    /// one being added and their task's slot prefetched, then a few rows before its turn its
    /// task's step entries, so that the cache misses of the task lookups and of the step entries
    /// overlap instead of stalling one row each. What the simulation sees is unchanged:
    /// the same rows in the same order, each counted just before it is added, nothing after the
    /// row that ends the run, and a line that does not parse fails when its turn comes.
    /// </summary>
    internal static void FeedChunk(LineChunk chunk, string file, ClusterSimulation sim)
    {
        ReadOnlySpan<byte> data = chunk.Data;
        long lineNo = chunk.FirstLine;
        Span<UsageRow> ahead = stackalloc UsageRow[Lookahead];
        int head = 0;
        int count = 0;
        TraceFormatException? error = null; // a line that did not parse, after the rows in `ahead`
        while (true)
        {
            while (count < Lookahead && error is null && !data.IsEmpty)
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
                    if (TryParse(line, file, lineNo, out UsageRow row, out error))
                    {
                        sim.Prefetch(row);
                        ahead[(head + count) & (Lookahead - 1)] = row;
                        count++;
                    }
                }

                lineNo++;
            }

            if (count == 0)
            {
                if (error is not null)
                {
                    sim.CountRow();
                    throw error;
                }

                return;
            }

            if (count > StepsAhead)
            {
                sim.PrefetchSteps(ahead[(head + StepsAhead) & (Lookahead - 1)]);
            }

            sim.CountRow();
            sim.Add(ahead[head]);
            head = (head + 1) & (Lookahead - 1);
            count--;
            if (sim.PastEnd)
            {
                return;
            }
        }
    }

    private static bool TryParse(ReadOnlySpan<byte> line, string file, long lineNo, out UsageRow row, out TraceFormatException? error)
    {
        try
        {
            row = Parse(line, file, lineNo);
            error = null;
            return true;
        }
        catch (TraceFormatException e)
        {
            row = default;
            error = e;
            return false;
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
