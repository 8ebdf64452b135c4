using System.Text;

namespace GiantVm.Scheduling.Tests.Yaml;

/// <summary>YAML texts built to overflow a recursive parser: the inputs of issue 16.</summary>
public static class HostileYaml
{
    /// <summary><c>name: x</c>, then <c>mode: </c> followed by <paramref name="count"/> copies of <paramref name="open"/> (never closed).</summary>
    public static string Flow(char open, int count) => "name: x\nmode: " + new string(open, count) + "\n";

    /// <summary><paramref name="levels"/> block mappings, each indented under the one before (key <c>signal</c> first).</summary>
    public static string Block(int levels)
    {
        var text = new StringBuilder("name: x\nsignal:\n");
        for (var i = 1; i < levels; i++)
        {
            text.Append(' ', 2 * i).Append('k').Append(i).Append(":\n");
        }

        text.Append(' ', 2 * levels).Append("leaf: 1\n");
        return text.ToString();
    }

    /// <summary><paramref name="levels"/> sequences nested in block style (<c>- - - 1</c>, one per line).</summary>
    public static string BlockSequence(int levels)
    {
        var text = new StringBuilder("name: x\nmode:\n");
        for (var i = 0; i < levels; i++)
        {
            text.Append(' ', 2 * i + 2).Append("-\n");
        }

        text.Append(' ', 2 * levels + 2).Append("1\n");
        return text.ToString();
    }
}
