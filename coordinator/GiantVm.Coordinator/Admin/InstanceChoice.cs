using Grpc.Core;

namespace GiantVm.Coordinator.Admin;

/// <summary>Which instance a request is about: the one it names, or the only one there is.</summary>
public static class InstanceChoice
{
    /// <summary>
    /// The instance <paramref name="requested"/> names (it must be one of <paramref name="known"/>),
    /// or, when it names none, the only instance; otherwise the status code and message to refuse with.
    /// </summary>
    public static (string? Vm, StatusCode Code, string? Error) Resolve(string requested, IReadOnlyList<string> known)
    {
        if (!string.IsNullOrEmpty(requested))
        {
            return known.Contains(requested, StringComparer.Ordinal)
                ? (requested, StatusCode.OK, null)
                : (null, StatusCode.NotFound, $"unknown vm '{requested}': {Listing(known)}");
        }

        return known.Count switch
        {
            1 => (known[0], StatusCode.OK, null),
            0 => (null, StatusCode.FailedPrecondition, "no GiantVM instance yet: an instance exists once one of its agents has connected"),
            _ => (null, StatusCode.InvalidArgument, $"this coordinator serves {known.Count} instances; choose one with --vm ({Names(known)})"),
        };
    }

    /// <summary>At most this many names in a message (giantvmctl vms lists them all).</summary>
    private const int NamesShown = 20;

    private static string Listing(IReadOnlyList<string> known) => known.Count == 0
        ? "this coordinator serves no instance yet"
        : $"this coordinator serves {Names(known)}";

    private static string Names(IReadOnlyList<string> known) => known.Count <= NamesShown
        ? string.Join(", ", known)
        : string.Join(", ", known.Take(NamesShown)) + $" and {known.Count - NamesShown} more (giantvmctl vms)";
}
