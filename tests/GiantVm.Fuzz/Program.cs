using System.Globalization;
using GiantVm.Fuzz;

// giantvm-fuzz: long runs of the fuzz targets (scripts/fuzz.sh).
//   giantvm-fuzz list
//   giantvm-fuzz TARGET|all [--seconds N] [--seed S] [--findings DIR]
// Prints executions and findings per target; writes each finding's input to DIR/TARGET/; exits 1
// when anything was found.
if (args.Length == 0 || args[0] is "-h" or "--help")
{
    Console.WriteLine("usage: giantvm-fuzz list | giantvm-fuzz TARGET|all [--seconds N] [--seed S] [--findings DIR]");
    return args.Length == 0 ? 2 : 0;
}

if (args[0] == "list")
{
    foreach (var t in Targets.All)
    {
        Console.WriteLine($"{t.Name,-22} bad input -> {t.Expected}");
    }

    return 0;
}

var seconds = 60.0;
var seed = Environment.TickCount;
var findingsDir = "fuzz-findings";
for (var i = 1; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--seconds" when i + 1 < args.Length:
            seconds = double.Parse(args[++i], CultureInfo.InvariantCulture);
            break;
        case "--seed" when i + 1 < args.Length:
            seed = int.Parse(args[++i], CultureInfo.InvariantCulture);
            break;
        case "--findings" when i + 1 < args.Length:
            findingsDir = args[++i];
            break;
        default:
            Console.Error.WriteLine($"giantvm-fuzz: unknown argument '{args[i]}' (see --help)");
            return 2;
    }
}

IReadOnlyList<FuzzTarget> targets;
try
{
    targets = args[0] == "all" ? Targets.All : [Targets.Get(args[0])];
}
catch (ArgumentException e)
{
    Console.Error.WriteLine("giantvm-fuzz: " + e.Message);
    return 2;
}

var budget = TimeSpan.FromSeconds(seconds / targets.Count);
var found = 0;
foreach (var target in targets)
{
    // Watchdog: an input that never returns is a hang; report it and stop.
    var current = target.Name;
    using var done = new CancellationTokenSource();
    var started = DateTime.UtcNow;
    _ = Task.Run(async () =>
    {
        while (!done.IsCancellationRequested)
        {
            await Task.Delay(1000, CancellationToken.None);
            if (!done.IsCancellationRequested && DateTime.UtcNow - started > budget + TimeSpan.FromSeconds(60))
            {
                Console.Error.WriteLine($"giantvm-fuzz: {current}: HANG (no return 60 s past the budget)");
                Environment.Exit(3);
            }
        }
    });
    var report = FuzzRun.Run(target, seed, long.MaxValue, budget);
    await done.CancelAsync();
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{report.Target,-22} seed {seed}  executions {report.Executions,10:N0}  {report.Executions / report.Elapsed.TotalSeconds,9:N0}/s  slowest {report.Slowest.TotalMilliseconds,8:0.0} ms  findings {report.Findings.Count}"));
    foreach (var finding in report.Findings)
    {
        found++;
        var dir = Directory.CreateDirectory(Path.Combine(findingsDir, target.Name));
        var file = Path.Combine(dir.FullName, $"{finding.Kind}-{Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(finding.Input))[..12]}.bin");
        File.WriteAllBytes(file, finding.Input);
        Console.WriteLine($"  FINDING {finding.Kind}: {finding.Message} (input: {file})");
    }
}

return found == 0 ? 0 : 1;
