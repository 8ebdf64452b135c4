using GiantVm.Ctl.Cli;

namespace GiantVm.Ctl.Live;

/// <summary>
/// The coordinator addresses to try, in order: <c>--coordinator URL[,URL...]</c>, else
/// <c>GIANTVM_COORDINATOR</c>, else <c>http://127.0.0.1:5000</c>. A bare <c>host:port</c> means http.
/// </summary>
internal static class CoordinatorAddresses
{
    public static IReadOnlyList<Uri> Resolve(string? option, Func<string, string?> environment, CtlContext? context = null)
    {
        var (text, from) = !string.IsNullOrWhiteSpace(option)
            ? (option, "--coordinator")
            : environment(CoordinatorConnector.EnvironmentVariable) is { Length: > 0 } env && !string.IsNullOrWhiteSpace(env)
                ? (env, CoordinatorConnector.EnvironmentVariable)
                : context?.Coordinator is { Length: > 0 } fromContext
                    ? (fromContext, $"context '{context.Name}'")
                    : (CoordinatorConnector.DefaultAddress, "default");
        return Parse(text, from);
    }

    public static IReadOnlyList<Uri> Parse(string text, string from)
    {
        var parts = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length == 0)
        {
            throw CtlException.Input($"{from}: no coordinator address given");
        }

        return parts.Select(p => ParseOne(p, from)).ToArray();
    }

    private static Uri ParseOne(string part, string from)
    {
        var text = part.Contains("://", StringComparison.Ordinal) ? part : "http://" + part;
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || string.IsNullOrEmpty(uri.Host))
        {
            throw CtlException.Input($"{from}: '{part}' is not a coordinator address (expected http://HOST:PORT)");
        }

        return uri;
    }
}
