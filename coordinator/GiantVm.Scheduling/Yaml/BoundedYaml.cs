using System.Text;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace GiantVm.Scheduling.Yaml;

/// <summary>
/// The one way this project turns outside YAML into a node tree. YamlDotNet builds the tree by
/// recursion, one stack frame per nesting level, and a stack overflow cannot be caught in .NET:
/// 100,000 <c>[</c> in one request would end the process. So the text is refused when it is longer
/// than the caller's byte limit, and the parser's event stream is counted while the tree is built,
/// refusing the first collection nested deeper than <see cref="MaxDepth"/> before any deeper
/// frame exists. Both refusals are a <see cref="YamlLimitException"/> with the line, so loaders
/// report them like any other problem (<c>deep.yaml:2: nesting deeper than 16 levels</c>).
/// </summary>
public static class BoundedYaml
{
    /// <summary>Deepest nesting of mappings and sequences accepted (the policy file needs 2).</summary>
    public const int MaxDepth = 16;

    /// <summary>Largest policy text accepted, in bytes (UTF-8): 64 KiB.</summary>
    public const int MaxPolicyBytes = 64 * 1024;

    /// <summary>Largest emulation scenario accepted, in bytes (UTF-8): 1 MiB.</summary>
    public const int MaxScenarioBytes = 1024 * 1024;

    /// <summary>
    /// Parses <paramref name="text"/>; throws <see cref="YamlLimitException"/> when it is larger than
    /// <paramref name="maxBytes"/> or nested deeper than <see cref="MaxDepth"/>, and
    /// <see cref="YamlException"/> when it is not valid YAML.
    /// </summary>
    public static YamlStream Load(string text, int maxBytes)
    {
        ArgumentNullException.ThrowIfNull(text);
        // Counting needs no encoding pass for texts that cannot be too long even at 3 bytes a char.
        if ((long)text.Length * 3 > maxBytes && Encoding.UTF8.GetByteCount(text) is var bytes && bytes > maxBytes)
        {
            throw new YamlLimitException(0, TooLarge(bytes, maxBytes));
        }

        var stream = new YamlStream();
        var parser = new DepthLimitedParser(new Parser(new StringReader(text)));
        try
        {
            stream.Load(parser);
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            // Found by fuzzing (scripts/fuzz.sh policy-yaml): on some malformed input YamlDotNet
            // fails with these instead of a YamlException (a merge key "<<:" chain of aliases
            // reaching YamlNode.ParseNode, a scanner state error in ScanPlainScalar). They are bad
            // YAML like any other: report them as such, with the parser's position.
            var at = parser.Current?.Start ?? Mark.Empty;
            throw new YamlException(at, at, $"not valid YAML ({e.Message})", e);
        }

        return stream;
    }

    /// <summary>
    /// Reads a file of at most <paramref name="maxBytes"/> bytes without ever holding more than
    /// that (a huge file, a pipe or <c>/dev/zero</c> is refused after <paramref name="maxBytes"/> + 1
    /// bytes). Throws <see cref="YamlLimitException"/> when the file is larger; I/O errors as usual.
    /// </summary>
    public static string ReadFile(string path, int maxBytes)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 4096, FileOptions.SequentialScan);
        var buffer = new byte[Math.Min(maxBytes + 1L, file.CanSeek ? file.Length + 1 : maxBytes + 1L)];
        var total = 0;
        while (true)
        {
            if (total == buffer.Length)
            {
                if (total > maxBytes)
                {
                    throw new YamlLimitException(0, TooLarge(file.CanSeek ? file.Length : null, maxBytes));
                }

                Array.Resize(ref buffer, (int)Math.Min(maxBytes + 1L, Math.Max(4096L, total * 2L)));
            }

            var read = file.Read(buffer, total, buffer.Length - total);
            if (read == 0)
            {
                break;
            }

            total += read;
        }

        if (total > maxBytes)
        {
            throw new YamlLimitException(0, TooLarge(file.CanSeek ? file.Length : null, maxBytes));
        }

        // Like File.ReadAllText: UTF-8, a byte order mark dropped.
        return new UTF8Encoding(false).GetString(buffer, 0, total).TrimStart('\uFEFF');
    }

    /// <summary><c>is 100,015 bytes, over the 64 KiB limit</c>, or without a count when it is unknown (a pipe).</summary>
    private static string TooLarge(long? bytes, int maxBytes) => bytes > maxBytes
        ? $"is {bytes.Value.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)} bytes, over the {Size(maxBytes)} limit"
        : $"is over the {Size(maxBytes)} limit";

    private static string Size(int bytes) => bytes % (1024 * 1024) == 0 ? $"{bytes / (1024 * 1024)} MiB" : bytes % 1024 == 0 ? $"{bytes / 1024} KiB" : $"{bytes} bytes";

    /// <summary>Passes the parser's events through, counting open collections.</summary>
    private sealed class DepthLimitedParser(IParser inner) : IParser
    {
        private int _depth;

        public ParsingEvent? Current => inner.Current;

        public bool MoveNext()
        {
            if (!inner.MoveNext())
            {
                return false;
            }

            switch (inner.Current)
            {
                case MappingStart or SequenceStart:
                    if (++_depth > MaxDepth)
                    {
                        throw new YamlLimitException((int)inner.Current.Start.Line, $"nesting deeper than {MaxDepth} levels");
                    }

                    break;
                case MappingEnd or SequenceEnd:
                    _depth--;
                    break;
            }

            return true;
        }
    }
}

/// <summary>
/// YAML refused by <see cref="BoundedYaml"/> for its size or nesting (not for its syntax).
/// </summary>
/// <param name="line">1-based line of the refused collection; 0 for the size limit.</param>
public sealed class YamlLimitException(int line, string reason) : Exception(reason)
{
    /// <summary>1-based line of the refused collection; 0 when the whole text was refused.</summary>
    public int Line { get; } = line;
}
