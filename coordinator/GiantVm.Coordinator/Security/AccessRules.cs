using GiantVm.Contracts.V1;
using GiantVm.Security;

namespace GiantVm.Coordinator.Security;

/// <summary>
/// Who may do what (docs/security.md, "Roles"): a pure function of the caller's certificate
/// identity and the request. A null identity means the coordinator runs without TLS (loopback
/// development mode), where every caller is trusted as before.
/// </summary>
public static class AccessRules
{
    /// <summary>AdminService verbs a viewer may call (they change nothing).</summary>
    public static readonly IReadOnlySet<string> ReadOnlyVerbs = new HashSet<string>(StringComparer.Ordinal)
    {
        "GetStatus", "ListNodes", "ListTasks", "GetSnapshot", "ListMigrations", "WatchMigrations", "GetPolicy", "ValidatePolicy", "ListVms",
    };

    /// <summary>Null when <paramref name="caller"/> may call AdminService.<paramref name="verb"/>; else the reason.</summary>
    /// <param name="requestVm">The request's vm field ("" when it has none: for an agent identity, its own instance).</param>
    public static string? Admin(PeerIdentity? caller, string verb, string requestVm)
    {
        if (caller is null)
        {
            return null;
        }

        return caller.Kind switch
        {
            PeerKind.Operator => null,
            PeerKind.Viewer => ReadOnlyVerbs.Contains(verb) ? null : $"{caller} is a viewer; {verb} needs an operator identity",
            PeerKind.Host or PeerKind.Guest when verb == "Advise" =>
                (requestVm.Length == 0 || requestVm == caller.Vm) ? null : $"{caller} may ask advice for vm '{caller.Vm}' only (asked for '{requestVm}')",
            _ => $"{caller} may not call {verb}: admin verbs need an operator identity (viewer for read-only verbs)",
        };
    }

    /// <summary>Null when the stream's certificate identity may say this hello; else the reason.</summary>
    /// <param name="helloVm">The hello's vm after defaulting.</param>
    public static string? Hello(PeerIdentity? caller, Hello hello, string helloVm)
    {
        if (caller is null)
        {
            return null;
        }

        var claimed = hello.Role == AgentRole.Guest ? PeerIdentity.Guest(helloVm) : PeerIdentity.Host(helloVm, (int)hello.NodeId);
        return caller == claimed ? null : $"certificate identity {caller} may not say hello as {claimed}";
    }
}
