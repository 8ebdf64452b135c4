using GiantVm.Scheduling.Yaml;
using YamlDotNet.RepresentationModel;

namespace GiantVm.Scheduling.Policies;

/// <summary>
/// Reads policy YAML. Every problem is reported at once, each with the source, line and key;
/// unknown keys are errors (a typo must not silently become a default). Keys that are omitted
/// keep <see cref="Policy.Default"/>'s value; an omitted <c>name</c> becomes the file's base name.
/// Text larger than <see cref="BoundedYaml.MaxPolicyBytes"/> or nested deeper than
/// <see cref="BoundedYaml.MaxDepth"/> is refused before a node tree is built (one error, no crash).
/// </summary>
public static class PolicyLoader
{
    public static PolicyLoadResult Load(string yamlText, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(yamlText);
        ArgumentNullException.ThrowIfNull(sourceName);

        if (!YamlInput.TryLoad(yamlText, BoundedYaml.MaxPolicyBytes, out var stream, out var problem))
        {
            return PolicyLoadResult.Failed(new PolicyError(sourceName, problem.Line, "", problem.Message)) with { Refused = problem.Refused };
        }

        var errors = new List<PolicyError>();
        if (stream.Documents.Count > 1)
        {
            errors.Add(new PolicyError(sourceName, YamlInput.LineOf(stream.Documents[1].RootNode), "", "holds more than one YAML document; a policy is one mapping"));
        }

        var policy = Policy.Default with { Name = DefaultName(sourceName) };
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        if (stream.Documents.Count > 0)
        {
            var root = stream.Documents[0].RootNode;
            if (root is YamlMappingNode mapping)
            {
                policy = ApplyMapping(mapping, "", policy, sourceName, errors, seen);
            }
            else if (!(root is YamlScalarNode { Value: null or "" }))
            {
                errors.Add(new PolicyError(sourceName, YamlInput.LineOf(root), "", "must be a mapping of keys (like 'mode: balanced')"));
            }
        }

        if (policy.StealLow > policy.StealHigh && !errors.Any(e => e.Key is "signal.steal_low" or "signal.steal_high"))
        {
            var line = seen.GetValueOrDefault("signal.steal_low", seen.GetValueOrDefault("signal.steal_high"));
            errors.Add(new PolicyError(sourceName, line, "signal.steal_low",
                $"must be <= signal.steal_high ({PolicyKey.Num(policy.StealHigh)}) (got {PolicyKey.Num(policy.StealLow)})"));
        }

        errors.Sort((a, b) => a.Line.CompareTo(b.Line));
        return errors.Count == 0 ? new PolicyLoadResult(policy, []) : new PolicyLoadResult(null, errors);
    }

    public static PolicyLoadResult LoadFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string text;
        try
        {
            text = BoundedYaml.ReadFile(path, BoundedYaml.MaxPolicyBytes);
        }
        catch (YamlLimitException e)
        {
            return PolicyLoadResult.Failed(new PolicyError(path, 0, "", e.Message)) with { Refused = true };
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            var why = e switch
            {
                FileNotFoundException or DirectoryNotFoundException => "no such file",
                UnauthorizedAccessException when Directory.Exists(path) => "it is a directory",
                UnauthorizedAccessException => "permission denied",
                _ => e.Message,
            };
            return PolicyLoadResult.Failed(new PolicyError(path, 0, "", $"cannot read policy file: {why}"));
        }

        return Load(text, path);
    }

    private static Policy ApplyMapping(YamlMappingNode mapping, string prefix, Policy policy, string source,
        List<PolicyError> errors, Dictionary<string, int> seen)
    {
        foreach (var (keyNode, valueNode) in mapping.Children)
        {
            var line = YamlInput.LineOf(keyNode);
            if (keyNode is not YamlScalarNode { Value: { } keyText })
            {
                errors.Add(new PolicyError(source, line, prefix.TrimEnd('.'), "has a key that is not a plain name"));
                continue;
            }

            var path = prefix + keyText;
            if (!seen.TryAdd(path, line))
            {
                errors.Add(new PolicyError(source, line, path, $"is given twice (first on line {seen[path]})"));
                continue;
            }

            if (prefix.Length == 0 && PolicyKeys.Sections.Contains(keyText))
            {
                if (valueNode is YamlMappingNode section)
                {
                    policy = ApplyMapping(section, path + ".", policy, source, errors, seen);
                }
                else if (!(valueNode is YamlScalarNode { Value: null or "" }))
                {
                    errors.Add(new PolicyError(source, line, path, "must be a mapping of keys"));
                }

                continue;
            }

            if (!PolicyKeys.ByPath.TryGetValue(path, out var key))
            {
                var suggestion = PolicyKeys.Suggest(path);
                errors.Add(new PolicyError(source, line, path,
                    "is not a known key" + (suggestion is null ? "" : $" (did you mean {suggestion}?)")));
                continue;
            }

            var outcome = key.Apply(valueNode, policy);
            if (outcome.Error is { } message)
            {
                errors.Add(new PolicyError(source, YamlInput.LineOf(valueNode) is > 0 and var l ? l : line, path, message));
            }
            else
            {
                policy = outcome.Policy!;
            }
        }

        return policy;
    }

    private static string DefaultName(string sourceName)
    {
        var name = Path.GetFileNameWithoutExtension(sourceName);
        return string.IsNullOrWhiteSpace(name) ? Policy.Default.Name : name;
    }
}
