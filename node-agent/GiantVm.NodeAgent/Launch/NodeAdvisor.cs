using GiantVm.Contracts.V1;
using Grpc.Core;
using Grpc.Net.Client;

namespace GiantVm.NodeAgent.Launch;

/// <summary>Asks the coordinators, in turn, for the node a new BE task should start on (AdminService.Advise).</summary>
internal static class NodeAdvisor
{
    /// <summary>The outcome: a node, or why none (unreachable = no coordinator answered at all).</summary>
    internal sealed record AdvisedNode(int? NodeId, string Reason, bool Unreachable);

    public static async Task<AdvisedNode> AskAsync(LaunchSettings s, CancellationToken ct)
    {
        var failures = new List<string>();
        foreach (var address in s.Coordinators)
        {
            try
            {
                using var channel = GrpcChannel.ForAddress(address, new GrpcChannelOptions
                {
                    HttpHandler = s.Tls is null
                        ? new SocketsHttpHandler { ConnectTimeout = s.AdviceTimeout }
                        : GiantVm.Security.ClientTls.Use(new SocketsHttpHandler { ConnectTimeout = s.AdviceTimeout }, s.Tls),
                });
                var client = new AdminService.AdminServiceClient(channel);
                var reply = await client.AdviseAsync(
                    new AdviseRequest { Vm = s.Vm, CpuCores = s.CpuCores, MemoryBytes = s.MemoryBytes },
                    deadline: DateTime.UtcNow + s.AdviceTimeout,
                    cancellationToken: ct);
                return new AdvisedNode((int)reply.NodeId, reply.Reason, false);
            }
            catch (RpcException e) when (e.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.Internal or StatusCode.Unknown)
            {
                failures.Add($"{address}: {e.StatusCode} {e.Status.Detail}");
            }
            catch (RpcException e)
            {
                return new AdvisedNode(null, $"{address} answered {e.StatusCode}: {e.Status.Detail}", false);
            }
        }

        return new AdvisedNode(null, string.Join("; ", failures), true);
    }
}
