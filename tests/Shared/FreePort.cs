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

        return Ephemeral();
    }

    /// <summary>
    /// A free port for a server a test starts: below the ephemeral range as <see cref="Fixed"/>.
    /// A port the kernel picks (port 0) is in the ephemeral range, where any outgoing connection
    /// (an agent's, a PostgreSQL client's) can take it before the server binds it: a coordinator
    /// then failed to start once in a full run ("address already in use").
    /// </summary>
    public static int Next() => Fixed();

    private static int Ephemeral()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
