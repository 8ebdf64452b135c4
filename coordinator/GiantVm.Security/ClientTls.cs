using System.Net.Security;
using System.Security.Authentication;

namespace GiantVm.Security;

/// <summary>
/// The client side of mutual TLS to a coordinator (giantvm-agent and giantvmctl): presents this
/// process's certificate (re-read when its files change) and accepts only a server certificate
/// that chains to the deployment's CA, names the host that was dialled, and carries a
/// <c>spiffe://giantvm/coordinator/</c> identity.
/// </summary>
public static class ClientTls
{
    /// <summary>Sets <paramref name="handler"/>'s TLS options for <paramref name="tls"/>; returns it.</summary>
    public static SocketsHttpHandler Use(this SocketsHttpHandler handler, TlsMaterial tls, Action<string>? rejected = null)
    {
        handler.SslOptions = new SslClientAuthenticationOptions
        {
            EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
            LocalCertificateSelectionCallback = (_, _, _, _, _) => tls.Certificate,
            RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
            {
                var reason = Check(tls, certificate as System.Security.Cryptography.X509Certificates.X509Certificate2, errors);
                if (reason is not null)
                {
                    rejected?.Invoke(reason);
                }

                return reason is null;
            },
        };
        return handler;
    }

    /// <summary>Null when the server certificate is acceptable; else why not.</summary>
    public static string? Check(TlsMaterial tls, System.Security.Cryptography.X509Certificates.X509Certificate2? certificate, SslPolicyErrors errors)
    {
        if ((errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
        {
            return $"the coordinator's certificate '{certificate?.Subject}' does not name the host dialled";
        }

        var identity = tls.Validate(certificate, out var reason);
        if (identity is null)
        {
            return "the coordinator's " + reason;
        }

        return identity.Kind == PeerKind.Coordinator ? null : $"the server presented {identity}, not a coordinator identity";
    }
}
