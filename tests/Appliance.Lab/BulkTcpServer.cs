using Appliance.Engine.Kernel;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Appliance.Testing;

namespace Appliance.Lab;

/// <summary>
/// A download server: to every connection it sends <see cref="Bytes"/> bytes, closes its side and waits for the client
/// to close, so the time it took is the transfer's. Counts sessions, and keeps the last throughput, per source (= WAN).
/// </summary>
public sealed class BulkTcpServer : CountingServer
{
    private static readonly TimeSpan TransferLimit = TimeSpan.FromSeconds(30);
    private readonly Socket _listener;
    private readonly ConcurrentDictionary<IPAddress, double> _lastMbit = new();

    public BulkTcpServer(NamespaceThread ns, IPEndPoint endpoint, int bytes)
    {
        Endpoint = endpoint;
        Bytes = bytes;
        _listener = ns.ListenTcp(endpoint, 64);
        _ = AcceptLoopAsync(Stopping.Token);
    }

    public IPEndPoint Endpoint { get; }
    public int Bytes { get; }

    /// <summary>Throughput of the last complete download per source address, in Mbit/s.</summary>
    public double? LastMbitFrom(IPAddress source) => _lastMbit.TryGetValue(source, out var mbit) ? mbit : null;

    private async Task AcceptLoopAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptAsync(ct);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            var source = ((IPEndPoint)client.RemoteEndPoint!).Address;
            source = source.IsIPv4MappedToIPv6 ? source.MapToIPv4() : source;
            Record(source);
            _ = SendAsync(client, source, ct);
        }
    }

    private async Task SendAsync(Socket client, IPAddress source, CancellationToken ct)
    {
        using (client)
        {
            var chunk = new byte[64 * 1024];
            var watch = Stopwatch.StartNew();
            try
            {
                using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
                limit.CancelAfter(TransferLimit);
                for (var sent = 0; sent < Bytes;)
                {
                    sent += await client.SendAsync(chunk.AsMemory(0, Math.Min(chunk.Length, Bytes - sent)), limit.Token);
                }
                client.Shutdown(SocketShutdown.Send);
                // The client closes once it has read everything: only then is the transfer complete.
                while (await client.ReceiveAsync(chunk, limit.Token) > 0)
                {
                }
                _lastMbit[source] = Bytes * 8 / watch.Elapsed.TotalSeconds / 1_000_000;
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                // Aborted, stopped or too slow: no throughput figure for this one.
            }
        }
    }

    public override void Dispose()
    {
        base.Dispose();
        _listener.Dispose();
    }
}
