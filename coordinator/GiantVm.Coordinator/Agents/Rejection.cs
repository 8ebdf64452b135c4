using Grpc.Core;

namespace GiantVm.Coordinator.Agents;

/// <summary>Why an agent message was refused: the gRPC status that ends the stream, a metric label, a message.</summary>
/// <param name="Code">The gRPC status code sent to the agent.</param>
/// <param name="Reason">Low-cardinality label for giantvm_agent_messages_rejected_total.</param>
/// <param name="Message">One line naming what was wrong.</param>
public sealed record Rejection(StatusCode Code, string Reason, string Message)
{
    public RpcException ToRpcException() => new(new Status(Code, Message));

    public static Rejection Invalid(string reason, string message) => new(StatusCode.InvalidArgument, reason, message);
}
