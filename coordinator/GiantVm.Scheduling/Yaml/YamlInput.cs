using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace GiantVm.Scheduling.Yaml;

/// <summary>A problem in a YAML input: its line (0: the input as a whole) and what is wrong.</summary>
public readonly record struct YamlProblem(int Line, string Message, bool Refused = false);

/// <summary>
/// The checks every YAML input of this project shares (the policy file, emulation scenarios),
/// so that both report problems the same way, <c>file:line: key message</c>: loading within
/// <see cref="BoundedYaml"/>'s limits with YAML syntax errors turned into one line, the line of a
/// node, finding a key of a mapping, and reading a scalar value.
/// </summary>
public static class YamlInput
{
    /// <summary>
    /// Parses <paramref name="text"/> within <paramref name="maxBytes"/> and <see cref="BoundedYaml.MaxDepth"/>;
    /// on failure <paramref name="problem"/> says where and why (<c>Refused</c> for a limit).
    /// </summary>
    public static bool TryLoad(string text, int maxBytes, out YamlStream stream, out YamlProblem problem)
    {
        stream = null!;
        try
        {
            stream = BoundedYaml.Load(text, maxBytes);
            problem = default;
            return true;
        }
        catch (YamlLimitException e)
        {
            problem = new YamlProblem(e.Line, e.Message, Refused: true);
        }
        catch (YamlException e)
        {
            problem = new YamlProblem((int)e.Start.Line, "not valid YAML: " + OneLine(e));
        }

        return false;
    }

    /// <summary>The 1-based line a node starts on.</summary>
    public static int LineOf(YamlNode node) => (int)node.Start.Line;

    /// <summary>The value of <paramref name="key"/> in <paramref name="mapping"/>, or null.</summary>
    public static YamlNode? Find(YamlMappingNode mapping, string key)
    {
        foreach (var (k, v) in mapping.Children)
        {
            if (k is YamlScalarNode { Value: var name } && name == key)
            {
                return v;
            }
        }

        return null;
    }

    /// <summary>Whether a node is absent in all but name: an empty plain scalar (<c>key:</c>, <c>~</c>, <c>null</c>).</summary>
    public static bool IsEmpty(YamlNode? node) =>
        node is null or YamlScalarNode { Value: null }
        || (node is YamlScalarNode { Style: ScalarStyle.Plain, Value: "" or "~" or "null" });

    /// <summary>
    /// The trimmed text of a single value; otherwise what is wrong with the node
    /// (<c>must be a single value, not a list</c>, <c>needs a value</c>).
    /// </summary>
    public static string? Scalar(YamlNode node, out string text)
    {
        text = "";
        if (node is not YamlScalarNode scalar)
        {
            return $"must be a single value, not a {(node is YamlSequenceNode ? "list" : "mapping")}";
        }

        if (IsEmpty(scalar))
        {
            return "needs a value";
        }

        text = scalar.Value!.Trim();
        return null;
    }

    /// <summary>YamlDotNet's message on one line, without its own position prefix (the caller prints the line).</summary>
    public static string OneLine(YamlException e)
    {
        var message = e.InnerException?.Message ?? e.Message;
        var cut = message.IndexOf('\n');
        var text = (cut >= 0 ? message[..cut] : message).Trim();
        // YamlDotNet prefixes "(Line: 3, Col: 1, Idx: 20) - (Line: 3, Col: 2, Idx: 21): "
        var colon = text.IndexOf("): ", StringComparison.Ordinal);
        text = text.StartsWith('(') && colon > 0 ? text[(colon + 3)..] : text;
        return text.StartsWith("Duplicate key ", StringComparison.Ordinal)
            ? $"key '{text["Duplicate key ".Length..]}' is given twice in the same mapping"
            : text;
    }
}
