using GiantVm.Ctl.Cli;
using GiantVm.Ctl.Live;
using Grpc.Core;

namespace GiantVm.Ctl.Tests.Live;

public sealed class CoordinatorClientTests
{
    [Fact]
    public void NotACoordinator_NothingListeningOrAWebServer_MovesOnToTheNextAddress()
    {
        Assert.Equal("Connection refused", CoordinatorClient.NotACoordinator(new RpcException(new Status(StatusCode.Unavailable, "x", new HttpRequestException("Connection refused (127.0.0.1:1)")))));
        Assert.Equal("not a GiantVM coordinator: Bad gRPC response. HTTP status code: 404",
            CoordinatorClient.NotACoordinator(new RpcException(new Status(StatusCode.Unimplemented, "Bad gRPC response. HTTP status code: 404"))));
        Assert.StartsWith("not a gRPC server: ", CoordinatorClient.NotACoordinator(new RpcException(new Status(StatusCode.Internal, "Error starting gRPC call", new HttpRequestException("bad")))), StringComparison.Ordinal);
    }

    [Fact]
    public void NotACoordinator_ACertificateTheCoordinatorRefused_SaysSoInsteadOfNotAGrpcServer()
    {
        // TLS 1.2: the handshake itself fails
        var tls12 = CoordinatorClient.NotACoordinator(new RpcException(new Status(StatusCode.Unavailable, "Error connecting to subchannel.",
            new HttpRequestException("The SSL connection could not be established, see inner exception.",
                new System.Security.Authentication.AuthenticationException("Authentication failed because the remote party sent a TLS alert: 'BadCertificate'.")))));
        Assert.Equal("TLS handshake failed: Authentication failed because the remote party sent a TLS alert: 'BadCertificate'" +
                     ": a coordinator refuses a client certificate that is missing, expired or from another CA; check --cert, --key and --ca, its log says why", tls12);
        // TLS 1.3: the client finished its side, then the server closed the connection
        var tls13 = CoordinatorClient.NotACoordinator(new RpcException(new Status(StatusCode.Internal,
            "Error starting gRPC call. HttpRequestException: An HTTP/2 connection could not be established because the server did not complete the HTTP/2 handshake.",
            new HttpRequestException("An HTTP/2 connection could not be established because the server did not complete the HTTP/2 handshake."))));
        Assert.StartsWith("the connection was closed during its handshake: a coordinator refuses a client certificate", tls13, StringComparison.Ordinal);
    }

    [Fact]
    public void NotACoordinator_TheCoordinatorsOwnErrors_AreNot()
    {
        Assert.Null(CoordinatorClient.NotACoordinator(new RpcException(new Status(StatusCode.NotFound, "unknown vm"))));
        Assert.Null(CoordinatorClient.NotACoordinator(new RpcException(new Status(StatusCode.FailedPrecondition, "refused"))));
        Assert.Null(CoordinatorClient.NotACoordinator(new RpcException(new Status(StatusCode.Unavailable, StoreDownCoordinator.PauseDetail))));
    }

    [Fact]
    public void NotACoordinator_AnUnavailableThatIsNotTheCoordinatorsAnswer_MovesOnToTheNextAddress()
    {
        Assert.Equal("Bad gRPC response. HTTP status code: 503",
            CoordinatorClient.NotACoordinator(new RpcException(new Status(StatusCode.Unavailable, "Bad gRPC response. HTTP status code: 503"))));
        Assert.NotNull(CoordinatorClient.NotACoordinator(new RpcException(new Status(StatusCode.Unavailable, ""))));
    }

    [Theory]
    [InlineData(StatusCode.NotFound, ExitCodes.Usage)]
    [InlineData(StatusCode.InvalidArgument, ExitCodes.Usage)]
    [InlineData(StatusCode.FailedPrecondition, ExitCodes.Failed)]
    [InlineData(StatusCode.Internal, ExitCodes.Failed)]
    public void Map_GivesTheStatusDetailAndItsExitCode(StatusCode code, int exitCode)
    {
        var e = CoordinatorClient.Map(new RpcException(new Status(code, "what happened")));

        Assert.Equal(exitCode, e.ExitCode);
        Assert.EndsWith("what happened", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Map_TheCoordinatorsOwnUnavailable_IsItsReasonAndExit1_NotThatItWentAway()
    {
        var e = CoordinatorClient.Map(new RpcException(new Status(StatusCode.Unavailable, StoreDownCoordinator.PauseDetail)));

        Assert.Equal(ExitCodes.Failed, e.ExitCode);
        Assert.Equal(StoreDownCoordinator.PauseDetail + "; try again when giantvmctl status shows the store reachable", e.Message);
    }

    [Fact]
    public void Map_AConnectionLostDuringTheRun_IsUnreachableAndExit3()
    {
        var e = CoordinatorClient.Map(new RpcException(new Status(StatusCode.Unavailable, "Error starting gRPC call", new HttpRequestException("Connection refused (127.0.0.1:5000)"))));

        Assert.Equal(ExitCodes.Unreachable, e.ExitCode);
        Assert.StartsWith("the coordinator went away: ", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pause_WithoutAMajority_PrintsTheCoordinatorsReason_AndAnUnreachableAddressStaysCannotReach()
    {
        await using var coordinator = await StoreDownCoordinator.StartAsync();

        var refused = await Task.Run(() => LiveRun.With(coordinator.Connector(), "pause", "--coordinator", LiveCoordinator.Refused), TestContext.Current.CancellationToken);
        var storeDown = await Task.Run(() => LiveRun.With(coordinator.Connector(), "pause", "--coordinator", $"{LiveCoordinator.Refused},http://coordinator:5000"), TestContext.Current.CancellationToken);

        Assert.Equal((3, ""), (refused.ExitCode, refused.Out));
        Assert.Equal($"giantvmctl: cannot reach the coordinator at {LiveCoordinator.Refused} (Connection refused); set --coordinator or GIANTVM_COORDINATOR\n", refused.Error);
        Assert.Equal((1, ""), (storeDown.ExitCode, storeDown.Out));
        Assert.Equal($"giantvmctl: {StoreDownCoordinator.PauseDetail}; try again when giantvmctl status shows the store reachable\n", storeDown.Error);
    }
}
