using System.Text.Json.Serialization;
using GiantVm.Coordinator.Agents;
using GiantVm.Coordinator.Persistence;
using GiantVm.Coordinator.Policies;
using GiantVm.Coordinator.Rebalancing;
using GiantVm.Scheduling.Engine;

namespace GiantVm.Coordinator.Hosting;

/// <summary>
/// THE LIST of actor messages that may travel between members (and the replies they get): each
/// <c>[JsonSerializable]</c> line below binds one type to <see cref="MemberMessageSerializer"/>
/// (System.Text.Json, source generated, camelCase) under its type name as manifest. A new message
/// type is one more line here; a message that never leaves its member and cannot be serialized
/// (it holds a channel, a delegate, an actor ref or an arbitrary object) implements
/// <see cref="Akka.Actor.INoSerializationVerificationNeeded"/> instead. Anything else fails when
/// sent: strict serialization is on, so there is no silent fallback to another serializer
/// (AkkaSerializationTests checks that every record of the messages files is one or the other).
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    RespectRequiredConstructorParameters = true,
    RespectNullableAnnotations = true,
    UseStringEnumConverter = true)]
// Rebalancing/Messages.cs: sessions, the admin service and reload triggers -> the rebalancer, and its replies
[JsonSerializable(typeof(GuestReportReceived))]
[JsonSerializable(typeof(HostReportReceived))]
[JsonSerializable(typeof(MigrationResultReceived))]
[JsonSerializable(typeof(RunRound))]
[JsonSerializable(typeof(CommandDeadlinePassed))]
[JsonSerializable(typeof(RebalanceNow))]
[JsonSerializable(typeof(RebalanceOutcome))]
[JsonSerializable(typeof(ExecutedDecision))]
[JsonSerializable(typeof(MoveTask))]
[JsonSerializable(typeof(MoveOutcome))]
[JsonSerializable(typeof(PauseRebalancing))]
[JsonSerializable(typeof(ResumeRebalancing))]
[JsonSerializable(typeof(PauseState))]
[JsonSerializable(typeof(DrainNode))]
[JsonSerializable(typeof(UndrainNode))]
[JsonSerializable(typeof(DrainOutcome))]
[JsonSerializable(typeof(AdviseQuery))]
[JsonSerializable(typeof(Advice))]
[JsonSerializable(typeof(ReloadPolicy))]
[JsonSerializable(typeof(PolicyReloadOutcome))]
[JsonSerializable(typeof(GetPolicy))]
[JsonSerializable(typeof(PolicyInForce))]
[JsonSerializable(typeof(GetRebalancerView))]
[JsonSerializable(typeof(RebalancerView))]
[JsonSerializable(typeof(StoreRecovered))]
[JsonSerializable(typeof(RecoveryFailed))]
[JsonSerializable(typeof(RetryRecovery))]
[JsonSerializable(typeof(RecordResults))]
// Agents/Messages.cs: the rebalancer -> guest sessions, status -> every member's session manager
[JsonSerializable(typeof(DeliverToGuest))]
[JsonSerializable(typeof(CommandUndeliverable))]
[JsonSerializable(typeof(CloseSession))]
[JsonSerializable(typeof(SessionReplaced))]
[JsonSerializable(typeof(GetAgents))]
[JsonSerializable(typeof(AgentsList))]
[JsonSerializable(typeof(GetSessionInfo))]
[JsonSerializable(typeof(AgentSessionInfo))]
// Persistence/Messages.cs: the rebalancer <-> its event log
[JsonSerializable(typeof(EventRecorded))]
[JsonSerializable(typeof(GetRecoveredState))]
[JsonSerializable(typeof(RecoveredState))]
// Hosting/MemberInfoActor.cs: status -> every member
[JsonSerializable(typeof(GetMemberInfo))]
[JsonSerializable(typeof(MemberEndpoint))]
internal sealed partial class MemberMessageJson : JsonSerializerContext;
