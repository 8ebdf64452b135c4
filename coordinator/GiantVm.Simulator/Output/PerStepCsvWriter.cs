using System.Globalization;
using GiantVm.Simulator.Simulation;

namespace GiantVm.Simulator.Output;

/// <summary>per_step.csv, written as the steps close: <c>time_seconds,policy,utilization,gini,lc_violations,mean_steal,migrations</c>.</summary>
internal sealed class PerStepCsvWriter : IDisposable
{
    public const string Header = "time_seconds,policy,utilization,gini,lc_violations,mean_steal,migrations";
    private readonly StreamWriter _writer;

    public PerStepCsvWriter(string path)
    {
        _writer = new StreamWriter(path, append: false, new System.Text.UTF8Encoding(false), 1 << 16) { NewLine = "\n" };
        _writer.WriteLine(Header);
    }

    public void Write(StepRecord r)
    {
        _writer.Write(r.TimeSeconds.ToString(CultureInfo.InvariantCulture));
        _writer.Write(',');
        _writer.Write(r.Policy);
        _writer.Write(',');
        _writer.Write(r.Utilization.ToString("R", CultureInfo.InvariantCulture));
        _writer.Write(',');
        _writer.Write(r.Gini.ToString("R", CultureInfo.InvariantCulture));
        _writer.Write(',');
        _writer.Write(r.LcViolations.ToString(CultureInfo.InvariantCulture));
        _writer.Write(',');
        _writer.Write(r.MeanSteal.ToString("R", CultureInfo.InvariantCulture));
        _writer.Write(',');
        _writer.WriteLine(r.Migrations.ToString(CultureInfo.InvariantCulture));
    }

    public void Dispose() => _writer.Dispose();
}
