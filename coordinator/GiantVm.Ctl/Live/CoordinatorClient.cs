using GiantVm.Contracts.V1;
using GiantVm.Ctl.Cli;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;

namespace GiantVm.Ctl.Live;

/// <summary>
/// The one place live verbs talk gRPC: tries the addresses in turn (an address that cannot be
/// reached moves on to the next; the one that answered is used for the rest of the run) and maps
/// gRPC failures to giantvmctl's exit codes: unreachable 3, NotFound/InvalidArgument 2, the rest 1
/// (among them the coordinator's own UNAVAILABLE: it answered, but its store could not record the change).
/// Every unary call carries a deadline (<c>--request-timeout</c>, plus the server-side wait of
/// verbs with <c>--wait</c>): a coordinator that accepts the connection and never answers is
/// exit 3 naming the timeout, not a hung CLI. Requests carry <c>--vm</c> (<see cref="VmInterceptor"/>).
/// </summary>
internal sealed class CoordinatorClient : IDisposable
{
    private readonly IReadOnlyList<Uri> _addresses;
    private readonly CoordinatorConnector _connector;
    private readonly Dictionary<Uri, CallInvoker> _invokers = [];
    private readonly List<GrpcChannel> _channels = [];
    private int _working = -1;

    public CoordinatorClient(IReadOnlyList<Uri> addresses, CoordinatorConnector connector, TimeSpan? requestTimeout = null, string? vm = null)
    {
        _addresses = addresses;
        _connector = connector;
        RequestTimeout = requestTimeout ?? LiveVerb.DefaultRequestTimeout;
        Vm = string.IsNullOrWhiteSpace(vm) ? null : vm;
    }

    public IReadOnlyList<Uri> Addresses => _addresses;

    /// <summary>The deadline of each call (<c>--request-timeout</c>).</summary>
    public TimeSpan RequestTimeout { get; }

    /// <summary>The instance named by <c>--vm</c> or the context, or null (the coordinator's own).</summary>
    public string? Vm { get; }

    /// <summary>
    /// Runs one unary call (synchronously, off any synchronization context). <paramref name="serverWait"/>
    /// is how long the coordinator itself may hold the call (a verb's <c>--wait --timeout</c>), added to the deadline.
    /// </summary>
    public T Call<T>(Func<AdminService.AdminServiceClient, CallOptions, AsyncUnaryCall<T>> call, TimeSpan serverWait = default) =>
        Task.Run(() => CallAsync(call, serverWait)).GetAwaiter().GetResult();

    public async Task<T> CallAsync<T>(Func<AdminService.AdminServiceClient, CallOptions, AsyncUnaryCall<T>> call, TimeSpan serverWait = default)
    {
        var failures = new List<string>();
        var order = _working >= 0 ? [_working] : Enumerable.Range(0, _addresses.Count);
        var allowed = RequestTimeout + serverWait;
        foreach (var i in order)
        {
            try
            {
                var options = new CallOptions(deadline: DateTime.UtcNow + allowed, cancellationToken: _connector.Stop);
                var result = await call(Client(_addresses[i]), options);
                _working = i;
                return result;
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.DeadlineExceeded && !_connector.Stop.IsCancellationRequested)
            {
                // not moved on to the next address: the call may have reached this coordinator and be running there
                throw CtlException.Unreachable(
                    $"no answer from the coordinator at {_addresses[i].GetLeftPart(UriPartial.Authority)} within {Timeout(serverWait)}; " +
                    "is it hung? (check it with giantvmctl status -c ANOTHER-MEMBER, or give a longer --request-timeout)", e);
            }
            catch (RpcException e) when (_working < 0 && NotACoordinator(e) is { } why)
            {
                failures.Add($"{_addresses[i].GetLeftPart(UriPartial.Authority)} ({why})");
            }
            catch (RpcException e)
            {
                throw Map(e);
            }
        }

        throw CtlException.Unreachable($"cannot reach the coordinator at {string.Join(", ", failures)}; " +
                                       $"set --coordinator or {CoordinatorConnector.EnvironmentVariable}");
    }

    /// <summary>
    /// Reads a server stream until it ends or <see cref="CoordinatorConnector.Stop"/> (or
    /// <paramref name="stop"/>) fires; addresses are tried in turn until one answers.
    /// </summary>
    /// <param name="onAnswered">Called once the coordinator has answered (before the stream opens), e.g. to print a header.</param>
    public void Follow<T>(Func<AdminService.AdminServiceClient, CancellationToken, AsyncServerStreamingCall<T>> open, Action<T> onItem, CancellationToken stop, Action? onAnswered = null) =>
        Task.Run(() => FollowAsync(open, onItem, stop, onAnswered)).GetAwaiter().GetResult();

    private async Task FollowAsync<T>(Func<AdminService.AdminServiceClient, CancellationToken, AsyncServerStreamingCall<T>> open, Action<T> onItem, CancellationToken stop, Action? onAnswered)
    {
        // A stream has no deadline (it waits for new records until stopped, and the coordinator
        // sends nothing until it has one): a status call with the deadline first checks that the
        // coordinator answers at all, and picks the address that does.
        await CallAsync((c, o) => c.GetStatusAsync(new StatusRequest(), o));
        onAnswered?.Invoke();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stop, _connector.Stop);
        var failures = new List<string>();
        foreach (var i in _working >= 0 ? [_working] : Enumerable.Range(0, _addresses.Count))
        {
            var received = false;
            try
            {
                using var call = open(Client(_addresses[i]), linked.Token);
                while (await call.ResponseStream.MoveNext(linked.Token))
                {
                    received = true;
                    onItem(call.ResponseStream.Current);
                }

                return;
            }
            catch (Exception e) when (linked.IsCancellationRequested && e is OperationCanceledException or RpcException)
            {
                return;
            }
            catch (RpcException e) when (!received && NotACoordinator(e) is { } why)
            {
                failures.Add($"{_addresses[i].GetLeftPart(UriPartial.Authority)} ({why})");
            }
            catch (RpcException e)
            {
                throw Map(e);
            }
        }

