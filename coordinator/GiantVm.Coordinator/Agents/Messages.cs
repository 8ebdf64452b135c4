using System.Threading.Channels;
using Akka.Actor;
using GiantVm.Contracts.V1;
using Google.Protobuf;

namespace GiantVm.Coordinator.Agents;

/// <summary>Handler -> SessionManagerActor: a stream said hello; replies <see cref="SessionOpened"/>.</summary>
/// <param name="Outbox">Where the session writes messages for the agent (the handler pumps it to the stream).</param>
/// <param name="EndStream">Ends the gRPC call with ABORTED and the given reason (replaced by a newer stream, or not reading its commands).</param>
/// <param name="ReportsTo">Where the session forwards reports and results: the rebalancers' shard region (wrapped for the identity's vm).</param>
public sealed record OpenSession(
    AgentIdentity Identity,
    string Hostname,
    string AgentVersion,
    DateTimeOffset ConnectedAt,
    ChannelWriter<CoordinatorMessage> Outbox,
    Action<string> EndStream,
    IActorRef ReportsTo) : INoSerializationVerificationNeeded;

/// <summary>SessionManagerActor -> handler: the session actor now holding the stream (local, as the handler is).</summary>
/// <param name="Forwarder">Where the handler hands the agent's reports and results (straight to the shard region, as from <paramref name="Session"/>).</param>
public sealed record SessionOpened(string SessionId, IActorRef Session, SessionForwarder Forwarder) : INoSerializationVerificationNeeded;

/// <summary>Handler -> SessionManagerActor: the stream ended; no reply.</summary>
public sealed record CloseSession(string SessionId);

/// <summary>SessionManagerActor -> AgentSessionActor: a newer stream of the same identity took over; no reply.</summary>
public sealed record SessionReplaced
{
    public static SessionReplaced Instance { get; } = new();
}

/// <summary>
/// Rebalancer -> the guest agent's session (on whichever member holds it) or SessionManagerActor:
/// send to the vm's guest agent; <see cref="CommandUndeliverable"/> back on failure. The message
/// travels as its protobuf bytes (it crosses members: base64 in the member message JSON, see MemberMessageFormat).
/// </summary>
public sealed record DeliverToGuest
{
    [System.Text.Json.Serialization.JsonConstructor]
    public DeliverToGuest(string vm, string commandId, byte[] payload)
    {
        Vm = vm;
        CommandId = commandId;
        Payload = payload;
    }

    public DeliverToGuest(string vm, string commandId, CoordinatorMessage message)
        : this(vm, commandId, message.ToByteArray())
    {
    }

    public string Vm { get; }

    public string CommandId { get; }

    /// <summary>The message for the agent, as its protobuf bytes.</summary>
    public byte[] Payload { get; }

    /// <summary>The message for the agent.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public CoordinatorMessage Message => CoordinatorMessage.Parser.ParseFrom(Payload);
}

/// <summary>SessionManagerActor or AgentSessionActor -> rebalancer: a command could not be handed to an agent stream.</summary>
public sealed record CommandUndeliverable(string CommandId, string Reason);

/// <summary>Admin -> SessionManagerActor: replies <see cref="AgentsList"/>.</summary>
public sealed record GetAgents
{
    public static GetAgents Instance { get; } = new();
}

/// <summary>SessionManagerActor -> asker: every connected agent.</summary>
public sealed record AgentsList(IReadOnlyList<AgentSessionInfo> Agents);

/// <summary>One connected agent as the status shows it.</summary>
public sealed record AgentSessionInfo(
    AgentIdentity Identity,
    string SessionId,
    string Hostname,
    string AgentVersion,
    DateTimeOffset ConnectedAt,
    DateTimeOffset? LastReport);

/// <summary>SessionManagerActor -> AgentSessionActor: replies <see cref="AgentSessionInfo"/>.</summary>
public sealed record GetSessionInfo
{
    public static GetSessionInfo Instance { get; } = new();
}
