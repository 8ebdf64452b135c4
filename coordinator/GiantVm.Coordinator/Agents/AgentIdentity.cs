using GiantVm.Contracts.V1;

namespace GiantVm.Coordinator.Agents;

/// <summary>Who an agent stream speaks for: one session per identity, the newest wins.</summary>
public sealed record AgentIdentity(AgentRole Role, int NodeId, string Vm)
{
    [System.Text.Json.Serialization.JsonIgnore]
    public string RoleName => Role switch
    {
        AgentRole.Host => "host",
        AgentRole.Guest => "guest",
        _ => "unspecified",
    };

    public override string ToString() => $"{RoleName} agent of node {NodeId} in {Vm}";
}
