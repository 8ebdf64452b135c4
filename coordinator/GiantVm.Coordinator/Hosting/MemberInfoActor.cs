using Akka.Actor;

namespace GiantVm.Coordinator.Hosting;

/// <summary>Asks a member (at <c>/user/member</c>) for its name and gRPC URL; replies <see cref="MemberEndpoint"/>.</summary>
public sealed record GetMemberInfo
{
    public static GetMemberInfo Instance { get; } = new();
}

/// <summary>A member's name and the URL its gRPC services listen on (for status).</summary>
public sealed record MemberEndpoint(string Member, string GrpcUrl);

/// <summary>Answers <see cref="GetMemberInfo"/> for this member, so that <c>status</c> on any member can list every member's gRPC URL.</summary>
public sealed class MemberInfoActor : ReceiveActor
{
    public const string Name = "member";

    public MemberInfoActor(MemberEndpoint info) => Receive<GetMemberInfo>(_ => Sender.Tell(info));

    public static Props Props(MemberEndpoint info) => Akka.Actor.Props.Create(() => new MemberInfoActor(info));

    /// <summary>The member info actor of the member at <paramref name="address"/>.</summary>
    public static ActorSelection Of(ActorSystem system, Address address) =>
        system.ActorSelection(new RootActorPath(address) / "user" / Name);
}
