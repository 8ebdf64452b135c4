using System.Diagnostics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace GiantVm.Testing;

/// <summary>
/// Certificates for tests, issued by the project's own scripts/gen-certs.sh into a temporary
/// folder (the path the docs tell operators to use), plus what the script cannot make on purpose:
/// an expired certificate from the same CA.
/// </summary>
public sealed class TestCertificates : IDisposable
{
    private TestCertificates(string dir) => Dir = dir;

    public string Dir { get; }

    public string Ca => Path.Combine(Dir, "ca.crt");

    public static TestCertificates Issue(params string[] args)
    {
        var dir = Path.Combine(Path.GetTempPath(), "giantvm-certs-" + Guid.NewGuid().ToString("N"));
        Run(dir, args);
        return new TestCertificates(dir);
    }

    /// <summary>Issues more identities from the same CA (the script reuses it).</summary>
    public void More(params string[] args) => Run(Dir, args);

    public (string Cert, string Key) Of(string name) => (Path.Combine(Dir, name + ".crt"), Path.Combine(Dir, name + ".key"));

    /// <summary>The <c>--tls-cert --tls-key --tls-ca</c> arguments for <paramref name="name"/>.</summary>
    public string[] ServerArgs(string name) => ["--tls-cert", Of(name).Cert, "--tls-key", Of(name).Key, "--tls-ca", Ca];

    /// <summary>Writes <paramref name="name"/>.crt/.key: an identity from this CA whose validity ended yesterday.</summary>
    public void IssueExpired(string name, string uri)
    {
        using var caKey = ECDsa.Create();
        caKey.ImportFromPem(File.ReadAllText(Path.Combine(Dir, "ca.key")));
        using var ca = X509Certificate2.CreateFromPem(File.ReadAllText(Ca));
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=expired, O=GiantVM", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddUri(new Uri(uri));
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], false));
        var now = DateTimeOffset.UtcNow;
        using var signed = request.Create(ca.SubjectName, X509SignatureGenerator.CreateForECDsa(caKey), now.AddDays(-30), now.AddDays(-1), [1, 2, 3, 4, 5, 6, 7, 8]);
        File.WriteAllText(Path.Combine(Dir, name + ".crt"), signed.ExportCertificatePem());
        File.WriteAllText(Path.Combine(Dir, name + ".key"), key.ExportPkcs8PrivateKeyPem());
    }

    public void Dispose()
    {
        if (Directory.Exists(Dir))
        {
            Directory.Delete(Dir, recursive: true);
        }
    }

    private static void Run(string dir, string[] args)
    {
        var script = Path.Combine(RepoRoot(), "scripts", "gen-certs.sh");
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(script);
        start.ArgumentList.Add("--out");
        start.ArgumentList.Add(dir);
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        using var p = Process.Start(start)!;
        var stderr = p.StandardError.ReadToEndAsync();
        p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, "gen-certs.sh failed: " + stderr.Result);
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "GiantVm.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("GiantVm.sln not found above " + AppContext.BaseDirectory);
    }
}
