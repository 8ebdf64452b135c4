using System.Formats.Asn1;
using System.Globalization;
using System.Security.Cryptography.X509Certificates;

namespace GiantVm.Security;

/// <summary>What a certificate's identity may be (docs/security.md, "Identities").</summary>
public enum PeerKind
{
    /// <summary><c>spiffe://giantvm/vm/&lt;vm&gt;/host/&lt;k&gt;</c>: the host agent backing node k of vm.</summary>
    Host,

    /// <summary><c>spiffe://giantvm/vm/&lt;vm&gt;/guest</c>: the guest agent of vm.</summary>
    Guest,

    /// <summary><c>spiffe://giantvm/coordinator/&lt;member&gt;</c>: a coordinator member.</summary>
    Coordinator,

    /// <summary><c>spiffe://giantvm/operator/&lt;name&gt;</c>: may run every admin verb.</summary>
    Operator,

    /// <summary><c>spiffe://giantvm/viewer/&lt;name&gt;</c>: may run the read-only verbs.</summary>
    Viewer,
}

/// <summary>
/// One identity of the deployment, as carried by exactly one SAN URI of a certificate
/// (SPIFFE style, trust domain <c>giantvm</c>). <see cref="Name"/> is the member, operator or
/// viewer name; <see cref="Vm"/> and <see cref="Node"/> are set for agents.
/// </summary>
public sealed record PeerIdentity(PeerKind Kind, string? Vm, int? Node, string? Name)
{
    public const string Scheme = "spiffe://giantvm/";

    public static PeerIdentity Host(string vm, int node) => new(PeerKind.Host, vm, node, null);

    public static PeerIdentity Guest(string vm) => new(PeerKind.Guest, vm, null, null);

    public static PeerIdentity Coordinator(string member) => new(PeerKind.Coordinator, null, null, member);

    public static PeerIdentity Operator(string name) => new(PeerKind.Operator, null, null, name);

    public static PeerIdentity Viewer(string name) => new(PeerKind.Viewer, null, null, name);

    public bool IsAgent => Kind is PeerKind.Host or PeerKind.Guest;

    /// <summary>The URI form, e.g. <c>spiffe://giantvm/vm/a/host/2</c>.</summary>
    public string Uri => Kind switch
    {
        PeerKind.Host => $"{Scheme}vm/{Vm}/host/{Node!.Value.ToString(CultureInfo.InvariantCulture)}",
        PeerKind.Guest => $"{Scheme}vm/{Vm}/guest",
        PeerKind.Coordinator => $"{Scheme}coordinator/{Name}",
        PeerKind.Operator => $"{Scheme}operator/{Name}",
        _ => $"{Scheme}viewer/{Name}",
    };

    public override string ToString() => Uri;

    /// <summary>Parses the URI form; null when it is not one of the five shapes.</summary>
    public static PeerIdentity? TryParse(string uri)
    {
        if (!uri.StartsWith(Scheme, StringComparison.Ordinal))
        {
            return null;
        }

        var parts = uri[Scheme.Length..].Split('/');
        if (parts.Any(p => !IsName(p)))
        {
            return null;
        }

        return parts switch
        {
            ["vm", var vm, "host", var k] when int.TryParse(k, NumberStyles.None, CultureInfo.InvariantCulture, out var node) && node <= 1023
                => Host(vm, node),
            ["vm", var vm, "guest"] => Guest(vm),
            ["coordinator", var member] => Coordinator(member),
            ["operator", var name] => Operator(name),
            ["viewer", var name] => Viewer(name),
            _ => null,
        };
    }

    /// <summary>
    /// The certificate's identity: its one <c>spiffe://giantvm/</c> SAN URI. Null with a reason
    /// when it has none, more than one, or one of an unknown shape.
    /// </summary>
    public static PeerIdentity? FromCertificate(X509Certificate2 certificate, out string reason)
    {
        var uris = SanUris(certificate).Where(u => u.StartsWith("spiffe:", StringComparison.OrdinalIgnoreCase)).ToList();
        if (uris.Count != 1)
        {
            reason = uris.Count == 0
                ? $"certificate '{certificate.Subject}' carries no spiffe://giantvm/ identity"
                : $"certificate '{certificate.Subject}' carries {uris.Count} identities; exactly one is allowed";
            return null;
        }

        var identity = TryParse(uris[0]);
        reason = identity is null ? $"certificate identity '{uris[0]}' is not one of the giantvm identities" : "";
        return identity;
    }

    /// <summary>The URI entries of the certificate's subject alternative name extension.</summary>
    public static IReadOnlyList<string> SanUris(X509Certificate2 certificate)
    {
        var uris = new List<string>();
        foreach (var extension in certificate.Extensions)
        {
            if (extension.Oid?.Value != "2.5.29.17")
            {
                continue;
            }

            try
            {
                var names = new AsnReader(extension.RawData, AsnEncodingRules.DER).ReadSequence();
                var uriTag = new Asn1Tag(TagClass.ContextSpecific, 6);
                while (names.HasData)
                {
                    if (names.PeekTag().HasSameClassAndValue(uriTag))
                    {
                        uris.Add(names.ReadCharacterString(UniversalTagNumber.IA5String, uriTag));
                    }
                    else
                    {
                        names.ReadEncodedValue();
                    }
                }
            }
            catch (AsnContentException)
            {
                // a malformed extension names nobody
            }
        }

        return uris;
    }

    private static bool IsName(string part) =>
        part.Length is > 0 and <= 63 && char.IsAsciiLetterOrDigit(part[0])
        && part.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-');
}
