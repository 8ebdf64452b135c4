using System.Net;

namespace GiantVm.Coordinator.Hosting;

/// <summary>One plaintext listen address parsed from a URL such as http://127.0.0.1:5000.</summary>
internal sealed record ListenAddress(string Url, string Host, int Port)
{
    public bool IsLoopback => Host is "localhost" || (IPAddress.TryParse(Host, out var ip) && IPAddress.IsLoopback(ip));

    public bool IsAnyAddress => Host is "0.0.0.0" or "::";

    /// <summary>Parses one URL; throws <see cref="UsageException"/> naming the bad value.</summary>
    public static ListenAddress Parse(string url, string optionName)
    {
        var trimmed = url.Trim();
        // Kestrel's wildcard hosts are not valid URI hosts: swap them for the parse.
        var forParse = trimmed.Replace("://*", "://0.0.0.0", StringComparison.Ordinal)
            .Replace("://+", "://0.0.0.0", StringComparison.Ordinal);
        if (!Uri.TryCreate(forParse, UriKind.Absolute, out var uri))
        {
            throw new UsageException($"{optionName}: '{url}' is not a URL (expected e.g. http://127.0.0.1:5000)");
        }

        if (uri.Scheme != Uri.UriSchemeHttp)
        {
            throw new UsageException($"{optionName}: '{url}' must use http:// (TLS is not supported yet)");
        }

        var host = uri.Host.Trim('[', ']');
        if (host != "localhost" && !IPAddress.TryParse(host, out _))
        {
            throw new UsageException($"{optionName}: '{url}' must name an IP address, localhost or * (got host '{host}')");
        }

        return new ListenAddress(trimmed, host, uri.Port);
    }

    /// <summary>Parses a ';'-separated URL list (the ASP.NET --urls format).</summary>
    public static IReadOnlyList<ListenAddress> ParseList(string urls, string optionName)
    {
        var parts = urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length == 0)
        {
            throw new UsageException($"{optionName}: no URL given");
        }

        return parts.Select(p => Parse(p, optionName)).ToList();
    }

    /// <summary>
    /// Throws unless every address is loopback or <paramref name="insecure"/> is set: the gRPC and
    /// metrics endpoints have no authentication yet.
    /// </summary>
    public static void RequireLoopback(IEnumerable<ListenAddress> addresses, bool insecure)
    {
        if (insecure)
        {
            return;
        }

        var open = addresses.FirstOrDefault(a => !a.IsLoopback);
        if (open is not null)
        {
            throw new UsageException(
                $"refusing to listen on {open.Url}: agent and admin channels are not authenticated yet, " +
                "so the coordinator only binds loopback addresses; pass --insecure to listen there anyway");
        }
    }
}
