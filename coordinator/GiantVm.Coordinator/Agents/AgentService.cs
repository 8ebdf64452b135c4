using GiantVm.Coordinator.Metrics;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using V1 = GiantVm.Contracts.V1;
using Status = Grpc.Core.Status;

namespace GiantVm.Coordinator.Agents;

/// <summary>
/// AgentService (gRPC): admits a stream within this member's <c>--max-streams</c> and hands it
/// to <see cref="AgentStreams"/>, which serves it.
/// </summary>
public sealed class AgentService(AgentStreamGate gate, AgentStreams streams, ILogger<AgentService> log) : V1.AgentService.AgentServiceBase
{
    public override async Task Connect(
        IAsyncStreamReader<V1.AgentMessage> requestStream,
        IServerStreamWriter<V1.CoordinatorMessage> responseStream,
        ServerCallContext context)
    {
        if (!gate.TryEnter())
        {
            CoordinatorMetrics.LimitRefused.WithLabels("max_streams").Inc();
            log.LogWarning("Agent stream from {Peer} refused: this member already serves {MaxStreams} agent streams (--max-streams)", context.Peer, gate.MaxStreams);
            throw new RpcException(new Status(StatusCode.ResourceExhausted,
                $"this coordinator member already serves {gate.MaxStreams} agent streams (--max-streams); connect to another member or retry later"));
        }

        try
        {
            await streams.ServeAsync(requestStream, responseStream, context);
        }
        finally
        {
            gate.Leave();
        }
    }
}
