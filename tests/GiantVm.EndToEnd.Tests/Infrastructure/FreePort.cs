using System.Net;
using System.Net.Sockets;

namespace GiantVm.EndToEnd.Tests.Infrastructure;

/// <summary>A loopback TCP port nobody listens on right now (the OS picks it).</summary>
internal static class FreePort
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
