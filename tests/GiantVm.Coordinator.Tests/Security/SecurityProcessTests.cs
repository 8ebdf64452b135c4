using System.Net.Security;
using GiantVm.Contracts.V1;
using GiantVm.Coordinator.Tests.Hosting;
using GiantVm.Coordinator.Tests.Service;
using GiantVm.Security;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Net.Client;

namespace GiantVm.Coordinator.Tests.Security;

/// <summary>
/// The real giantvm-coordinator with --tls-* on loopback (issue 17), certificates from
/// scripts/gen-certs.sh: who can connect, who may say which hello, who may call which verb.
/// </summary>
[Trait("Category", "e2e")]
public sealed class SecurityProcessTests : IDisposable
{
    private readonly TestCertificates _certs = TestCertificates.Issue(
        "--vm", "giantvm,other", "--hosts", "3", "--members", "m1", "--operators", "alice", "--viewers", "bob");
    private readonly TestCertificates _foreign = TestCertificates.Issue("--operators", "eve");
    private readonly string _data = Path.Combine(Path.GetTempPath(), "giantvm-sec-" + Guid.NewGuid().ToString("N"));
    private readonly List<IDisposable> _cleanup = [];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        foreach (var d in _cleanup)
        {
            d.Dispose();
        }

        _certs.Dispose();
        _foreign.Dispose();
        if (Directory.Exists(_data))
        {
            Directory.Delete(_data, recursive: true);
        }
    }

    private async Task<CoordinatorProcess> StartAsync(params string[] extra)
    {
        var (grpc, metrics) = (FreePort.Next(), FreePort.Next());
        var coordinator = CoordinatorProcess.Start(
            ["--policy", "demo", "--data-dir", _data, "--member-name", "m1", .. _certs.ServerArgs("coordinator-m1"),
             "--urls", $"https://127.0.0.1:{grpc}", "--metrics-url", $"http://127.0.0.1:{metrics}", .. extra],
            withPorts: false, ports: (grpc, metrics));
        _cleanup.Add(coordinator);
        await coordinator.WaitHealthyAsync();
        return coordinator;
    }

    /// <summary>A channel presenting <paramref name="identity"/> (a gen-certs file base name), checking the server as giantvmctl does.</summary>
    private GrpcChannel Channel(CoordinatorProcess coordinator, string identity, TestCertificates? from = null)
    {
        var certs = from ?? _certs;
        var (cert, key) = certs.Of(identity);
        var handler = new SocketsHttpHandler().Use(new TlsMaterial(cert, key, certs.Ca));
        if (from is not null)
        {
            // a foreign client cannot verify our server either; let it try anyway, to see the server refuse
            handler.SslOptions.RemoteCertificateValidationCallback = (_, _, _, _) => true;
        }

        var channel = GrpcChannel.ForAddress($"https://127.0.0.1:{coordinator.GrpcPort}", new GrpcChannelOptions { HttpHandler = handler });
        _cleanup.Add(channel);
        return channel;
    }

    private static AdminService.AdminServiceClient Admin(GrpcChannel channel) => new(channel);

    [Fact]
    public async Task Handshake_WithoutClientCertificate_OrFromAnotherCa_OrExpired_IsRefused()
    {
        var coordinator = await StartAsync();
        using var noCert = GrpcChannel.ForAddress($"https://127.0.0.1:{coordinator.GrpcPort}", new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler { SslOptions = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = (_, _, _, _) => true } },
        });
        _certs.IssueExpired("operator-old", "spiffe://giantvm/operator/old");

        var refused = new List<RpcException>
        {
            await Assert.ThrowsAsync<RpcException>(async () => await Admin(noCert).GetStatusAsync(new StatusRequest(), cancellationToken: Ct)),
            await Assert.ThrowsAsync<RpcException>(async () => await Admin(Channel(coordinator, "operator-eve", _foreign)).GetStatusAsync(new StatusRequest(), cancellationToken: Ct)),
            await Assert.ThrowsAsync<RpcException>(async () => await Admin(Channel(coordinator, "operator-old")).GetStatusAsync(new StatusRequest(), cancellationToken: Ct)),
        };

        // No call was made: the connection ended in the handshake. The client sees that as
        // UNAVAILABLE, or (TLS 1.3: the server checks the client certificate after the client has
        // finished its side) as the HTTP/2 connection closing before its preface was answered.
        Assert.All(refused, e => Assert.True(
            e.StatusCode == StatusCode.Unavailable
            || (e.StatusCode == StatusCode.Internal && e.Status.Detail.Contains("did not complete the HTTP/2 handshake", StringComparison.Ordinal)),
            e.ToString()));
        // The coordinator says why, for the two that sent a certificate, and no call reached a service.
        var metrics = await new HttpClient().GetStringAsync($"http://127.0.0.1:{coordinator.MetricsPort}/metrics", Ct);
        var tlsRefusals = System.Text.RegularExpressions.Regex.Match(metrics, "giantvm_auth_denied_total\\{reason=\"tls-certificate\"\\} (\\d+)");
        Assert.True(tlsRefusals.Success && int.Parse(tlsRefusals.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) >= 2, metrics); // a client may try a connection more than once
        Assert.DoesNotContain("giantvm_auth_denied_total{reason=\"no-identity\"}", metrics, StringComparison.Ordinal);
        Assert.Contains("rejected: not issued by this deployment's CA", coordinator.Output, StringComparison.Ordinal);
        Assert.Contains("rejected: expired or not yet valid", coordinator.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Denied GetStatus", coordinator.Output, StringComparison.Ordinal);
        var status = await Admin(Channel(coordinator, "operator-alice")).GetStatusAsync(new StatusRequest(), cancellationToken: Ct); // positive control
        Assert.Equal((0u, "sqlite"), (status.Instances, status.Store.Kind)); // no agent yet: members and store only
    }

    [Fact]
    public async Task Hello_ThatDisagreesWithTheCertificate_IsPermissionDenied()
    {
        var coordinator = await StartAsync();

        using var host1AsNode2 = AgentStream.Open(new AgentService.AgentServiceClient(Channel(coordinator, "host-giantvm-1")));
        await host1AsNode2.SendAsync(new AgentMessage { Hello = AgentStream.HostHello(2) });
        var denied = await host1AsNode2.ExpectErrorAsync();

        using var guestAForB = AgentStream.Open(new AgentService.AgentServiceClient(Channel(coordinator, "guest-other")));
        await guestAForB.SendAsync(new AgentMessage { Hello = AgentStream.GuestHello() }); // vm giantvm, certificate of vm other
        var deniedGuest = await guestAForB.ExpectErrorAsync();

        using var operatorAsHost = AgentStream.Open(new AgentService.AgentServiceClient(Channel(coordinator, "operator-alice")));
        await operatorAsHost.SendAsync(new AgentMessage { Hello = AgentStream.HostHello(0) });
        var deniedOperator = await operatorAsHost.ExpectErrorAsync();

        Assert.Equal(StatusCode.PermissionDenied, denied.StatusCode);
        Assert.Equal("certificate identity spiffe://giantvm/vm/giantvm/host/1 may not say hello as spiffe://giantvm/vm/giantvm/host/2", denied.Status.Detail);
        Assert.Equal(StatusCode.PermissionDenied, deniedGuest.StatusCode);
        Assert.Contains("spiffe://giantvm/vm/other/guest may not say hello as spiffe://giantvm/vm/giantvm/guest", deniedGuest.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(StatusCode.PermissionDenied, deniedOperator.StatusCode);
        // positive control: host 1's certificate says hello as host 1
        using var host1 = await AgentStream.ConnectAsync(new AgentService.AgentServiceClient(Channel(coordinator, "host-giantvm-1")), AgentStream.HostHello(1));
        var metrics = await new HttpClient().GetStringAsync($"http://127.0.0.1:{coordinator.MetricsPort}/metrics", Ct);
        Assert.Contains("giantvm_auth_denied_total{reason=\"hello-binding\"} 3", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Result_ForACommandTheGuestWasNeverSent_IsRefusedAndNotJournaled()
    {
        var coordinator = await StartAsync();
        var guestChannel = Channel(coordinator, "guest-giantvm");
        using var guest = await AgentStream.ConnectAsync(new AgentService.AgentServiceClient(guestChannel), AgentStream.GuestHello());

        await guest.SendAckedAsync(new AgentMessage
        {
            MigrationResult = new MigrationResult
            {
                CommandId = "invented-1", MigrationId = "m-invented", Pid = 4242, Status = MigrationStatus.Done,
                FinishedAt = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow),
            },
        });

        var admin = Admin(Channel(coordinator, "operator-alice"));
        var log = await admin.ListMigrationsAsync(new MigrationsQuery(), cancellationToken: Ct);
        Assert.Empty(log.Records);
        Assert.Contains("Result for command invented-1 from spiffe://giantvm/vm/giantvm/guest refused", coordinator.Output, StringComparison.Ordinal);
        // the stream stays up: the guest's reports are still taken
        await guest.SendAckedAsync(new AgentMessage { GuestReport = Agents.AgentMessageValidatorTests.GuestReport(DateTimeOffset.UtcNow, 0.1, 0.0) });
    }

    [Fact]
    public async Task OperatorMoveAndDrain_AreRecordedWithTheOperatorsIdentityAsActor()
    {
        var coordinator = await StartAsync();
        using var guest = await AgentStream.ConnectAsync(new AgentService.AgentServiceClient(Channel(coordinator, "guest-giantvm")), AgentStream.GuestHello());
        await guest.SendAckedAsync(new AgentMessage { GuestReport = Agents.AgentMessageValidatorTests.GuestReport(DateTimeOffset.UtcNow, 0.1, 0.0) });
        var admin = Admin(Channel(coordinator, "operator-alice"));

        var moved = await admin.MoveAsync(new MoveRequest { Pid = 4242, ToNode = 1 }, cancellationToken: Ct);
        Assert.Equal(1u, moved.Decision.ToNode);
        await admin.DrainAsync(new DrainRequest { NodeId = 1 }, cancellationToken: Ct);

        const string alice = "spiffe://giantvm/operator/alice";
        // what `giantvmctl migrations -o json` prints comes from the store: the actor is there
        var log = await admin.ListMigrationsAsync(new MigrationsQuery(), cancellationToken: Ct);
        var decision = Assert.Single(log.Records, r => r.Kind == "decision");
        Assert.Equal((alice, MigrationTrigger.Move), (decision.Actor, decision.Trigger));
        // and so is the state change, as sqlite3 reads it
        var store = new GiantVm.Coordinator.Persistence.MigrationLogDb(GiantVm.Coordinator.Persistence.StoreLocation.Parse("sqlite:" + Path.Combine(_data, "giantvm.db")));
        await Until(async () => (await store.StateChangesAsync("giantvm", 0, Ct)).Any(c => c.Kind == "drain"), 10, () => coordinator.Output);
        var drain = Assert.Single(await store.StateChangesAsync("giantvm", 0, Ct), c => c.Kind == "drain");
        Assert.Equal((alice, "node 1"), (drain.Actor, drain.Detail));
        Assert.Contains($"Node 1 drained (evacuate False) for {alice}", coordinator.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Roles_ViewerReads_OperatorActs_AgentsMayOnlyAskAdviceForTheirVm()
    {
        var coordinator = await StartAsync();
        await AgentStream.AnnounceAsync(new AgentService.AgentServiceClient(Channel(coordinator, "host-giantvm-0")));
        var viewer = Admin(Channel(coordinator, "viewer-bob"));
        var guest = Admin(Channel(coordinator, "guest-giantvm"));
        var host = Admin(Channel(coordinator, "host-other-0"));
        var @operator = Admin(Channel(coordinator, "operator-alice"));

        await viewer.ListNodesAsync(new NodesRequest(), cancellationToken: Ct);
        var viewerMove = await Assert.ThrowsAsync<RpcException>(async () => await viewer.MoveAsync(new MoveRequest { Pid = 1, ToNode = 0 }, cancellationToken: Ct));
        var guestDrain = await Assert.ThrowsAsync<RpcException>(async () => await guest.DrainAsync(new DrainRequest { NodeId = 0 }, cancellationToken: Ct));
        var guestAdvise = await Assert.ThrowsAsync<RpcException>(async () => await guest.AdviseAsync(new AdviseRequest(), cancellationToken: Ct));
        var hostAdvise = await Assert.ThrowsAsync<RpcException>(async () => await host.AdviseAsync(new AdviseRequest { Vm = "giantvm" }, cancellationToken: Ct));
        var operatorPause = await @operator.PauseAsync(new PauseRequest { Reason = "test" }, cancellationToken: Ct);

        Assert.Equal(StatusCode.PermissionDenied, viewerMove.StatusCode);
        Assert.Equal("spiffe://giantvm/viewer/bob is a viewer; Move needs an operator identity", viewerMove.Status.Detail);
        Assert.Equal(StatusCode.PermissionDenied, guestDrain.StatusCode);
        Assert.NotEqual(StatusCode.PermissionDenied, guestAdvise.StatusCode); // allowed through: no node known yet (FAILED_PRECONDITION)
        Assert.Equal(StatusCode.PermissionDenied, hostAdvise.StatusCode);
        Assert.True(operatorPause.Paused);
        Assert.Contains("Denied Move to spiffe://giantvm/viewer/bob", coordinator.Output, StringComparison.Ordinal);
        await Until(() => Task.FromResult(coordinator.Output.Contains("Pause requested by spiffe://giantvm/operator/alice", StringComparison.Ordinal)), 10, () => coordinator.Output);
        Assert.DoesNotContain("ListNodes requested by", coordinator.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rotation_AReplacedServerCertificate_ServesNewConnections_WithoutARestart()
    {
        var coordinator = await StartAsync();
        using var host = await AgentStream.ConnectAsync(new AgentService.AgentServiceClient(Channel(coordinator, "host-giantvm-0")), AgentStream.HostHello(0));
        var before = await ServerThumbprintAsync(coordinator);

        _certs.More("--members", "m1"); // a new key and certificate for the same member, same CA
        await AgentServiceTests.WaitUntil(async () => await ServerThumbprintAsync(coordinator) != before);

        // the agent connected before the rotation keeps its stream; a new one connects with the new certificate
        await host.SendAckedAsync(new AgentMessage { HostReport = new HostReport { Vm = "giantvm", NodeId = 0, SampleTime = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow), CapacityCores = 4, BusyCores = 1, LcBusyCores = 0.5 } });
        using var later = await AgentStream.ConnectAsync(new AgentService.AgentServiceClient(Channel(coordinator, "host-giantvm-1")), AgentStream.HostHello(1));
        Assert.False(coordinator.Process.HasExited);
    }

    [Fact]
    public async Task Metrics_OffLoopback_AreServedOverTls_AndPlaintextIsRefusedAtStart()
    {
        var metricsPort = FreePort.Next();
        var (grpc, _) = (FreePort.Next(), 0);
        using var tlsMetrics = CoordinatorProcess.Start(
            ["--policy", "demo", "--data-dir", _data, .. _certs.ServerArgs("coordinator-m1"),
             "--urls", $"https://127.0.0.1:{grpc}", "--metrics-url", $"https://0.0.0.0:{metricsPort}"],
            withPorts: false, ports: (grpc, metricsPort));
        using var plain = CoordinatorProcess.Start(
            ["--policy", "demo", "--data-dir", _data + "-2", .. _certs.ServerArgs("coordinator-m1"),
             "--urls", $"https://127.0.0.1:{FreePort.Next()}", "--metrics-url", $"http://0.0.0.0:{FreePort.Next()}"],
            withPorts: false);

        Assert.Equal(2, await plain.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains("is plaintext off loopback", plain.Output, StringComparison.Ordinal);
        // Prometheus's way: the CA file, no client certificate
        var ca = new TlsMaterial(_certs.Of("operator-alice").Cert, _certs.Of("operator-alice").Key, _certs.Ca);
        using var http = new HttpClient(new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, c, _, errors) => ClientTls.Check(ca, c as System.Security.Cryptography.X509Certificates.X509Certificate2, errors) is null,
            },
        });
        var text = await Eventually(async () => await http.GetStringAsync($"https://127.0.0.1:{metricsPort}/metrics", Ct));
        Assert.Contains("giantvm_", text, StringComparison.Ordinal);
        await Assert.ThrowsAsync<HttpRequestException>(async () => await new HttpClient().GetStringAsync($"http://127.0.0.1:{metricsPort}/metrics", Ct));
    }

    [Fact]
    public async Task AkkaCluster_AMemberWithAForeignCa_CannotJoin_ASameCaMemberCan()
    {
        _foreign.More("--members", "m9");
        await using var postgres = await GiantVm.Testing.TestPostgres.StartAsync(Ct); // a cluster's members share one store
        var akka = (A: FreePort.Fixed(), B: FreePort.Fixed(), C: FreePort.Fixed());
        var seeds = $"akka.tcp://giantvm@127.0.0.1:{akka.A}";
        CoordinatorProcess Member(string name, int akkaPort, TestCertificates certs, string data)
        {
            var (grpc, metrics) = (FreePort.Next(), FreePort.Next());
            var member = CoordinatorProcess.Start(
                ["--policy", "demo", "--data-dir", data, "--member-name", name, "--akka-port", akkaPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
                 "--seed-nodes", seeds, "--cluster-size", "3", "--store", postgres.StoreUri, .. certs.ServerArgs("coordinator-" + name),
                 "--urls", $"https://127.0.0.1:{grpc}", "--metrics-url", $"http://127.0.0.1:{metrics}"],
                withPorts: false, ports: (grpc, metrics));
            _cleanup.Add(member);
            return member;
        }

        _certs.More("--members", "m2");
        // no member is Up before a majority of the 3 has joined: the same-CA member joins first
        // (positive control), then the foreign one tries and is refused by the seed
        var a = Member("m1", akka.A, _certs, _data);
        var b = Member("m2", akka.B, _certs, _data + "-b");
        await a.WaitHealthyAsync(90);
        var admin = Admin(Channel(a, "operator-alice"));
        await Until(async () => (await admin.GetStatusAsync(new StatusRequest(), cancellationToken: Ct)).Members.Count(m => m.Status == "Up") == 2, 90, () => a.Output + b.Output);
        var intruder = Member("m9", akka.C, _foreign, _data + "-c");
        await Until(() => Task.FromResult(a.Output.Contains("rejected: not issued by this deployment's CA", StringComparison.Ordinal)), 60, () => a.Output);
        var members = (await admin.GetStatusAsync(new StatusRequest(), cancellationToken: Ct)).Members;
        Assert.DoesNotContain(members, m => m.Address.Contains(akka.C.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));
        Assert.False(b.Process.HasExited);
        Assert.False(intruder.Output.Contains("Welcome from", StringComparison.Ordinal), intruder.Output);
    }

    /// <summary>Cluster membership on a loaded 2-core machine takes tens of seconds: a generous wait on a condition.</summary>
    private static async Task Until(Func<Task<bool>> condition, int seconds, Func<string> explain)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"not within {seconds} s: " + explain());
            await Task.Delay(250, Ct);
        }
    }

    private static async Task<string> Eventually(Func<Task<string>> probe)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            try
            {
                return await probe();
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(200, Ct);
            }
        }
    }

    private static async Task<string> ServerThumbprintAsync(CoordinatorProcess coordinator)
    {
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync("127.0.0.1", coordinator.GrpcPort, Ct);
        await using var ssl = new SslStream(tcp.GetStream(), false);
        try
        {
            await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "localhost", RemoteCertificateValidationCallback = (_, _, _, _) => true }, Ct);
        }
        catch (System.Security.Authentication.AuthenticationException)
        {
            // refused for want of a client certificate, after the server sent its own (TLS 1.2) or not (1.3)
        }

        return ssl.RemoteCertificate?.GetCertHashString() ?? "";
    }
}
