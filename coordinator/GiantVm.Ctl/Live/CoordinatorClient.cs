using GiantVm.Contracts.V1;
using GiantVm.Ctl.Cli;
using Grpc.Core;
using Grpc.Net.Client;

namespace GiantVm.Ctl.Live;

/// <summary>
/// The one place live verbs talk gRPC: tries the addresses in turn (an address that cannot be
/// reached moves on to the next; the one that answered is used for the rest of the run) and maps
/// gRPC failures to giantvmctl's exit codes: unreachable 3, NotFound/InvalidArgument 2, the rest 1
/// (among them the coordinator's own UNAVAILABLE: it answered, without a majority of its members).
/// </summary>
internal sealed class CoordinatorClient : IDisposable
{
    private readonly IReadOnlyList<Uri> _addresses;
    private readonly CoordinatorConnector _connector;
    private readonly Dictionary<Uri, GrpcChannel> _channels = [];
    private int _working = -1;

    public CoordinatorClient(IReadOnlyList<Uri> addresses, CoordinatorConnector connector)
    {
        _addresses = addresses;
        _connector = connector;
    }

    public IReadOnlyList<Uri> Addresses => _addresses;

    /// <summary>Runs one unary call (synchronously, off any synchronization context).</summary>
    public T Call<T>(Func<AdminService.AdminServiceClient, CancellationToken, AsyncUnaryCall<T>> call) =>
        Task.Run(() => CallAsync(call)).GetAwaiter().GetResult();

    public async Task<T> CallAsync<T>(Func<AdminService.AdminServiceClient, CancellationToken, AsyncUnaryCall<T>> call)
    {
        var failures = new List<string>();
        var order = _working >= 0 ? [_working] : Enumerable.Range(0, _addresses.Count);
        foreach (var i in order)
        {
            try
            {
                var result = await call(Client(_addresses[i]), _connector.Stop);
                _working = i;
                return result;
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
    public void Follow<T>(Func<AdminService.AdminServiceClient, CancellationToken, AsyncServerStreamingCall<T>> open, Action<T> onItem, CancellationToken stop) =>
        Task.Run(() => FollowAsync(open, onItem, stop)).GetAwaiter().GetResult();

    private async Task FollowAsync<T>(Func<AdminService.AdminServiceClient, CancellationToken, AsyncServerStreamingCall<T>> open, Action<T> onItem, CancellationToken stop)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stop, _connector.Stop);
        var failures = new List<string>();
        for (var i = 0; i < _addresses.Count; i++)
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
                CtlException.Failed($"{detail}; try again when giantvmctl status shows a majority of coordinator members", inner: e),
            StatusCode.Unavailable => CtlException.Unreachable($"the coordinator went away: {detail}", e),
            StatusCode.NotFound or StatusCode.InvalidArgument => CtlException.Input(detail, inner: e),
            StatusCode.PermissionDenied => CtlException.Denied("permission denied: " + detail, e),
            _ => CtlException.Failed(detail, inner: e),
        };
    }

    public void Dispose()
    {
        foreach (var channel in _channels.Values)
        {
            channel.Dispose();
        }
    }

    private AdminService.AdminServiceClient Client(Uri address)
    {
        if (!_channels.TryGetValue(address, out var channel))
        {
            channel = GrpcChannel.ForAddress(address, new GrpcChannelOptions
            {
                HttpHandler = _connector.HandlerFactory(address),
                DisposeHttpClient = true,
            });
            _channels[address] = channel;
        }

        return new AdminService.AdminServiceClient(channel);
    }

    /// <summary>
    /// Why an address did not answer as a coordinator (nothing listening, not HTTP/2, not a gRPC
    /// server), or null when the coordinator itself answered with an error.
    /// </summary>
    internal static string? NotACoordinator(RpcException e) => e.StatusCode switch
    {
        StatusCode.Unavailable when !CoordinatorSaid(e) => Why(e),
        StatusCode.Internal when e.Status.DebugException is HttpRequestException => "not a gRPC server: " + Why(e),
        StatusCode.Unimplemented or StatusCode.Internal or StatusCode.Unknown when e.Status.Detail.StartsWith("Bad gRPC response", StringComparison.Ordinal) =>
            "not a GiantVM coordinator: " + e.Status.Detail.TrimEnd('.'),
        _ => null,
    };

    /// <summary>
    /// True when the status is the coordinator's own answer, not the client's account of a call
    /// that never reached it: the coordinator says UNAVAILABLE, with the reason as the detail, when
    /// it cannot record a change because no majority of its members acknowledges it (drain,
    /// undrain, pause, resume, policy reload). A connection that failed comes with the exception
    /// behind it; an HTTP error from something else (a proxy's 503) as "Bad gRPC response".
    /// </summary>
    internal static bool CoordinatorSaid(RpcException e) =>
        e.Status.DebugException is null
        && !string.IsNullOrWhiteSpace(e.Status.Detail)
        && !e.Status.Detail.StartsWith("Bad gRPC response", StringComparison.Ordinal);

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
