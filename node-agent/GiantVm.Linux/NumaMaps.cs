using System.Globalization;
using GiantVm.Linux.Parsing;

namespace GiantVm.Linux;

/// <summary>
/// /proc/&lt;pid&gt;/numa_maps summed over all mappings: resident pages per NUMA node (the
/// <c>N&lt;node&gt;=&lt;pages&gt;</c> tokens) and the bytes they hold (pages x that line's
/// <c>kernelpagesize_kB</c>, 4 when the kernel omits it). Pages of different sizes are counted
/// as they are printed: one 2 MiB huge page counts as one page, so compare nodes by bytes.
/// </summary>
public sealed record NumaMaps(IReadOnlyDictionary<int, ulong> PagesPerNode, IReadOnlyDictionary<int, ulong> BytesPerNode)
{
    public static readonly NumaMaps Empty = new(new Dictionary<int, ulong>(), new Dictionary<int, ulong>());

    /// <summary>Total resident bytes over all nodes.</summary>
    public ulong TotalBytes => BytesPerNode.Values.Aggregate(0UL, (a, b) => a + b);

    /// <summary>The node holding the most bytes (lowest id on a tie), null when nothing is resident.</summary>
    public int? DominantNode
    {
        get
        {
            int? best = null;
            ulong bestBytes = 0;
            foreach (var (node, bytes) in BytesPerNode.OrderBy(kv => kv.Key))
            {
                if (bytes > bestBytes)
                {
                    best = node;
                    bestBytes = bytes;
                }
            }

            return best;
        }
    }

    public static NumaMaps Parse(ReadOnlySpan<char> text, string path = "numa_maps")
    {
        var pages = new Dictionary<int, ulong>();
        var bytes = new Dictionary<int, ulong>();
        Span<int> lineNodes = stackalloc int[64];
        Span<ulong> linePages = stackalloc ulong[64];
        var lines = new Lines(text);
        while (lines.Next(out var line))
        {
            var tok = new SpanTokenizer(line);
            if (!tok.Next(out var address))
            {
                continue;
            }

            if (!ulong.TryParse(address, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out _))
            {
                throw new ProcParseException(path, lines.Number, $"address '{Numbers.Clip(address)}' is not hexadecimal");
            }

            if (!tok.Next(out _))
            {
                throw new ProcParseException(path, lines.Number, "no memory policy after the address");
            }

            ulong pageKb = 4;
            var count = 0;
            while (tok.Next(out var t))
            {
                var eq = t.IndexOf('=');
                if (eq <= 0)
                {
                    continue; // heap, stack, huge, ...
                }

                var key = t[..eq];
                var value = t[(eq + 1)..];
                if (key[0] == 'N' && key.Length > 1 && char.IsAsciiDigit(key[1]))
                {
                    var node = Numbers.Int32(key[1..], path, lines.Number, "node number");
                    var n = Numbers.UInt64(value, path, lines.Number, $"pages on N{node}");
                    if (count == lineNodes.Length)
                    {
                        throw new ProcParseException(path, lines.Number, $"more than {lineNodes.Length} nodes on one mapping");
                    }

                    lineNodes[count] = node;
                    linePages[count] = n;
                    count++;
                }
                else if (key.SequenceEqual("kernelpagesize_kB"))
                {
                    pageKb = Numbers.UInt64(value, path, lines.Number, "kernelpagesize_kB");
                }
            }

            for (var i = 0; i < count; i++)
            {
                pages[lineNodes[i]] = pages.GetValueOrDefault(lineNodes[i]) + linePages[i];
                bytes[lineNodes[i]] = bytes.GetValueOrDefault(lineNodes[i]) + (linePages[i] * pageKb * 1024);
            }
        }

        return new NumaMaps(pages, bytes);
    }
}
