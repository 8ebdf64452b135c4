using System.Globalization;
using GiantVm.Scheduling.Yaml;
using YamlDotNet.RepresentationModel;

namespace GiantVm.Simulator.Emulation;

/// <summary>
/// Reads an emulation scenario (YAML; format in docs/demo.md and in
/// <c>coordinator/GiantVm.Simulator/scenarios/</c>). Every problem is collected and reported as
/// <c>file:line: key message</c>, through the checks the policy file uses too
/// (<see cref="YamlInput"/>); unknown keys are errors, so a typo never becomes a default.
/// </summary>
internal static class ScenarioLoader
{
    public static EmulationScenario LoadFile(string path)
    {
        string text;
        try
        {
            text = BoundedYaml.ReadFile(path, BoundedYaml.MaxScenarioBytes);
        }
        catch (YamlLimitException e)
        {
            throw new ScenarioException([$"{path}: {e.Message}"]);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            var why = e is FileNotFoundException or DirectoryNotFoundException ? "no such file" : e.Message;
            throw new ScenarioException([$"{path}: cannot read scenario: {why}"]);
        }

        return Load(text, path);
    }

    public static EmulationScenario Load(string yaml, string source)
    {
        if (!YamlInput.TryLoad(yaml, BoundedYaml.MaxScenarioBytes, out var stream, out var problem))
        {
            throw new ScenarioException([problem.Line > 0 ? $"{source}:{problem.Line}: {problem.Message}" : $"{source}: {problem.Message}"]);
        }

        var errors = new List<string>();
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw new ScenarioException([$"{source}:1: a scenario is a mapping with at least 'nodes:'"]);
        }

        var top = new Section(root, "", source, errors);
        var name = top.String("name") ?? Path.GetFileNameWithoutExtension(source);
        var step = top.Duration("step", 0.05, min: 0.01, max: 1);
        var duration = top.Duration("duration", 0, min: 0, max: 7 * 86400);
        var migrateRate = top.Bytes("migrate_rate", 1L << 30, min: 1);

        var cpuModel = top.Child("cpu_model");
        var vmWeight = cpuModel?.Number("vm_weight", 1.0, min: 1e-6, max: 1e6) ?? 1.0;
        var lcWeight = cpuModel?.Number("lc_weight", 1.0, min: 1e-6, max: 1e6) ?? 1.0;
        cpuModel?.RejectUnknown();

        var guest = top.Child("guest");
        var beCgroup = guest?.String("be_cgroup") ?? "be";
        var numaBalancing = (int)(guest?.Number("numa_balancing", 0, min: 0, max: 2) ?? 0);
        guest?.RejectUnknown();

        var host = top.Child("host");
        var lcCgroup = host?.String("lc_cgroup") ?? "lc";
        host?.RejectUnknown();

        var nodes = new List<ScenarioNode>();
        foreach (var item in top.List("nodes", required: true))
        {
            var cpus = (int)item.Number("cpus", double.NaN, min: 1, max: 1024, integer: true);
            var vcpus = (int)item.Number("vcpus", cpus, min: 1, max: 1024, integer: true);
            var memory = item.Bytes("memory", -1, min: 64L << 20);
            var lc = item.Load("lc", 0);
            var system = item.Number("guest_system", 0, min: 0, max: 1024);
            item.RejectUnknown();
            nodes.Add(new ScenarioNode(Math.Max(cpus, 1), Math.Max(vcpus, 1), Math.Max(memory, 64L << 20), lc, system));
        }

        if (nodes.Count > 64)
        {
            errors.Add($"{source}:{YamlInput.LineOf(root)}: nodes: at most 64 nodes (got {nodes.Count})");
        }

        var tasks = new List<ScenarioTaskGroup>();
        var totalTasks = 0;
        foreach (var item in top.List("be_tasks", required: false))
        {
            var comm = item.String("comm") ?? "be-task";
            if (comm.Length is 0 or > 15 || comm.Contains(')') || comm.Contains('\n'))
            {
                item.Error("comm", $"must be 1-15 characters without ')' (got '{comm}')");
            }

            var count = (int)item.Number("count", 1, min: 1, max: 1000, integer: true);
            var cpu = item.Number("cpu", double.NaN, min: 0, max: 1024);
            var rss = item.Bytes("rss", -1, min: EmulationScenario.PageSize);
            var node = (int)item.Number("node", double.NaN, min: 0, max: 1023, integer: true);
            var threads = (int)item.Number("threads", 1, min: 1, max: 9, integer: true);
            if (nodes.Count > 0 && node >= nodes.Count)
            {
                item.Error("node", $"must name one of the {nodes.Count} nodes (0-{nodes.Count - 1}) (got {node})");
            }

            item.RejectUnknown();
            totalTasks += count;
            tasks.Add(new ScenarioTaskGroup(comm, count, cpu, rss, node, threads));
        }

