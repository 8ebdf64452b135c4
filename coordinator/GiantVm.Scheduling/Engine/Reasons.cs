using System.Globalization;

namespace GiantVm.Scheduling.Engine;

/// <summary>Number formatting shared by every reason text (invariant culture, 3 decimals).</summary>
internal static class Reasons
{
    public static string F(double value) => value.ToString("0.000", CultureInfo.InvariantCulture);
}
