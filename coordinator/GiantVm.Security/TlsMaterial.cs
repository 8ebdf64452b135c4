using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace GiantVm.Security;

/// <summary>
/// One process's TLS files: its certificate and key (PEM) and the deployment's CA (PEM, one or
/// more certificates, so a CA can be rolled over). The files are re-read when they change
/// (checked at most once a second, on use): new connections get the new certificate without a
/// restart. A change that does not load (a half-copied file) keeps the previous material and is
/// reported through <see cref="ReloadFailed"/>.
/// </summary>
public sealed class TlsMaterial
{
    private static readonly TimeSpan CheckEvery = TimeSpan.FromSeconds(1);
    private readonly object _gate = new();
    private readonly TimeProvider _time;
    private volatile Loaded _loaded;
    private DateTimeOffset _checkedAt;

    /// <summary>Loads the files; throws <see cref="TlsConfigException"/> naming the file and the problem.</summary>
    public TlsMaterial(string certificatePath, string keyPath, string caPath, TimeProvider? time = null)
    {
        CertificatePath = Path.GetFullPath(certificatePath);
        KeyPath = Path.GetFullPath(keyPath);
        CaPath = Path.GetFullPath(caPath);
        _time = time ?? TimeProvider.System;
        _loaded = Load();
        _checkedAt = _time.GetUtcNow();
    }

    public string CertificatePath { get; }

    public string KeyPath { get; }

    public string CaPath { get; }

    /// <summary>Raised (on the thread that noticed) when changed files could not be loaded; the old material stays.</summary>
    public event Action<string>? ReloadFailed;

    /// <summary>Raised when changed files were loaded; the argument is the new certificate's identity.</summary>
    public event Action<PeerIdentity>? Reloaded;

    /// <summary>This process's certificate with its private key (the newest that loaded).</summary>
    public X509Certificate2 Certificate => Current.Certificate;

    /// <summary>This process's identity, from its certificate.</summary>
    public PeerIdentity Identity => Current.Identity;

    /// <summary>The CA certificates that peers must chain to.</summary>
    public X509Certificate2Collection Authorities => Current.Authorities;

    private Loaded Current
    {
        get
        {
            var now = _time.GetUtcNow();
            if (now - _checkedAt >= CheckEvery)
            {
                lock (_gate)
                {
                    if (now - _checkedAt >= CheckEvery)
                    {
                        _checkedAt = now;
                        Refresh();
                    }
                }
            }

            return _loaded;
        }
    }

    /// <summary>Re-reads the files now if they changed (tests and SIGHUP-style triggers).</summary>
    public void Refresh()
    {
        lock (_gate)
        {
            if (Stamp() == _loaded.Stamp)
            {
                return;
            }

            try
            {
                _loaded = Load();
                Reloaded?.Invoke(_loaded.Identity);
            }
            catch (TlsConfigException e)
            {
                ReloadFailed?.Invoke(e.Message);
            }
        }
    }

    /// <summary>
    /// Checks a peer's certificate: it chains to the CA, is within its validity period and carries
    /// exactly one giantvm identity. Returns the identity, or null with the reason.
    /// </summary>
    public PeerIdentity? Validate(X509Certificate? peer, out string reason)
    {
        if (peer is null)
        {
            reason = "no client certificate";
            return null;
        }

        var certificate = peer as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(peer.GetRawCertData());
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(Authorities);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (!chain.Build(certificate))
        {
            var problems = chain.ChainStatus.Select(s => s.Status switch
            {
                X509ChainStatusFlags.NotTimeValid => $"expired or not yet valid (valid {certificate.NotBefore:u} to {certificate.NotAfter:u})",
                X509ChainStatusFlags.UntrustedRoot or X509ChainStatusFlags.PartialChain => "not issued by this deployment's CA",
                _ => s.StatusInformation.Trim(),
            }).Distinct();
            reason = $"certificate '{certificate.Subject}' rejected: {string.Join("; ", problems)}";
            return null;
        }

        return PeerIdentity.FromCertificate(certificate, out reason);
    }

    private (DateTime, long, DateTime, long, DateTime, long) Stamp()
    {
        static (DateTime, long) Of(string path)
        {
            var info = new FileInfo(path);
            return info.Exists ? (info.LastWriteTimeUtc, info.Length) : (default, -1);
        }

        var (a, b) = Of(CertificatePath);
        var (c, d) = Of(KeyPath);
        var (e, f) = Of(CaPath);
        return (a, b, c, d, e, f);
    }

    private Loaded Load()
    {
        var stamp = Stamp();
        foreach (var path in new[] { CertificatePath, KeyPath, CaPath })
        {
            if (!File.Exists(path))
            {
                throw new TlsConfigException($"{path}: no such file");
            }
        }

        X509Certificate2 certificate;
        try
        {
            certificate = X509Certificate2.CreateFromPemFile(CertificatePath, KeyPath);
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException or IOException or UnauthorizedAccessException)
        {
            throw new TlsConfigException($"{CertificatePath} with key {KeyPath}: cannot load ({e.Message.Trim()})");
        }

        var authorities = new X509Certificate2Collection();
        try
        {
            authorities.ImportFromPemFile(CaPath);
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException)
        {
            throw new TlsConfigException($"{CaPath}: cannot load the CA ({e.Message.Trim()})");
        }

        if (authorities.Count == 0)
        {
            throw new TlsConfigException($"{CaPath}: holds no certificate");
        }

        var identity = PeerIdentity.FromCertificate(certificate, out var why)
            ?? throw new TlsConfigException($"{CertificatePath}: {why}");
        return new Loaded(certificate, authorities, identity, stamp);
    }

    private sealed record Loaded(
        X509Certificate2 Certificate,
        X509Certificate2Collection Authorities,
        PeerIdentity Identity,
        (DateTime, long, DateTime, long, DateTime, long) Stamp);
}

/// <summary>TLS files that are missing or do not load; the message names the file.</summary>
public sealed class TlsConfigException(string message) : Exception(message);
