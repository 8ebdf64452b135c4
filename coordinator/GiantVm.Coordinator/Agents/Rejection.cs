using Grpc.Core;

namespace GiantVm.Coordinator.Agents;

/// <summary>Why an agent message was refused: the gRPC status that ends the stream, a metric label, a message.</summary>
/// <param name="Code">The gRPC status code sent to the agent.</param>
/// <param name="Reason">Low-cardinality label for giantvm_agent_messages_rejected_total.</param>
/// <param name="Message">One line naming what was wrong.</param>
/// <param name="Limit">When a bound was exceeded: its label in giantvm_limit_refused_total (see <see cref="AgentLimits"/>).</param>
public sealed record Rejection(StatusCode Code, string Reason, string Message, string? Limit = null)
{
    public RpcException ToRpcException() => new(new Status(Code, Message));

    public static Rejection Invalid(string reason, string message) => new(StatusCode.InvalidArgument, reason, message);

    /// <summary>A bound was exceeded: the limit's name is both the rejection reason and the limit label.</summary>
    public static Rejection Limited(string limit, StatusCode code, string message) => new(code, limit, message, limit);
}
