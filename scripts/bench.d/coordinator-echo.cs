// The bare gRPC echo that scripts/bench.d/coordinator-load.cs measures the coordinator against (a
// .NET 10 file-based app, run as a process of its own so that the echo does not share the load
// process). Same stack as giantvm-coordinator: Kestrel h2c on 127.0.0.1, Grpc.AspNetCore, server
// GC, the giantvm.v1 AgentService contract; Connect parses every AgentMessage and answers it as the
// coordinator does, with one message of the same size: a HelloAck for the hello, a ReportAck
// carrying the message's sequence for anything else. No validation, no actors, no store.
// Prints "coordinator-echo: listening on http://127.0.0.1:PORT (pid N)" once it serves; stops when its
// standard input closes (the load process ended) or on SIGTERM/Ctrl-C.
// Usage: dotnet run -c Release coordinator-echo.cs -- --port PORT
#:sdk Microsoft.NET.Sdk.Web
#:project ../../coordinator/GiantVm.Coordinator/GiantVm.Coordinator.csproj
#:property TreatWarningsAsErrors=false
#:property InvariantGlobalization=true

using System.Globalization;
using System.Net;
using GiantVm.Contracts.V1;
using Grpc.Core;
using Microsoft.AspNetCore.Server.Kestrel.Core;

if (args.Contains("--help") || args.Contains("-h"))
{
    Console.WriteLine("coordinator-echo: a bare gRPC AgentService echo for the coordinator benchmark (acknowledges every message).");
    Console.WriteLine("usage: dotnet run -c Release coordinator-echo.cs -- --port PORT");
    return 0;
}

var i = Array.IndexOf(args, "--port");
if (i < 0 || i + 1 >= args.Length || !int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
{
    Console.Error.WriteLine("coordinator-echo: --port needs a TCP port (1-65535); see --help");
    return 2;
}

var builder = WebApplication.CreateSlimBuilder();
builder.Logging.ClearProviders();
builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port, o => o.Protocols = HttpProtocols.Http2));
builder.Services.AddGrpc();
var app = builder.Build();
app.MapGrpcService<EchoAgentService>();
try
{
    await app.StartAsync();
}
catch (IOException e)
{
    Console.Error.WriteLine($"coordinator-echo: cannot listen on 127.0.0.1:{port}: {e.Message}");
    return 3;
}

Console.WriteLine($"coordinator-echo: listening on http://127.0.0.1:{port} (pid {Environment.ProcessId})");
// The load process holds our standard input: when it ends (or dies), so do we.
var stdinClosed = Task.Run(() => Console.In.ReadToEnd());
await Task.WhenAny(stdinClosed, app.WaitForShutdownAsync());
await app.StopAsync();
return 0;

/// <summary>Acknowledges every message, as the coordinator's AgentStreams does, and nothing else.</summary>
sealed class EchoAgentService : AgentService.AgentServiceBase
{
    public override async Task Connect(IAsyncStreamReader<AgentMessage> requestStream, IServerStreamWriter<CoordinatorMessage> responseStream, ServerCallContext context)
    {
        while (await requestStream.MoveNext(context.CancellationToken))
        {
            var message = requestStream.Current;
            await responseStream.WriteAsync(message.PayloadCase == AgentMessage.PayloadOneofCase.Hello
                ? new CoordinatorMessage { HelloAck = new HelloAck { SessionId = "echo", ProtocolVersion = 1 } }
                : new CoordinatorMessage { ReportAck = new ReportAck { Sequence = message.Sequence } });
        }
    }
}
