namespace GiantVm.Ctl.Live;

/// <summary>
/// How live verbs reach the coordinator: the HTTP handler per address (tests pass an in-process
/// server's handler), the environment (for <c>GIANTVM_COORDINATOR</c>) and a token that ends
/// long-running verbs (<c>migrations --follow</c>; Ctrl-C also ends them).
/// </summary>
public sealed class CoordinatorConnector
{
    /// <summary>The environment variable naming the coordinator when <c>--coordinator</c> is not given.</summary>
    public const string EnvironmentVariable = "GIANTVM_COORDINATOR";

    /// <summary>The address used when neither the option nor the environment names one.</summary>
    public const string DefaultAddress = "http://127.0.0.1:5000";

    public CoordinatorConnector(
        Func<Uri, HttpMessageHandler>? handlerFactory = null,
        Func<string, string?>? environment = null,
        CancellationToken stop = default)
    {
        HandlerFactory = handlerFactory ?? DefaultHandler;
        Environment = environment ?? System.Environment.GetEnvironmentVariable;
        Stop = stop;
    }

    public static CoordinatorConnector Default { get; } = new();

    public Func<Uri, HttpMessageHandler> HandlerFactory { get; }

    public Func<string, string?> Environment { get; }

    public CancellationToken Stop { get; }

    /// <summary>How long to wait for a connection before trying the next address.</summary>
    public static TimeSpan ConnectTimeout { get; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// The same connector presenting <paramref name="tls"/>'s certificate and checking the
    /// coordinator's against its CA (only when this connector makes real sockets; tests' in-process
    /// handlers are kept as they are).
    /// </summary>
    public CoordinatorConnector WithTls(GiantVm.Security.TlsMaterial tls) => HandlerFactory != DefaultHandler
        ? this
        : new CoordinatorConnector(address => GiantVm.Security.ClientTls.Use((SocketsHttpHandler)DefaultHandler(address), tls), Environment, Stop);

    private static HttpMessageHandler DefaultHandler(Uri address) => new SocketsHttpHandler
    {
        ConnectTimeout = ConnectTimeout,
        UseProxy = false, // gRPC over h2c to the coordinator: an HTTP proxy cannot carry it
        EnableMultipleHttp2Connections = true,
    };
}
