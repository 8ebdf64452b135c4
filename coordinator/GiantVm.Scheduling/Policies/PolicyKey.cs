using System.Globalization;
using GiantVm.Scheduling.Yaml;
using YamlDotNet.RepresentationModel;

namespace GiantVm.Scheduling.Policies;

/// <summary>
/// One key of the policy file: its dotted path, how a YAML value is checked and applied to a
/// <see cref="Policy"/>, and how the value is written back (for diffs and <c>policy show</c>).
/// </summary>
internal sealed class PolicyKey
{
    private readonly Func<YamlNode, Policy, KeyOutcome> _apply;
    private readonly Func<Policy, string> _format;

    private PolicyKey(string path, string unit, Func<YamlNode, Policy, KeyOutcome> apply, Func<Policy, string> format)
    {
        Path = path;
        Unit = unit;
        _apply = apply;
        _format = format;
    }

    public string Path { get; }

    /// <summary>What the value is measured in (for docs): "duration", "ratio 0..1", "rounds", ...</summary>
    public string Unit { get; }

    /// <summary>Applies <paramref name="node"/> to <paramref name="policy"/>; an error message on a bad value.</summary>
    public KeyOutcome Apply(YamlNode node, Policy policy) => _apply(node, policy);

    public string Format(Policy policy) => _format(policy);

    internal readonly record struct KeyOutcome(Policy? Policy, string? Error)
    {
        public static KeyOutcome Fail(string error) => new(null, error);

        public static implicit operator KeyOutcome(Policy policy) => new(policy, null);
    }

    public static PolicyKey String(string path, Func<Policy, string> get, Func<Policy, string, Policy> set) =>
        new(path, "text", (node, p) =>
            Scalar(node, out var text) is { } error ? KeyOutcome.Fail(error)
            : text.Length == 0 ? KeyOutcome.Fail("must not be empty")
            : set(p, text), get);

    public static PolicyKey Bool(string path, Func<Policy, bool> get, Func<Policy, bool, Policy> set) =>
        new(path, "true | false", (node, p) =>
        {
            if (Scalar(node, out var text) is { } error)
            {
                return KeyOutcome.Fail(error);
            }

            return text switch
            {
                "true" => set(p, true),
                "false" => set(p, false),
                _ => KeyOutcome.Fail($"must be true or false (got '{text}')"),
            };
        }, p => get(p) ? "true" : "false");

    public static PolicyKey Int(string path, string unit, int min, Func<Policy, int> get, Func<Policy, int, Policy> set) =>
        new(path, unit, (node, p) =>
        {
            if (Scalar(node, out var text) is { } error)
            {
                return KeyOutcome.Fail(error);
            }

            if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
            {
                return KeyOutcome.Fail($"must be an integer (got '{text}')");
            }

            return value < min ? KeyOutcome.Fail($"must be >= {min} (got {value})") : set(p, value);
        }, p => get(p).ToString(CultureInfo.InvariantCulture));

    public static PolicyKey ULong(string path, string unit, Func<Policy, ulong> get, Func<Policy, ulong, Policy> set) =>
        new(path, unit, (node, p) =>
            Scalar(node, out var text) is { } error ? KeyOutcome.Fail(error)
            : ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? set(p, value)
            : KeyOutcome.Fail($"must be a non-negative integer (got '{text}')"),
            p => get(p).ToString(CultureInfo.InvariantCulture));

    /// <summary>A real number in [min, max]; <paramref name="minExclusive"/> makes the lower bound open.</summary>
    public static PolicyKey Double(string path, string unit, double min, double max, bool minExclusive,
        Func<Policy, double> get, Func<Policy, double, Policy> set) =>
        new(path, unit, (node, p) =>
        {
            if (Scalar(node, out var text) is { } error)
            {
                return KeyOutcome.Fail(error);
            }

            if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
            {
                return KeyOutcome.Fail($"must be a number (got '{text}')");
            }

            if (minExclusive ? value <= min : value < min)
            {
                return KeyOutcome.Fail($"must be {(minExclusive ? ">" : ">=")} {Num(min)} (got {Num(value)})");
            }

            return value > max ? KeyOutcome.Fail($"must be <= {Num(max)} (got {Num(value)})") : set(p, value);
        }, p => Num(get(p)));

    public static PolicyKey Duration(string path, TimeSpan min, Func<Policy, TimeSpan> get, Func<Policy, TimeSpan, Policy> set) =>
        new(path, "duration", (node, p) =>
        {
            if (Scalar(node, out var text) is { } error)
            {
                return KeyOutcome.Fail(error);
            }

            if (!DurationText.TryParse(text, out var value))
            {
                return KeyOutcome.Fail($"must be a duration like 300ms, 5s, 2m or 1h (got '{text}')");
            }

            return value < min
                ? KeyOutcome.Fail($"must be >= {DurationText.Format(min)} (got {text})")
                : set(p, value);
        }, p => DurationText.Format(get(p)));

    public static PolicyKey Bytes(string path, Func<Policy, long> get, Func<Policy, long, Policy> set) =>
        new(path, "bytes", (node, p) =>
            Scalar(node, out var text) is { } error ? KeyOutcome.Fail(error)
            : ByteSizeText.TryParse(text, out var value) ? set(p, value)
            : KeyOutcome.Fail($"must be a size in bytes like 0, 1048576, 64MiB or 2GiB (got '{text}')"),
            p => ByteSizeText.Format(get(p)));

    public static PolicyKey Enum<T>(string path, IReadOnlyDictionary<string, T> names, Func<Policy, T> get, Func<Policy, T, Policy> set)
        where T : struct, System.Enum =>
        new(path, string.Join(" | ", names.Keys), (node, p) =>
            Scalar(node, out var text) is { } error ? KeyOutcome.Fail(error)
            : names.TryGetValue(text, out var value) ? set(p, value)
            : KeyOutcome.Fail($"must be one of {string.Join(", ", names.Keys)} (got '{text}')"),
            p => names.First(kv => EqualityComparer<T>.Default.Equals(kv.Value, get(p))).Key);

    public static PolicyKey IntList(string path, string unit, int min, Func<Policy, IReadOnlyList<int>> get, Func<Policy, IReadOnlyList<int>, Policy> set) =>
        new(path, unit, (node, p) =>
        {
            if (node is not YamlSequenceNode seq)
            {
                return KeyOutcome.Fail("must be a list like [1, 3]");
            }

            var values = new List<int>();
            foreach (var item in seq.Children)
            {
                if (item is not YamlScalarNode { Value: { } text }
                    || !int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
                {
                    return KeyOutcome.Fail($"must be a list of integers (got '{(item as YamlScalarNode)?.Value ?? item.NodeType.ToString()}')");
                }

                if (value < min)
                {
                    return KeyOutcome.Fail($"entries must be >= {min} (got {value})");
                }

                values.Add(value);
            }

            return set(p, values.Distinct().Order().ToArray());
        }, p => "[" + string.Join(", ", get(p)) + "]");

    internal static string Num(double value) => value.ToString("0.######", CultureInfo.InvariantCulture);

    private static string? Scalar(YamlNode node, out string text) => YamlInput.Scalar(node, out text);
}
