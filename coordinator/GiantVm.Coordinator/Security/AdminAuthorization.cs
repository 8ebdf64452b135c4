using GiantVm.Contracts.V1;
using GiantVm.Coordinator.Hosting;
using GiantVm.Coordinator.Metrics;
using GiantVm.Security;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.Logging;

namespace GiantVm.Coordinator.Security;

/// <summary>
/// Enforces <see cref="AccessRules.Admin"/> on every AdminService call before the service runs:
/// a denied call ends PERMISSION_DENIED with the reason, a log line (identity, verb, reason) and
/// <c>giantvm_auth_denied_total{reason}</c>. AgentService calls pass (their hello is checked by
/// the service, <see cref="AccessRules.Hello"/>).
/// </summary>
public sealed class AdminAuthorization(ServerTls serverTls, ILogger<AdminAuthorization> log) : Interceptor
{
    private readonly TlsMaterial? tls = serverTls.Material;

    private const string AdminPrefix = "/" + "giantvm.v1.AdminService" + "/";

    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        Check(request, context);
        return continuation(request, context);
    }

    public override Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Check(request, context);
        return continuation(request, responseStream, context);
    }

    private void Check(object request, ServerCallContext context)
    {
        if (tls is null || !context.Method.StartsWith(AdminPrefix, StringComparison.Ordinal))
        {
            return;
        }

        var verb = context.Method[AdminPrefix.Length..];
        var caller = CallerIdentity.Of(context, tls);
        var reason = caller is null
            ? "the client certificate carries no giantvm identity"
            : AccessRules.Admin(caller, verb, request is AdviseRequest advise ? advise.Vm : "");
        if (reason is null)
        {
            if (!AccessRules.ReadOnlyVerbs.Contains(verb) && verb != "Advise")
            {
                // every change an operator asks for is logged with who asked (and recorded with
                // the change as its actor)
                log.LogInformation("{Verb} requested by {Identity}", verb, caller);
            }

            return;
        }

        Deny(log, caller, verb, caller is null ? "no-identity" : "role", reason);
    }

    /// <summary>Logs, counts and throws PERMISSION_DENIED.</summary>
    public static void Deny(ILogger log, PeerIdentity? caller, string verb, string metricReason, string reason)
    {
        CoordinatorMetrics.AuthDenied.WithLabels(metricReason).Inc();
        log.LogWarning("Denied {Verb} to {Identity}: {Reason}", verb, caller?.ToString() ?? "(no identity)", reason);
        throw new RpcException(new Status(StatusCode.PermissionDenied, reason));
    }
}
