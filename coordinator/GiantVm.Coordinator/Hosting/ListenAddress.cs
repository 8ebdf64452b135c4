using System.Net;

namespace GiantVm.Coordinator.Hosting;

/// <summary>One listen address parsed from a URL such as http://127.0.0.1:5000 or https://0.0.0.0:5000.</summary>
internal sealed record ListenAddress(string Url, string Host, int Port, bool IsHttps = false)
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

        if (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
        {
            throw new UsageException($"{optionName}: '{url}' must use http:// or https://");
        }

        var host = uri.Host.Trim('[', ']');
        if (host != "localhost" && !IPAddress.TryParse(host, out _))
        {
            throw new UsageException($"{optionName}: '{url}' must name an IP address, localhost or * (got host '{host}')");
        }

        return new ListenAddress(trimmed, host, uri.Port, uri.Scheme == Uri.UriSchemeHttps);
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
    /// Checks the listen addresses against the TLS settings: with TLS every gRPC address is https
    /// and metrics off loopback are https; without TLS nothing is https, and a plaintext address off
    /// loopback needs <paramref name="insecure"/>. Throws <see cref="UsageException"/> saying how to fix it.
    /// </summary>
    public static void CheckExposure(IReadOnlyList<ListenAddress> grpc, ListenAddress metrics, bool tls, bool insecure)
    {
        if (tls)
        {
            if (grpc.FirstOrDefault(a => !a.IsHttps) is { } plain)
            {
                throw new UsageException($"--urls: {plain.Url} is plaintext while --tls-cert/--tls-key/--tls-ca are set; use https://{plain.Host}:{plain.Port}");
            }

            if (!metrics.IsHttps && !metrics.IsLoopback && !insecure)
            {
                throw new UsageException($"--metrics-url: {metrics.Url} is plaintext off loopback; use https:// (served with this member's certificate) or a loopback address");
            }

            return;
        }

        if (grpc.Append(metrics).FirstOrDefault(a => a.IsHttps) is { } https)
        {
            throw new UsageException($"{https.Url}: https:// needs --tls-cert, --tls-key and --tls-ca");
        }

        var open = grpc.Append(metrics).FirstOrDefault(a => !a.IsLoopback);
        if (open is not null && !insecure)
        {
            throw new UsageException(
                $"refusing to listen on {open.Url} in plaintext: off loopback the coordinator needs mutual TLS " +
                "(--tls-cert, --tls-key, --tls-ca; scripts/gen-certs.sh issues them); --insecure listens there unauthenticated anyway (development only)");
        }
    }
}
