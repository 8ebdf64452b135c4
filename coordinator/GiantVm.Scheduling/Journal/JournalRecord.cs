namespace GiantVm.Scheduling.Journal;

/// <summary>
/// One line of the coordinator's migration journal (JSON Lines, camelCase keys in exactly this
/// order). A migration has one <c>decision</c> record and zero or more <c>result</c> records; the
/// latest record's <see cref="Status"/> is the migration's final status.
/// </summary>
public sealed record JournalRecord
{
    /// <summary>Unique per record.</summary>
    public required string Id { get; init; }

    /// <summary><see cref="JournalKinds.Decision"/> or <see cref="JournalKinds.Result"/>.</summary>
    public required string Kind { get; init; }

    public required string MigrationId { get; init; }

    /// <summary>The command sent to the guest agent; null for dry-run decisions (nothing sent).</summary>
    public string? CommandId { get; init; }

    public required DateTimeOffset Time { get; init; }

    /// <summary>GiantVM instance id.</summary>
    public string Vm { get; init; } = "giantvm";

    /// <summary>One of <see cref="MigrationTriggers"/>.</summary>
    public string Trigger { get; init; } = MigrationTriggers.Auto;

    public bool DryRun { get; init; }

    public int Pid { get; init; }

    /// <summary>/proc/&lt;pid&gt;/stat field 22 (clock ticks since boot); with the pid, one process.</summary>
    public ulong? StartTime { get; init; }

    public string? Comm { get; init; }

    /// <summary>Source virtual NUMA node.</summary>
    public int? From { get; init; }

    /// <summary>Target virtual NUMA node.</summary>
    public int? To { get; init; }

    /// <summary>Why the decision was taken (the figures behind it).</summary>
    public string? Reason { get; init; }

    /// <summary>One of <see cref="MigrationStatuses"/>.</summary>
    public required string Status { get; init; }

    public long? PagesMoved { get; init; }

    public long? PagesLeft { get; init; }

    public double? DurationMs { get; init; }

    public string? Error { get; init; }

    /// <summary>The coordinator member that wrote the record.</summary>
    public string? Member { get; init; }

    /// <summary>
    /// The certificate identity of the operator who asked for this migration (<c>move</c>,
    /// <c>rebalance</c>, <c>drain --evacuate</c>), e.g. <c>spiffe://giantvm/operator/alice</c>;
    /// null for the coordinator's own rounds and for callers without a certificate.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public string? Actor { get; init; }

    /// <summary>
    /// Position in the coordinator cluster's replicated log (assigned by the rebalancer, the same
    /// on every member); absent in journals written before replication.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public long? Seq { get; init; }
}
