using System.Net;
using System.Net.Sockets;

namespace GiantVm.Testing;

/// <summary>Loopback TCP ports for tests that start real servers (compiled into every test project).</summary>
internal static class FreePort
{
    private static readonly HashSet<int> HandedOut = [];

    /// <summary>
    /// A free port below the kernel's ephemeral range (32768 and up), so that no outgoing
    /// connection takes it between now and the process binding it: for ports a process must
    /// keep (a cluster member's, named in the others' seed lists).
    /// </summary>
    public static int Fixed()
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var port = Random.Shared.Next(10_000, 32_000);
            lock (HandedOut)
            {
                if (!HandedOut.Add(port))
                {
                    continue; // given to another member already
                }
            }

            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                return port;
            }
            catch (SocketException)
            {
                // taken: try another
            }
        }

        return Next();
    }

    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
