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
    public void NotACoordinator_TheCoordinatorsOwnErrors_AreNot()
    {
        Assert.Null(CoordinatorClient.NotACoordinator(new RpcException(new Status(StatusCode.NotFound, "unknown vm"))));
        Assert.Null(CoordinatorClient.NotACoordinator(new RpcException(new Status(StatusCode.FailedPrecondition, "refused"))));
    }

    [Theory]
    [InlineData(StatusCode.NotFound, ExitCodes.Usage)]
    [InlineData(StatusCode.InvalidArgument, ExitCodes.Usage)]
    [InlineData(StatusCode.FailedPrecondition, ExitCodes.Failed)]
    [InlineData(StatusCode.Internal, ExitCodes.Failed)]
    [InlineData(StatusCode.Unavailable, ExitCodes.Unreachable)]
    public void Map_GivesTheStatusDetailAndItsExitCode(StatusCode code, int exitCode)
    {
        var e = CoordinatorClient.Map(new RpcException(new Status(code, "what happened")));

        Assert.Equal(exitCode, e.ExitCode);
        Assert.EndsWith("what happened", e.Message, StringComparison.Ordinal);
    }
}