        throw CtlException.Unreachable($"cannot reach the coordinator at {string.Join(", ", failures)}; " +
                                       $"set --coordinator or {CoordinatorConnector.EnvironmentVariable}");
    }

    /// <summary>Maps a gRPC error status to the user's one line and exit code.</summary>
    public static CtlException Map(RpcException e)
    {
        var detail = string.IsNullOrWhiteSpace(e.Status.Detail) ? e.StatusCode.ToString() : e.Status.Detail;
        return e.StatusCode switch
        {
            StatusCode.Unavailable when CoordinatorSaid(e) =>
                CtlException.Failed($"{detail}; try again when giantvmctl status shows the store reachable", inner: e),
            StatusCode.Unavailable => CtlException.Unreachable($"the coordinator went away: {detail}", e),
            StatusCode.NotFound or StatusCode.InvalidArgument => CtlException.Input(detail, inner: e),
            StatusCode.PermissionDenied => CtlException.Denied("permission denied: " + detail, e),
            _ => CtlException.Failed(detail, inner: e),
        };
    }

    public void Dispose()
    {
        foreach (var channel in _channels)
        {
            channel.Dispose();
        }
    }

    /// <summary>"30s (--request-timeout)", or with a server-side wait "1m30s (--request-timeout 30s + --timeout 1m)".</summary>
    private string Timeout(TimeSpan serverWait) => serverWait <= TimeSpan.Zero
        ? $"{DurationText.Format(RequestTimeout)} (--request-timeout)"
        : $"{DurationText.Format(RequestTimeout + serverWait)} (--request-timeout {DurationText.Format(RequestTimeout)} + --timeout {DurationText.Format(serverWait)})";

    private AdminService.AdminServiceClient Client(Uri address)
    {
        if (!_invokers.TryGetValue(address, out var invoker))
        {
            var channel = GrpcChannel.ForAddress(address, new GrpcChannelOptions
            {
                HttpHandler = _connector.HandlerFactory(address),
                DisposeHttpClient = true,
            });
            _channels.Add(channel);
            invoker = Vm is null ? channel.CreateCallInvoker() : channel.Intercept(new VmInterceptor(Vm));
            _invokers[address] = invoker;
        }

        return new AdminService.AdminServiceClient(invoker);
    }

    /// <summary>
    /// Why an address did not answer as a coordinator (nothing listening, not HTTP/2, not a gRPC
    /// server), or null when the coordinator itself answered with an error.
    /// </summary>
    internal static string? NotACoordinator(RpcException e) => e.StatusCode switch
    {
        StatusCode.Unavailable or StatusCode.Internal when HandshakeRefused(e) is { } why => why,
        StatusCode.Unavailable when !CoordinatorSaid(e) => Why(e),
        StatusCode.Internal when e.Status.DebugException is HttpRequestException => "not a gRPC server: " + Why(e),
        StatusCode.Unimplemented or StatusCode.Internal or StatusCode.Unknown when e.Status.Detail.StartsWith("Bad gRPC response", StringComparison.Ordinal) =>
            "not a GiantVM coordinator: " + e.Status.Detail.TrimEnd('.'),
        _ => null,
    };

    /// <summary>
    /// True when the status is the coordinator's own answer, not the client's account of a call
    /// that never reached it: the coordinator says UNAVAILABLE, with the reason as the detail, when
    /// it cannot record a change because its store is unavailable (drain, undrain, pause, resume,
    /// policy reload, move, rebalance). A connection that failed comes with the exception
    /// behind it; an HTTP error from something else (a proxy's 503) as "Bad gRPC response".
    /// </summary>
    internal static bool CoordinatorSaid(RpcException e) =>
        e.Status.DebugException is null
        && !string.IsNullOrWhiteSpace(e.Status.Detail)
        && !e.Status.Detail.StartsWith("Bad gRPC response", StringComparison.Ordinal);

    /// <summary>
    /// A connection that ended in its TLS or HTTP/2 handshake. A coordinator that does not accept
    /// the client certificate ends the connection there: with TLS 1.2 the client sees the TLS
    /// handshake fail; with TLS 1.3 it has finished its side first and sees the connection close
    /// before the HTTP/2 preface is answered. The coordinator logs which certificate it refused and why.
    /// </summary>
    internal static string? HandshakeRefused(RpcException e)
    {
        const string Hint = ": a coordinator refuses a client certificate that is missing, expired or from another CA; check --cert, --key and --ca, its log says why";
        for (var inner = e.Status.DebugException; inner is not null; inner = inner.InnerException)
        {
            if (inner is System.Security.Authentication.AuthenticationException)
            {
                return "TLS handshake failed: " + Why(e) + Hint;
            }
        }

        return e.Status.DebugException is HttpRequestException && e.Status.Detail.Contains("did not complete the HTTP/2 handshake", StringComparison.Ordinal)
            ? "the connection was closed during its handshake" + Hint
            : null;
    }

    private static string Why(RpcException e)
    {
        var inner = e.Status.DebugException;
        while (inner?.InnerException is not null)
        {
            inner = inner.InnerException;
        }

        var text = inner?.Message ?? e.Status.Detail;
        var cut = text.IndexOf(" (", StringComparison.Ordinal);
        return (cut > 0 ? text[..cut] : text).TrimEnd('.');
    }
}
