namespace GiantVm.Coordinator.Hosting;

/// <summary>This coordinator member's name, as written in journal records and HelloAck.</summary>
public sealed record MemberName(string Value, string GrpcUrl);
