using System.Security.Cryptography;
using System.Text;
using GiantVm.Simulator.Cli;
using GiantVm.Simulator.Synth;

namespace GiantVm.Simulator.Tests;

/// <summary>
/// Pins the whole model bit for bit: a synthetic trace (deterministic for its seed) run with the
/// five shipped policies must give exactly the summary.json, per_step.csv and snapshot dumps
/// that the build before the performance work gave (Golden/, written by that build). Any change
/// of a figure, a decision or a snapshot fails here; regenerate the files only for a deliberate
/// change of the model (GIANTVM_WRITE_GOLDEN=1 dotnet test --filter GoldenRunTests).
/// </summary>
public sealed class GoldenRunTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "giantvm-sim-golden-" + Guid.NewGuid().ToString("N"));
    private bool _keep;

    public static TheoryData<string, string[]> Cases => new()
    {
        { "default", [] },
        { "crowded", ["--vcpu-ratio", "2", "--vm-weight", "0.5", "--group-size", "3"] },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    [Trait("Category", "in-process")]
    public void Run_OnASyntheticTrace_GivesTheRecordedOutputsBitForBit(string name, string[] extra)
    {
        string trace = Path.Combine(_dir, "trace");
        new SyntheticTraceWriter(new SynthOptions(64, 1, trace, Seed: 7)).Write();
        string outDir = Path.Combine(_dir, "out");
        string dumpDir = Path.Combine(_dir, "dump");
        string[] args =
        [
            "run", "--trace", trace, "--out", outDir, "--machines", "56", "--no-plots", "--quiet",
            "--policies", "none,all-be,balanced,least-tasks,random", "--dump-snapshots", dumpDir,
            // Free moves, as the recorded build had them (the default bandwidth makes moves cost).
            "--migrate-bandwidth", "0", .. extra,
        ];

        int code = SimCli.Run(args, new StringWriter(), new StringWriter());

        Assert.Equal(ExitCodes.Ok, code);
        string summary = File.ReadAllText(Path.Combine(outDir, "summary.json"));
        string digests = $"per_step.csv {Sha256(File.ReadAllBytes(Path.Combine(outDir, "per_step.csv")))}\n" +
                         $"dump {DumpDigest(dumpDir)}\n";
        string golden = Path.Combine(GoldenFolder(), name);
        if (Environment.GetEnvironmentVariable("GIANTVM_WRITE_GOLDEN") == "1")
        {
            Directory.CreateDirectory(golden);
            File.WriteAllText(Path.Combine(golden, "summary.json"), summary);
            File.WriteAllText(Path.Combine(golden, "digests.txt"), digests);
            Assert.Fail($"golden rewritten, review the diff ({golden}); run again without GIANTVM_WRITE_GOLDEN to compare");
        }

        bool same = File.ReadAllText(Path.Combine(golden, "summary.json")) == summary
                    && File.ReadAllText(Path.Combine(golden, "digests.txt")) == digests;
        _keep = !same;
        Assert.True(same, $"the {name} run differs from {golden}; its outputs are kept in {_dir}");
    }

    private static string DumpDigest(string root)
    {
        var all = new StringBuilder();
        foreach (string file in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            all.Append(Path.GetRelativePath(root, file).Replace('\\', '/')).Append(' ').Append(Sha256(File.ReadAllBytes(file))).Append('\n');
        }

        return Sha256(Encoding.UTF8.GetBytes(all.ToString()));
    }

    private static string Sha256(byte[] data) => Convert.ToHexStringLower(SHA256.HashData(data));

    /// <summary>The checked-in Golden/ folder of this test project (found from the build output upwards).</summary>
    private static string GoldenFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "tests", "GiantVm.Simulator.Tests", "Golden");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException("tests/GiantVm.Simulator.Tests/Golden not found above " + AppContext.BaseDirectory);
    }

    public void Dispose()
    {
        if (_keep)
        {
            return;
        }

        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }
}
