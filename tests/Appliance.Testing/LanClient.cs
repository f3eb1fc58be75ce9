using Appliance.Engine.Kernel;
using System.Net;
using System.Net.Sockets;

namespace Appliance.Testing;

/// <summary>Opens short sessions from inside a namespace, one after another, bounded in count and time.</summary>
public static class LanClient
{
    /// <summary>Outcome of a burst: how many sessions completed, and the first error seen.</summary>
    public sealed record BurstResult(int Succeeded, int Failed, string? FirstError);

    /// <summary>
    /// Opens <paramref name="count"/> TCP connections (connect, send a byte, close, wait for the server to close), each
    /// given up after <paramref name="attemptTimeout"/> (default 3 s).
    /// </summary>
    public static async Task<BurstResult> TcpBurstAsync(NamespaceThread ns, IPEndPoint server, int count, TimeSpan limit, IPAddress? source = null, TimeSpan? attemptTimeout = null)
    {
        var deadline = DateTime.UtcNow + limit;
        int ok = 0, failed = 0;
        string? firstError = null;
        var one = new byte[] { 1 };
        for (var i = 0; i < count && DateTime.UtcNow < deadline; i++)
        {
            using var socket = ns.Invoke(() =>
            {
                var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { LingerState = new LingerOption(true, 0) };
                if (source is not null)
                {
                    s.Bind(new IPEndPoint(source, 0));
                }
                return s;
            });
            using var timeout = new CancellationTokenSource(attemptTimeout ?? TimeSpan.FromSeconds(3));
            try
            {
                await socket.ConnectAsync(server, timeout.Token);
                await socket.SendAsync(one, timeout.Token);
                socket.Shutdown(SocketShutdown.Send);
                var buffer = new byte[16];
                while (await socket.ReceiveAsync(buffer, timeout.Token) > 0)
                {
                }
                ok++;
            }
            catch (Exception ex) when (ex is SocketException or OperationCanceledException)
            {
                failed++;
                firstError ??= ex.Message;
            }
        }
        return new BurstResult(ok, failed, firstError);
    }

    /// <summary>Sends one datagram from each of <paramref name="count"/> new sockets (new flows) and waits for each echo.</summary>
    public static async Task<BurstResult> UdpFlowsAsync(NamespaceThread ns, IPEndPoint server, int count, TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        int ok = 0, failed = 0;
        string? firstError = null;
        var payload = new byte[] { 42 };
        for (var i = 0; i < count && DateTime.UtcNow < deadline; i++)
        {
            using var socket = ns.Invoke(() => new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp));
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            try
            {
                socket.Connect(server);
                await socket.SendAsync(payload, timeout.Token);
                var buffer = new byte[16];
                await socket.ReceiveAsync(buffer, timeout.Token);
                ok++;
            }
            catch (Exception ex) when (ex is SocketException or OperationCanceledException)
            {
                failed++;
                firstError ??= ex.Message;
            }
        }
        return new BurstResult(ok, failed, firstError);
    }
}