        if (totalTasks > 1000)
        {
            errors.Add($"{source}: be_tasks: at most 1000 tasks in all (got {totalTasks})");
        }

        var timeline = new List<LcChange>();
        foreach (var item in top.List("lc_timeline", required: false))
        {
            var at = item.Duration("at", double.NaN, min: 0, max: 7 * 86400);
            var node = (int)item.Number("node", double.NaN, min: 0, max: 1023, integer: true);
            var to = item.Load("to", double.NaN);
            var over = item.Duration("over", 0, min: 0, max: 86400);
            if (nodes.Count > 0 && node >= nodes.Count)
            {
                item.Error("node", $"must name one of the {nodes.Count} nodes (0-{nodes.Count - 1}) (got {node})");
            }

            item.RejectUnknown();
            timeline.Add(new LcChange(at, node, to, over, item.Line));
        }

        timeline.Sort((a, b) => a.AtSeconds != b.AtSeconds ? a.AtSeconds.CompareTo(b.AtSeconds) : a.Line.CompareTo(b.Line));
        foreach (var group in timeline.GroupBy(c => c.Node))
        {
            LcChange? previous = null;
            foreach (var change in group)
            {
                if (previous is not null && change.AtSeconds < previous.AtSeconds + previous.OverSeconds)
                {
                    errors.Add($"{source}:{change.Line}: lc_timeline: node {change.Node} changes at {F(change.AtSeconds)}s while its ramp from line {previous.Line} runs until {F(previous.AtSeconds + previous.OverSeconds)}s");
                }

                previous = change;
            }
        }

        top.RejectUnknown();
        if (errors.Count > 0)
        {
            throw new ScenarioException(errors);
        }

