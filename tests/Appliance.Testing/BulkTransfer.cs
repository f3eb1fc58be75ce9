using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Appliance.Engine.Kernel;

namespace Appliance.Testing;

/// <summary>What a receiver saw of one bulk transfer: cumulative bytes over time, and how it ended.</summary>
public sealed class TransferLog
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly List<(double Seconds, long Bytes)> _samples = [(0, 0)];

    public long Bytes { get; private set; }
    /// <summary>True when the transfer ended with an orderly close (EOF), not a reset or a timeout.</summary>
    public bool Completed { get; private set; }
    public string? Error { get; private set; }
    public double Seconds => _samples[^1].Seconds;
    public IReadOnlyList<(double Seconds, long Bytes)> Samples => _samples;

    internal void Add(int bytes)
    {
        Bytes += bytes;
        _samples.Add((_clock.Elapsed.TotalSeconds, Bytes));
    }

    internal void End(string? error)
    {
        Completed = error is null;
        Error = error;
    }

    /// <summary>Goodput in Mbit/s between two moments of the transfer.</summary>
    public double RateMbit(double fromSeconds, double toSeconds)
    {
        var from = BytesAt(fromSeconds);
        var to = BytesAt(toSeconds);
        return (to - from) * 8 / 1e6 / (toSeconds - fromSeconds);
    }

    /// <summary>The longest time without a single byte arriving, between two moments.</summary>
    public double LongestStallSeconds(double fromSeconds, double toSeconds)
    {
        var times = _samples.Select(s => s.Seconds).Where(t => t >= fromSeconds && t <= toSeconds).Prepend(fromSeconds).Append(Math.Min(toSeconds, Seconds)).Order().ToList();
        return times.Zip(times.Skip(1), (a, b) => b - a).DefaultIfEmpty(0).Max();
    }

    private long BytesAt(double seconds)
    {
        var last = 0L;
        foreach (var (t, bytes) in _samples)
        {
            if (t > seconds)
            {
                break;
            }
            last = bytes;
        }
        return last;
    }
}

/// <summary>
/// A bulk TCP server: a client sends 'D' or 'U' and a duration (ms); for 'D' the server sends as fast as it can for that
/// long, for 'U' it receives (and logs) until the client closes. Every transfer is bounded by its duration.
/// </summary>
public sealed class BulkServer : IDisposable
{
    private readonly Socket _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly System.Threading.Channels.Channel<TransferLog> _uploads = System.Threading.Channels.Channel.CreateUnbounded<TransferLog>();

    public BulkServer(NamespaceThread ns, IPEndPoint endpoint, Func<Socket>? createListener = null)
    {
        Endpoint = endpoint;
        _listener = ns.Invoke(createListener ?? (() => new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp)));
        _listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        _listener.Bind(endpoint);
        _listener.Listen(64);
        _ = AcceptLoopAsync();
    }

    public IPEndPoint Endpoint { get; }

    /// <summary>The receive log of the next upload to finish.</summary>
    public async Task<TransferLog> NextUploadAsync(TimeSpan limit)
    {
        using var timeout = new CancellationTokenSource(limit);
        return await _uploads.Reader.ReadAsync(timeout.Token);
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                var socket = await _listener.AcceptAsync(_stop.Token);
                _ = ServeAsync(socket);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        using var _ = socket;
        var header = new byte[9];
        try
        {
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
            limit.CancelAfter(TimeSpan.FromSeconds(5));
            await new NetworkStream(socket, ownsSocket: false).ReadExactlyAsync(header, limit.Token);
            var duration = TimeSpan.FromMilliseconds(BinaryPrimitives.ReadInt64BigEndian(header.AsSpan(1)));
            if (header[0] == (byte)'D')
            {
                await BulkClient.SendForAsync(socket, duration, _stop.Token);
                await BulkClient.DrainAsync(socket, null, duration + TimeSpan.FromSeconds(30), _stop.Token);
            }
            else
            {
                var log = new TransferLog();
                await BulkClient.DrainAsync(socket, log, duration + TimeSpan.FromSeconds(30), _stop.Token);
                _uploads.Writer.TryWrite(log);
            }
        }
        catch (Exception ex) when (ex is SocketException or IOException or OperationCanceledException or ObjectDisposedException)
        {
            // The client went away; nothing to log for it.
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Dispose();
        _stop.Dispose();
    }
}

/// <summary>The client side of <see cref="BulkServer"/>, run from a namespace (the LAN).</summary>
public static class BulkClient
{
    /// <summary>Downloads for <paramref name="duration"/>; the log is kept at the receiver (this side).</summary>
    public static async Task<TransferLog> DownloadAsync(NamespaceThread ns, IPEndPoint server, TimeSpan duration, CancellationToken ct)
    {
        using var socket = ns.Invoke(() => new Socket(server.AddressFamily, SocketType.Stream, ProtocolType.Tcp));
        await socket.ConnectAsync(server, ct);
        await socket.SendAsync(Header('D', duration), ct);
        var log = new TransferLog();
        await DrainAsync(socket, log, duration + TimeSpan.FromSeconds(30), ct);
        return log;
    }

    /// <summary>Uploads for <paramref name="duration"/>; the log is the server's (the receiver's).</summary>
    public static async Task<TransferLog> UploadAsync(NamespaceThread ns, BulkServer server, TimeSpan duration, CancellationToken ct)
    {
        using var socket = ns.Invoke(() => new Socket(server.Endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp));
        await socket.ConnectAsync(server.Endpoint, ct);
        await socket.SendAsync(Header('U', duration), ct);
        await SendForAsync(socket, duration, ct);
        await DrainAsync(socket, null, TimeSpan.FromSeconds(30), ct);
        return await server.NextUploadAsync(TimeSpan.FromSeconds(30));
    }

    internal static async Task SendForAsync(Socket socket, TimeSpan duration, CancellationToken ct)
    {
        var buffer = new byte[64 * 1024];
        Random.Shared.NextBytes(buffer);
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < duration)
        {
            await socket.SendAsync(buffer, ct);
        }
        socket.Shutdown(SocketShutdown.Send);
    }

    /// <summary>Reads until the peer closes, logging arrivals; a reset or the time limit ends the log with an error.</summary>
    internal static async Task DrainAsync(Socket socket, TransferLog? log, TimeSpan limit, CancellationToken ct)
    {
        var buffer = new byte[64 * 1024];
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(limit);
        try
        {
            int read;
            while ((read = await socket.ReceiveAsync(buffer, timeout.Token)) > 0)
            {
                log?.Add(read);
            }
            log?.End(null);
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
            log?.End(ex.Message);
            if (log is null)
            {
                throw;
            }
        }
    }

    private static byte[] Header(char mode, TimeSpan duration)
    {
        var header = new byte[9];
        header[0] = (byte)mode;
        BinaryPrimitives.WriteInt64BigEndian(header.AsSpan(1), (long)duration.TotalMilliseconds);
        return header;
    }
}
