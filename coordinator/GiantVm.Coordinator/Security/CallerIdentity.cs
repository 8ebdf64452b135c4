using GiantVm.Security;
using Grpc.Core;

namespace GiantVm.Coordinator.Security;

/// <summary>The identity of a gRPC caller, from the client certificate Kestrel accepted (null without TLS).</summary>
public static class CallerIdentity
{
    public static PeerIdentity? Of(ServerCallContext context, TlsMaterial? tls)
    {
        if (tls is null)
        {
            return null;
        }

        // Kestrel required a certificate that chains to the CA (CoordinatorApp): its identity is the caller.
        var certificate = context.GetHttpContext().Connection.ClientCertificate;
        return certificate is null ? null : PeerIdentity.FromCertificate(certificate, out _);
    }
}