        return new EmulationScenario(name, step, duration > 0 ? duration : null, vmWeight, lcWeight, migrateRate,
            beCgroup, lcCgroup, numaBalancing, nodes, tasks, timeline);
    }

    private static string F(double v) => v.ToString("0.###", CultureInfo.InvariantCulture);

    /// <summary>One mapping of the file: typed reads that record errors with lines, and the keys read.</summary>
    private sealed class Section(YamlMappingNode node, string path, string source, List<string> errors)
    {
        private readonly HashSet<string> _known = [];

        public int Line => LineOf(node);

        private static int LineOf(YamlNode n) => YamlInput.LineOf(n);

        public void Error(string key, string message)
        {
            var line = Find(key) is { } value ? LineOf(value) : Line;
            errors.Add($"{source}:{line}: {Dotted(key)} {message}");
        }

        public string? String(string key)
        {
            var value = Scalar(key);
            return value?.Value;
        }

        public double Number(string key, double fallback, double min, double max, bool integer = false)
        {
            var value = Scalar(key);
            if (value is null)
            {
                if (double.IsNaN(fallback))
                {
                    errors.Add($"{source}:{Line}: {Dotted(key)} is required");
                    return min;
                }

                return fallback;
            }

            if (!double.TryParse(value.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) || !double.IsFinite(number))
            {
                errors.Add($"{source}:{LineOf(value)}: {Dotted(key)} must be a number (got '{value.Value}')");
                return min;
            }

            if (integer && number != Math.Floor(number))
            {
                errors.Add($"{source}:{LineOf(value)}: {Dotted(key)} must be a whole number (got {value.Value})");
                return min;
            }

            if (number < min || number > max)
            {
                errors.Add($"{source}:{LineOf(value)}: {Dotted(key)} must be between {F(min)} and {F(max)} (got {value.Value})");
                return min;
            }

            return number;
        }

        public double Duration(string key, double fallback, double min, double max)
        {
            var value = Scalar(key);
            if (value is null)
            {
                if (double.IsNaN(fallback))
                {
                    errors.Add($"{source}:{Line}: {Dotted(key)} is required");
                    return min;
                }

                return fallback;
            }

            if (!ScenarioText.TryDuration(value.Value ?? "", out var seconds))
            {
                errors.Add($"{source}:{LineOf(value)}: {Dotted(key)} must be a duration such as 500ms, 20s, 2m (got '{value.Value}')");
                return min;
            }

            if (seconds < min || seconds > max)
            {
                errors.Add($"{source}:{LineOf(value)}: {Dotted(key)} must be between {F(min)}s and {F(max)}s (got {value.Value})");
                return min;
            }

            return seconds;
        }

        public long Bytes(string key, long fallback, long min)
        {
            var value = Scalar(key);
            if (value is null)
            {
                if (fallback < 0)
                {
                    errors.Add($"{source}:{Line}: {Dotted(key)} is required");
                    return min;
                }

                return fallback;
            }

            if (!ScenarioText.TryBytes(value.Value ?? "", out var bytes))
            {
                errors.Add($"{source}:{LineOf(value)}: {Dotted(key)} must be a size such as 256MiB or 4GiB (got '{value.Value}')");
                return min;
            }

            if (bytes < min)
            {
                errors.Add($"{source}:{LineOf(value)}: {Dotted(key)} must be at least {min} bytes (got {value.Value})");
                return min;
            }

            return bytes;
        }

        public double Load(string key, double fallback)
        {
            var value = Scalar(key);
            if (value is null)
            {
                if (double.IsNaN(fallback))
                {
                    errors.Add($"{source}:{Line}: {Dotted(key)} is required");
                    return 0;
                }

                return fallback;
            }

            if (!ScenarioText.TryLoad(value.Value ?? "", out var fraction) || fraction < 0 || fraction > 10)
            {
                errors.Add($"{source}:{LineOf(value)}: {Dotted(key)} must be a load such as 95% or 0.95 (0-1000%) (got '{value.Value}')");
                return 0;
            }

            return fraction;
        }

        public Section? Child(string key)
        {
            var value = Find(key);
            _known.Add(key);
            if (value is null)
            {
                return null;
            }

            if (value is not YamlMappingNode mapping)
            {
                errors.Add($"{source}:{LineOf(value)}: {Dotted(key)} must be a mapping");
                return null;
            }

            return new Section(mapping, Dotted(key), source, errors);
        }

        public IEnumerable<Section> List(string key, bool required)
        {
            var value = Find(key);
            _known.Add(key);
            if (value is null || value is YamlScalarNode { Value: null or "" })
            {
                if (required)
                {
                    errors.Add($"{source}:{Line}: {Dotted(key)} is required (a list)");
                }

                yield break;
            }

            if (value is not YamlSequenceNode sequence)
            {
                errors.Add($"{source}:{LineOf(value)}: {Dotted(key)} must be a list ('- ...' items)");
                yield break;
            }

            if (required && sequence.Children.Count == 0)
            {
                errors.Add($"{source}:{LineOf(value)}: {Dotted(key)} must not be empty");
            }

            var i = 0;
            foreach (var child in sequence.Children)
            {
                if (child is YamlMappingNode mapping)
                {
                    yield return new Section(mapping, $"{Dotted(key)}[{i}]", source, errors);
                }
                else
                {
                    errors.Add($"{source}:{LineOf(child)}: {Dotted(key)}[{i}] must be a mapping (key: value lines)");
                }

                i++;
            }
        }

        public void RejectUnknown()
        {
            foreach (var (k, v) in node.Children)
            {
                var key = (k as YamlScalarNode)?.Value ?? "";
                if (!_known.Contains(key))
                {
                    errors.Add($"{source}:{LineOf(k)}: {Dotted(key)} is not a known key");
                }
            }
        }

        /// <summary>The key's single value; null when absent or empty (the caller's default applies).</summary>
        private YamlScalarNode? Scalar(string key)
        {
            var value = Find(key);
            _known.Add(key);
            if (YamlInput.IsEmpty(value) || value is YamlScalarNode { Value: "" })
            {
                return null;
            }

            if (YamlInput.Scalar(value!, out _) is { } problem)
            {
                errors.Add($"{source}:{LineOf(value!)}: {Dotted(key)} {problem}");
                return null;
            }

            return (YamlScalarNode)value!;
        }

        private YamlNode? Find(string key) => YamlInput.Find(node, key);

        private string Dotted(string key) => path.Length == 0 ? key : $"{path}.{key}";
    }
}
