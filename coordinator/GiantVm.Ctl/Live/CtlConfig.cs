using System.Text;
using GiantVm.Ctl.Cli;
using GiantVm.Scheduling.Yaml;
using YamlDotNet.RepresentationModel;

namespace GiantVm.Ctl.Live;

/// <summary>One named way to reach a coordinator cluster: addresses, the vm, and this operator's certificate.</summary>
internal sealed record CtlContext(string Name, string? Coordinator, string? Vm, string? Cert, string? Key, string? Ca);

/// <summary>
/// giantvmctl's configuration file, in the kubeconfig spirit: <c>$GIANTVM_CONFIG</c>, else
/// <c>~/.config/giantvm/config.yaml</c>. Named contexts and the current one:
/// <code>
/// current-context: lab
/// contexts:
///   lab:
///     coordinator: https://10.0.0.1:5000,https://10.0.0.2:5000
///     vm: giantvm
///     cert: /home/me/.config/giantvm/operator-alice.crt
///     key: /home/me/.config/giantvm/operator-alice.key
///     ca: /home/me/.config/giantvm/ca.crt
/// </code>
/// A missing file is an empty configuration. Relative certificate paths are relative to the file.
/// </summary>
internal sealed record CtlConfig(string Path, string? CurrentContext, IReadOnlyList<CtlContext> Contexts)
{
    public const string EnvironmentVariable = "GIANTVM_CONFIG";
    private static readonly string[] ContextKeys = ["coordinator", "vm", "cert", "key", "ca"];

    public CtlContext? Current => CurrentContext is null ? null : Contexts.FirstOrDefault(c => c.Name == CurrentContext);

    public static string DefaultPath(Func<string, string?> environment) =>
        environment(EnvironmentVariable) is { Length: > 0 } path
            ? path
            : System.IO.Path.Combine(
                environment("XDG_CONFIG_HOME") is { Length: > 0 } xdg ? xdg : System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".config"),
                "giantvm", "config.yaml");

    /// <summary>Reads the file; throws a usage <see cref="CtlException"/> naming file and line.</summary>
    public static CtlConfig Load(string path)
    {
        if (!File.Exists(path))
        {
            return new CtlConfig(path, null, []);
        }

        string text;
        try
        {
            text = BoundedYaml.ReadFile(path, BoundedYaml.MaxPolicyBytes);
        }
        catch (YamlLimitException e)
        {
            throw CtlException.Input($"{path}: {e.Message}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw CtlException.Input($"{path}: cannot read: {e.Message}");
        }

        // the same loading and one-line errors as the policy and scenario loaders
        if (!YamlInput.TryLoad(text, BoundedYaml.MaxPolicyBytes, out var yaml, out var problem))
        {
            throw CtlException.Input(problem.Line > 0 ? $"{path}:{problem.Line}: {problem.Message}" : $"{path}: {problem.Message}");
        }

        if (yaml.Documents.Count == 0 || yaml.Documents[0].RootNode is YamlScalarNode { Value: null or "" })
        {
            return new CtlConfig(path, null, []);
        }

        if (yaml.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw CtlException.Input($"{path}:1: the configuration is a mapping with current-context and contexts");
        }

        string? current = null;
        var contexts = new List<CtlContext>();
        var dir = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!;
        foreach (var (key, value) in root.Children)
        {
            var line = key.Start.Line;
            switch ((key as YamlScalarNode)?.Value)
            {
                case "current-context":
                    current = Scalar(value, path, "current-context");
                    break;
                case "contexts" when value is YamlMappingNode map:
                    foreach (var (nameNode, body) in map.Children)
                    {
                        var name = (nameNode as YamlScalarNode)?.Value ?? throw CtlException.Input($"{path}:{nameNode.Start.Line}: a context name must be a plain name");
                        if (body is not YamlMappingNode fields)
                        {
                            throw CtlException.Input($"{path}:{body.Start.Line}: contexts.{name} must be a mapping of {string.Join(", ", ContextKeys)}");
                        }

                        var f = new Dictionary<string, string?>();
                        foreach (var (fk, fv) in fields.Children)
                        {
                            var fname = (fk as YamlScalarNode)?.Value ?? "";
                            if (!ContextKeys.Contains(fname))
                            {
                                throw CtlException.Input($"{path}:{fk.Start.Line}: contexts.{name}.{fname} is not a known key ({string.Join(", ", ContextKeys)})");
                            }

                            f[fname] = Scalar(fv, path, $"contexts.{name}.{fname}");
                        }

                        string? File(string k) => f.GetValueOrDefault(k) is { } p ? System.IO.Path.GetFullPath(p, dir) : null;
                        contexts.Add(new CtlContext(name, f.GetValueOrDefault("coordinator"), f.GetValueOrDefault("vm"), File("cert"), File("key"), File("ca")));
                    }

                    break;
                case "contexts":
                    throw CtlException.Input($"{path}:{line}: contexts must be a mapping of context names");
                default:
                    throw CtlException.Input($"{path}:{line}: '{(key as YamlScalarNode)?.Value}' is not a known key (current-context, contexts)");
            }
        }

        if (current is not null && !contexts.Any(c => c.Name == current))
        {
            throw CtlException.Input($"{path}: current-context '{current}' is not one of the contexts ({string.Join(", ", contexts.Select(c => c.Name))})");
        }

        return new CtlConfig(path, current, contexts);
    }

    /// <summary>The file's text for these settings.</summary>
    public string Render()
    {
        var text = new StringBuilder();
        if (CurrentContext is not null)
        {
            text.Append("current-context: ").Append(Quote(CurrentContext)).Append('\n');
        }

        text.Append("contexts:").Append(Contexts.Count == 0 ? " {}\n" : "\n");
        foreach (var c in Contexts)
        {
            text.Append("  ").Append(Quote(c.Name)).Append(":\n");
            foreach (var (k, v) in new[] { ("coordinator", c.Coordinator), ("vm", c.Vm), ("cert", c.Cert), ("key", c.Key), ("ca", c.Ca) })
            {
                if (v is not null)
                {
                    text.Append("    ").Append(k).Append(": ").Append(Quote(v)).Append('\n');
                }
            }
        }

        return text.ToString();
    }

    private static string Quote(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";

    private static string? Scalar(YamlNode node, string path, string key) => node switch
    {
        YamlScalarNode { Value: null or "" or "~" } => null,
        YamlScalarNode s => s.Value,
        _ => throw CtlException.Input($"{path}:{node.Start.Line}: {key} must be a single value"),
    };
}
