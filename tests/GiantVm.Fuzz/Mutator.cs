using System.Text;

namespace GiantVm.Fuzz;

/// <summary>
/// Deterministic byte-level mutations of seed inputs (a seeded <see cref="Random"/>): bit flips,
/// byte and block insertion/deletion/duplication, splicing two seeds, and "interesting" tokens for
/// text formats (huge and negative numbers, separators, deep nesting). Inputs stay under
/// <see cref="MaxBytes"/>.
/// </summary>
public sealed class Mutator(int seed)
{
    public const int MaxBytes = 256 * 1024;

    private static readonly string[] Tokens =
    [
        "0", "-1", "-0", "1e309", "NaN", "Infinity", "18446744073709551616", "9223372036854775808", "-9223372036854775809",
        "4294967296", "2147483648", "0x10", "1.5", ".", ",", ":", "-", " ", "\t", "\n", "\r\n", "\0", "(", ")", ")) ", "[", "]", "{", "}",
        "\"", "'", "\\", "\\u0000", "null", "true", "~", "&a", "*a", "!!binary", "<<: *a", "- ", "? ", "|", ">", "#", "%YAML 1.2\n", "---\n",
        "0-", "-3", "4-2", "0-4294967295", "1,,2", "N0=", "anon=", "é", "\uFFFD", new string('9', 40), new string('[', 64), new string('{', 64),
    ];

    private readonly Random _random = new(seed);

    public Random Random => _random;

    /// <summary>One mutant of <paramref name="input"/> (1-8 stacked mutations), possibly spliced with <paramref name="other"/>.</summary>
    public byte[] Mutate(byte[] input, byte[] other)
    {
        var data = new List<byte>(input);
        var rounds = 1 + _random.Next(8);
        for (var i = 0; i < rounds; i++)
        {
            MutateOnce(data, other);
        }

        if (data.Count > MaxBytes)
        {
            data.RemoveRange(MaxBytes, data.Count - MaxBytes);
        }

        return [.. data];
    }

    private void MutateOnce(List<byte> data, byte[] other)
    {
        int Pos(int extra = 0) => _random.Next(data.Count + extra);
        switch (_random.Next(data.Count == 0 ? 1 : 10))
        {
            case 0: // insert a token
                data.InsertRange(Pos(1), Encoding.UTF8.GetBytes(Tokens[_random.Next(Tokens.Length)]));
                break;
            case 1: // flip a bit
                var p = Pos();
                data[p] ^= (byte)(1 << _random.Next(8));
                break;
            case 2: // random byte
                data[Pos()] = (byte)_random.Next(256);
                break;
            case 3: // delete a block
                var at = Pos();
                data.RemoveRange(at, Math.Min(data.Count - at, 1 + _random.Next(32)));
                break;
            case 4: // duplicate a block
                var from = Pos();
                var len = Math.Min(data.Count - from, 1 + _random.Next(64));
                data.InsertRange(Pos(1), data.GetRange(from, len));
                break;
            case 5: // replace a digit run's digit with a big number
                var digit = data.FindIndex(Pos(), b => b is >= (byte)'0' and <= (byte)'9');
                if (digit >= 0)
                {
                    data.InsertRange(digit, Encoding.ASCII.GetBytes(Tokens[_random.Next(3, 10)]));
                }

                break;
            case 6: // splice with another seed
                if (other.Length > 0)
                {
                    var cut = _random.Next(other.Length);
                    data.InsertRange(Pos(1), other.AsSpan(cut, Math.Min(other.Length - cut, 1 + _random.Next(256))).ToArray());
                }

                break;
            case 7: // truncate
                var keep = Pos();
                data.RemoveRange(keep, data.Count - keep);
                break;
            case 8: // cut out a line
                var nl = data.IndexOf((byte)'\n', Pos());
                if (nl >= 0)
                {
                    var next = data.IndexOf((byte)'\n', nl + 1);
                    data.RemoveRange(nl, (next < 0 ? data.Count : next) - nl);
                }

                break;
            default: // repeat a token many times (long lines, deep nesting)
                var token = Encoding.UTF8.GetBytes(Tokens[_random.Next(Tokens.Length)]);
                var times = 1 + _random.Next(2000);
                var at2 = Pos(1);
                for (var i = 0; i < times && data.Count < MaxBytes; i++)
                {
                    data.InsertRange(at2, token);
                }

                break;
        }
    }
}
