using System.Text;

namespace GiantVm.Coordinator.Agents;

/// <summary>
/// Upper bounds on what one agent message may carry. A message over a bound ends the stream with
/// a gRPC status naming the field and the bound, and is counted in
/// <c>giantvm_limit_refused_total{limit}</c>. The configurable ones (tasks per report, streams,
/// report rate, hello timeout) live in <see cref="Hosting.CoordinatorOptions"/>.
/// </summary>
public static class AgentLimits
{
    /// <summary>
    /// A task's comm, in characters: the kernel's TASK_COMM_LEN (16) less the terminating NUL. The
    /// agent maps each of the kernel's bytes to one character (Latin-1), so a comm the kernel
    /// accepts always fits, whatever its bytes (a UTF-8 check would refuse a comm of 15 bytes
    /// above 0x7F, which becomes 30 bytes on the wire).
    /// </summary>
    public const int MaxCommChars = 15;

    /// <summary>A CPU list ("0-3,8-11"): enough for every CPU of an 8,192-CPU machine listed as ranges of two.</summary>
    public const int MaxCpuListBytes = 16 * 1024;

    /// <summary>A hostname: the longest DNS name.</summary>
    public const int MaxHostnameBytes = 253;

    /// <summary>An agent version or executor name.</summary>
    public const int MaxVersionBytes = 64;

    /// <summary>A vm id, command id or migration id.</summary>
    public const int MaxIdBytes = 128;

    /// <summary>The error text of a migration result.</summary>
    public const int MaxErrorBytes = 4096;

    /// <summary>Default of <see cref="Hosting.CoordinatorOptions.MaxTasksPerReport"/>.</summary>
    public const int DefaultMaxTasksPerReport = 100_000;

    /// <summary>Per-node page counts of one task or result (one entry per virtual NUMA node at most).</summary>
    public const int MaxNodeEntries = 1024;

    /// <summary>
    /// Commands queued for one agent and not yet written to its stream. Full means the agent does not
    /// read: the next command is refused (the rebalancer gets CommandUndeliverable, nothing is
    /// silently lost) and the stream is ended so the agent reconnects.
    /// </summary>
    public const int SessionOutboxCapacity = 64;

    /// <summary>Null when <paramref name="value"/> fits in <paramref name="maxBytes"/> UTF-8 bytes, else the refusal.</summary>
    public static Rejection? Length(string value, int maxBytes, FieldName field)
    {
        // Cheap for the common case: a string of at most maxBytes/3 chars cannot exceed maxBytes bytes.
        if (value.Length <= maxBytes / 3)
        {
            return null;
        }

        var bytes = Encoding.UTF8.GetByteCount(value);
        return bytes <= maxBytes
            ? null
            : Rejection.Limited("string_length", Grpc.Core.StatusCode.InvalidArgument,
                $"{field} is {bytes} bytes long; at most {maxBytes} are accepted");
    }

    /// <summary>Null when <paramref name="value"/> has at most <paramref name="maxChars"/> characters, else the refusal.</summary>
    public static Rejection? Chars(string value, int maxChars, FieldName field) =>
        value.Length <= maxChars
            ? null
            : Rejection.Limited("string_length", Grpc.Core.StatusCode.InvalidArgument,
                $"{field} is {value.Length} characters long; at most {maxChars} are accepted");

    /// <summary>Null when the list has at most <paramref name="max"/> entries, else the refusal.</summary>
    public static Rejection? Count(int count, int max, FieldName field, string limit) =>
        count <= max
            ? null
            : Rejection.Limited(limit, Grpc.Core.StatusCode.ResourceExhausted, $"{field} has {count} entries; at most {max} are accepted");
}
