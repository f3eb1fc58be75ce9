using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Appliance.Engine.Kernel;

namespace Appliance.Testing;

/// <summary>Measures how long after a failure every new session takes the surviving WAN.</summary>
public static class RerouteClock
{
    /// <summary>
    /// Opens a short connection every <paramref name="every"/> and returns the time from <paramref name="since"/>
    /// to the first of <paramref name="consecutive"/> connections in a row that succeeded through <paramref name="via"/>.
    /// Null when that did not happen within <paramref name="limit"/>.
    /// </summary>
    public static async Task<TimeSpan?> TimeUntilAllViaAsync(
        NamespaceThread lan, CountingTcpServer server, IPAddress via, Stopwatch since, int consecutive, TimeSpan every, TimeSpan limit)
    {
        var streak = 0;
        TimeSpan streakStart = default;
        while (since.Elapsed < limit)
        {
            var attemptAt = since.Elapsed;
            var before = server.CountFrom(via);
            var ok = await TryConnectAsync(lan, server.Endpoint, TimeSpan.FromMilliseconds(300));
            if (ok && await CountedAsync(server, via, before))
            {
                if (streak++ == 0)
                {
                    streakStart = attemptAt;
                }
                if (streak >= consecutive)
                {
                    return streakStart;
                }
            }
            else
            {
                streak = 0;
            }
            var wait = every - (since.Elapsed - attemptAt);
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait);
            }
        }
        return null;
    }

    private static async Task<bool> CountedAsync(CountingTcpServer server, IPAddress via, int before)
    {
        // The server counts on accept, which can trail the client's connect by a moment.
        for (var i = 0; i < 20 && server.CountFrom(via) == before; i++)
        {
            await Task.Delay(5);
        }
        return server.CountFrom(via) > before;
    }

    private static async Task<bool> TryConnectAsync(NamespaceThread lan, IPEndPoint server, TimeSpan timeout)
    {
        using var socket = lan.Invoke(() => new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { LingerState = new LingerOption(true, 0) });
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await socket.ConnectAsync(server, cts.Token);
            return true;
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
            return false;
        }
    }
}
