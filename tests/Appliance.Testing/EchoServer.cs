using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Appliance.Engine.Kernel;

namespace Appliance.Testing;

/// <summary>
/// Echoes every byte back until the client ends, recording the source address each connection came from (in the lab
/// that tells a session relayed by the hub from one balanced over a WAN) and how many are open.
/// </summary>
public sealed class EchoServer : CountingServer
{
    private readonly Socket _listener;
    private readonly ConcurrentDictionary<Socket, byte> _open = new();

    public EchoServer(NamespaceThread ns, IPEndPoint endpoint)
    {
        Endpoint = endpoint;
        _listener = ns.ListenTcp(endpoint, 4096);
        _ = AcceptLoopAsync();
    }

    public IPEndPoint Endpoint { get; }

    /// <summary>Connections open now.</summary>
    public int Open => _open.Count;

    private async Task AcceptLoopAsync()
    {
        while (!Stopping.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptAsync(Stopping.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            Record(((IPEndPoint)client.RemoteEndPoint!).Address);
            _ = EchoAsync(client);
        }
    }

    private async Task EchoAsync(Socket client)
    {
        _open[client] = 0;
        var buffer = new byte[1024];
        try
        {
            int read;
            while ((read = await client.ReceiveAsync(buffer)) > 0)
            {
                await client.SendAsync(buffer.AsMemory(0, read));
            }
            client.Shutdown(SocketShutdown.Send);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // The client went away; the connection was counted already.
        }
        finally
        {
            _open.TryRemove(client, out _);
            client.Dispose();
        }
    }

    public override void Dispose()
    {
        base.Dispose();
        _listener.Dispose();
        foreach (var client in _open.Keys)
        {
            client.Dispose();
        }
    }
}

/// <summary>Long-lived TCP sessions from a namespace, each proven with a one-byte echo; every wait is bounded.</summary>
public static class EchoSessions
{
    /// <summary>Opens a session and waits for one byte to come back through it.</summary>
    public static async Task<Socket> OpenAsync(NamespaceThread ns, IPEndPoint server, TimeSpan limit, CancellationToken ct)
    {
        var socket = ns.Invoke(() => new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true });
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(limit);
            await socket.ConnectAsync(server, timeout.Token);
            await ExchangeAsync(socket, 1, timeout.Token);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Sends one byte and reads it back; throws when the session is gone.</summary>
    public static async Task ExchangeAsync(Socket socket, byte value, CancellationToken ct)
    {
        await socket.SendAsync(new[] { value }, ct);
        var back = new byte[1];
        if (await socket.ReceiveAsync(back, ct) != 1 || back[0] != value)
        {
            throw new IOException("the session ended instead of echoing");
        }
    }

    /// <summary>
    /// Opens <paramref name="count"/> sessions with at most <paramref name="parallel"/> being set up at once (a burst
    /// beyond the listen backlogs would only measure SYN retries); all of them stay open.
    /// </summary>
    public static async Task<List<Socket>> OpenManyAsync(NamespaceThread ns, IPEndPoint server, int count, int parallel, TimeSpan each, CancellationToken ct)
    {
        var sockets = new ConcurrentBag<Socket>();
        try
        {
            await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = parallel, CancellationToken = ct },
                async (_, token) => sockets.Add(await OpenAsync(ns, server, each, token)));
        }
        catch
        {
            foreach (var socket in sockets)
            {
                socket.Dispose();
            }
            throw;
        }
        return [.. sockets];
    }

    /// <summary>Whether the peer has ended the session (EOF or reset) within <paramref name="limit"/>.</summary>
    public static async Task<bool> EndsWithinAsync(Socket socket, TimeSpan limit, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(limit);
        try
        {
            var buffer = new byte[64];
            while (await socket.ReceiveAsync(buffer, timeout.Token) > 0)
            {
            }
            return true;
        }
        catch (SocketException)
        {
            return true;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return false;
        }
    }
}
