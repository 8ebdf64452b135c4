using System.Globalization;

namespace GiantVm.Simulator.Simulation;

/// <summary>
/// <c>sweep --param NAME=V1,V2,...</c>: one model parameter and its values; each value applied to
/// the base options gives one run.
/// </summary>
public sealed record SweepParameter(string Name, IReadOnlyList<string> Values)
{
    /// <summary>The parameters a sweep can vary.</summary>
    public static readonly IReadOnlyList<string> Names = ["be-scale", "vm-weight", "vcpu-ratio", "migrate-bandwidth", "group-size"];

    /// <summary>Parses <c>NAME=V1,V2,...</c>; every value is checked. Null and one error line when it is not valid.</summary>
    public static SweepParameter? TryParse(string text, out string? error)
    {
        error = null;
        int eq = text.IndexOf('=', StringComparison.Ordinal);
        if (eq <= 0)
        {
            error = $"--param '{text}': expected NAME=V1,V2,... with NAME one of {string.Join(", ", Names)}";
            return null;
        }

        string name = text[..eq].Trim();
        if (!Names.Contains(name))
        {
            error = $"--param: unknown parameter '{name}' (one of {string.Join(", ", Names)})";
            return null;
        }

        string[] values = text[(eq + 1)..].Split(',', StringSplitOptions.TrimEntries);
        if (values.Length == 0 || values.All(v => v.Length == 0))
        {
            error = $"--param {name}: no values (give {name}=V1,V2,...)";
            return null;
        }

        var parameter = new SweepParameter(name, values);
        foreach (string v in values)
        {
            if (!parameter.TryApply(new SimulationOptions(), v, out _, out error))
            {
                return null;
            }
        }

        if (values.Distinct(StringComparer.Ordinal).Count() != values.Length)
        {
            error = $"--param {name}: a value is given twice";
            return null;
        }

        return parameter;
    }

    /// <summary>The base options with this parameter set to <paramref name="value"/>.</summary>
    public bool TryApply(SimulationOptions options, string value, out SimulationOptions applied, out string? error)
    {
        applied = options;
        error = null;
        switch (Name)
        {
            case "be-scale" when Real(value) is double x && x >= 0:
                applied = options with { BeScale = x };
                return true;
            case "vm-weight" when Real(value) is double x && x > 0:
                applied = options with { VmWeight = x };
                return true;
            case "vcpu-ratio" when Real(value) is double x && x > 0:
                applied = options with { VcpuRatio = x };
                return true;
            case "migrate-bandwidth" when Bandwidth(value) is double b:
                applied = options with { MigrateBandwidth = b };
                return true;
            case "group-size" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int k) && k >= 1:
                applied = options with { GroupSize = k };
                return true;
            default:
                string expected = Name switch
                {
                    "be-scale" => "a number >= 0",
                    "group-size" => "a whole number >= 1",
                    "migrate-bandwidth" => "a bandwidth in bytes per second (0, 1073741824, 512MiB, 1GiB)",
                    _ => "a number > 0",
                };
                error = $"--param {Name}: '{value}' is not {expected}";
                return false;
        }
    }

    /// <summary>The value as a number for the plots' x axis (bandwidths in bytes per second).</summary>
    public double Numeric(string value) => Name == "migrate-bandwidth" ? Bandwidth(value) ?? double.NaN : Real(value) ?? double.NaN;

    private static double? Real(string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double x) && double.IsFinite(x) ? x : null;

    private static double? Bandwidth(string text) =>
        MigrationCost.TryParseBandwidth(text, out double b) ? b : null;
}
