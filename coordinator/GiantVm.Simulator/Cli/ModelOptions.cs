using System.CommandLine;
using System.Globalization;
using GiantVm.Simulator.Simulation;

namespace GiantVm.Simulator.Cli;

/// <summary>The options <c>run</c> and <c>sweep</c> share: the trace, the policies and the cluster model's parameters.</summary>
internal sealed class ModelOptions
{
    public Option<string> Trace { get; } = new("--trace") { Description = "Trace folder (machine_events/, task_events/, task_usage/ with .csv.gz or .csv parts)", Required = true };

    public Option<string> Policies { get; } = new("--policies")
    {
        Description = "Comma-separated shipped policy names or policy files; 'oracle' adds the bound (the least LC loss any placement of each step's BE demand could reach)",
        DefaultValueFactory = _ => string.Join(",", PolicySet.DefaultNames),
    };

    public Option<int> Machines { get; } = new("--machines") { Description = "Simulated machines (the first N ids with an ADD event)", DefaultValueFactory = _ => 800 };

    public Option<int> GroupSize { get; } = new("--group-size") { Description = "Machines per GiantVM instance", DefaultValueFactory = _ => 4 };

    public Option<string> LcClasses { get; } = new("--lc-classes") { Description = "Scheduling classes that are LC (others are BE)", DefaultValueFactory = _ => "2,3" };

    public Option<double> VmWeight { get; } = new("--vm-weight") { Description = "CFS weight of the vCPU threads against LC (LC weight 1)", DefaultValueFactory = _ => 1.0 };

    public Option<double> VcpuRatio { get; } = new("--vcpu-ratio") { Description = "vCPU capacity of a node as a multiple of its host's capacity", DefaultValueFactory = _ => 1.0 };

    public Option<double> BeScale { get; } = new("--be-scale") { Description = "Multiply every BE task's CPU usage by this (contention; memory unchanged)", DefaultValueFactory = _ => 1.0 };

    public Option<string> MigrateBandwidth { get; } = new("--migrate-bandwidth")
    {
        Description = "Bytes per second a moved task's memory crosses at (0, 1073741824, 512MiB, 1GiB; '/s' optional); the task makes no progress meanwhile and its BE CPU-seconds are counted as lost. 0 = free moves",
        DefaultValueFactory = _ => "1GiB",
    };

    public Option<long?> Start { get; } = new("--start") { Description = "First trace second to simulate (default: the first usage row)" };

    public Option<long?> End { get; } = new("--end") { Description = "Trace second to stop at, exclusive (default: the last usage row)" };

    public Option<long> MemoryUnit { get; } = new("--memory-unit-bytes") { Description = "Bytes per 1.0 of normalized memory", DefaultValueFactory = _ => 64L << 30 };

    public Option<bool> NoPlots { get; } = new("--no-plots") { Description = "Skip the PNG plots (the report then has only the tables)" };

    public Option<bool> Quiet { get; } = new("--quiet") { Description = "No progress lines on stderr" };

    public void AddTo(Command command)
    {
        foreach (Option o in new Option[] { Trace, Policies, Machines, GroupSize, LcClasses, VmWeight, VcpuRatio, BeScale, MigrateBandwidth, Start, End, MemoryUnit, NoPlots, Quiet })
        {
            command.Options.Add(o);
        }
    }

    /// <summary>The model's parameters; a bad value throws <see cref="UsageException"/>.</summary>
    public SimulationOptions ReadOptions(ParseResult parse)
    {
        var options = new SimulationOptions
        {
            Machines = Positive(parse.GetValue(Machines), "--machines"),
            GroupSize = Positive(parse.GetValue(GroupSize), "--group-size"),
            LcClasses = ParseClasses(parse.GetValue(LcClasses)!),
            VmWeight = PositiveReal(parse.GetValue(VmWeight), "--vm-weight"),
            VcpuRatio = PositiveReal(parse.GetValue(VcpuRatio), "--vcpu-ratio"),
            BeScale = NonNegativeReal(parse.GetValue(BeScale), "--be-scale"),
            StartSeconds = parse.GetValue(Start),
            EndSeconds = parse.GetValue(End),
            MemoryUnitBytes = Positive(parse.GetValue(MemoryUnit), "--memory-unit-bytes"),
            MigrateBandwidth = ParseBandwidth(parse.GetValue(MigrateBandwidth)!, "--migrate-bandwidth"),
        };
        if (options.StartSeconds is long s && options.EndSeconds is long e && e <= s)
        {
            throw new UsageException($"--end ({e}) must be after --start ({s})");
        }

        return options;
    }

    public string ReadTrace(ParseResult parse)
    {
        string traceDir = parse.GetValue(Trace)!;
        if (!Directory.Exists(traceDir))
        {
            throw new UsageException($"--trace {traceDir}: no such folder");
        }

        return traceDir;
    }

    public IReadOnlyList<ISimPolicy> ReadPolicies(ParseResult parse)
    {
        string[] entries = parse.GetValue(Policies)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (entries.Length == 0)
        {
            throw new UsageException("--policies is empty");
        }

        return PolicySet.Load(entries, out IReadOnlyList<string> errors) ?? throw new UsageException(string.Join("; ", errors));
    }

    internal static IReadOnlySet<int> ParseClasses(string text)
    {
        var set = new HashSet<int>();
        foreach (string part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(part, NumberStyles.Integer, CultureInfo.InvariantCulture, out int c) || c < 0 || c > 255)
            {
                throw new UsageException($"--lc-classes: '{part}' is not a scheduling class (0-3 in the trace)");
            }

            set.Add(c);
        }

        return set;
    }

    /// <summary>A bandwidth in bytes per second: a byte size (<c>0</c>, <c>1073741824</c>, <c>512MiB</c>, <c>1GiB</c>), optionally followed by <c>/s</c>.</summary>
    internal static double ParseBandwidth(string text, string name) =>
        MigrationCost.TryParseBandwidth(text, out double bytes)
            ? bytes
            : throw new UsageException($"{name}: '{text}' is not a bandwidth (bytes per second, e.g. 0, 1073741824, 512MiB, 1GiB)");

    internal static T Positive<T>(T value, string name)
        where T : System.Numerics.INumber<T>
    {
        if (value < T.One)
        {
            throw new UsageException($"{name} must be >= 1 (got {value})");
        }

        return value;
    }

    internal static double PositiveReal(double value, string name)
    {
        if (!(value > 0) || double.IsInfinity(value))
        {
            throw new UsageException($"{name} must be > 0 (got {value.ToString(CultureInfo.InvariantCulture)})");
        }

        return value;
    }

    internal static double NonNegativeReal(double value, string name)
    {
        if (!(value >= 0) || double.IsInfinity(value))
        {
            throw new UsageException($"{name} must be >= 0 (got {value.ToString(CultureInfo.InvariantCulture)})");
        }

        return value;
    }
}
