using GiantVm.Security;

namespace GiantVm.Coordinator.Security;

/// <summary>This member's TLS material for the services; <see cref="Material"/> is null without TLS (development mode).</summary>
public sealed record ServerTls(TlsMaterial? Material);
