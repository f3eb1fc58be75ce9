using Appliance.Engine.Kernel;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Appliance.Testing;

/// <summary>Counts sessions by the source address the server sees: in the lab, that names the WAN they took.</summary>
public abstract class CountingServer : IDisposable
{
    private readonly ConcurrentDictionary<IPAddress, int> _bySource = new();
    protected CancellationTokenSource Stopping { get; } = new();

    public IReadOnlyDictionary<IPAddress, int> BySource => _bySource;

    public int Total => _bySource.Values.Sum();

    public int CountFrom(IPAddress source) => _bySource.GetValueOrDefault(source);

    public void Reset() => _bySource.Clear();

    protected void Record(IPAddress source) => _bySource.AddOrUpdate(source.IsIPv4MappedToIPv6 ? source.MapToIPv4() : source, 1, (_, n) => n + 1);

    public virtual void Dispose()
    {
        Stopping.Cancel();
        Stopping.Dispose();
        GC.SuppressFinalize(this);
    }
}

/// <summary>Accepts TCP connections, records the peer, reads to the end and closes.</summary>
public sealed class CountingTcpServer : CountingServer
{
    private readonly Socket _listener;

    public CountingTcpServer(NamespaceThread ns, IPEndPoint endpoint)
    {
        Endpoint = endpoint;
        _listener = ns.ListenTcp(endpoint, 1024);
        _ = AcceptLoopAsync();
    }

    public IPEndPoint Endpoint { get; }

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
            _ = DrainAsync(client);
        }
    }

    private static async Task DrainAsync(Socket client)
    {
        using (client)
        {
            var buffer = new byte[64 * 1024];
            try
            {
                while (await client.ReceiveAsync(buffer) > 0)
                {
                }
            }
            catch (SocketException)
            {
                // The client went away; the connection was counted already.
            }
        }
    }

    public override void Dispose()
    {
        base.Dispose();
        _listener.Dispose();
    }
}

/// <summary>Records each datagram's source and echoes it back, bound to its service address (replies must come from it).</summary>
public sealed class CountingUdpServer : CountingServer
{
    private readonly Socket _socket;

    public CountingUdpServer(NamespaceThread ns, IPEndPoint endpoint)
    {
        Endpoint = endpoint;
        _socket = ns.BindUdp(endpoint);
        _ = ReceiveLoopAsync();
    }

    public IPEndPoint Endpoint { get; }

    private async Task ReceiveLoopAsync()
    {
        var buffer = new byte[2048];
        while (!Stopping.IsCancellationRequested)
        {
            try
            {
                var result = await _socket.ReceiveFromAsync(buffer, new IPEndPoint(IPAddress.Any, 0), Stopping.Token);
                var peer = (IPEndPoint)result.RemoteEndPoint;
                Record(peer.Address);
                await _socket.SendToAsync(buffer.AsMemory(0, result.ReceivedBytes), peer, Stopping.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
        }
    }

    public override void Dispose()
    {
        base.Dispose();
        _socket.Dispose();
    }
}
