using Appliance.Engine.Kernel;
using System.Net;
using System.Net.Sockets;
using Appliance.Testing;

namespace Appliance.Lab;

/// <summary>
/// A steady mix from the LAN until stopped: every second short TCP sessions from rotating client addresses, a few to the
/// pinned port and a few UDP flows; every few seconds bulk downloads so the links' rates show. Every iteration is bounded
/// in count and time, so stopping never waits long.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "DisposeAsync stops the loops and then disposes the token source.")]
public sealed class TrafficGenerator(NamespaceThread lan, LabServers servers, int clients)
{
    private const int ShortTcpPerSecond = 20;
    private const int PinnedPerSecond = 4;
    private const int UdpPerSecond = 5;
    private const int BulkParallel = 2;
    private static readonly TimeSpan Tick = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan BulkEvery = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan BurstLimit = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan DownloadLimit = TimeSpan.FromSeconds(20);

    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _loops = [];
    private long _tcpOk, _tcpFailed, _udpOk, _udpFailed, _bulkOk, _bulkFailed;
    private string? _lastError;

    public string Summary =>
        $"tcp {Interlocked.Read(ref _tcpOk)} ok/{Interlocked.Read(ref _tcpFailed)} failed, " +
        $"udp {Interlocked.Read(ref _udpOk)}/{Interlocked.Read(ref _udpFailed)}, " +
        $"downloads {Interlocked.Read(ref _bulkOk)}/{Interlocked.Read(ref _bulkFailed)}" +
        (_lastError is { } error ? $"; last error: {error}" : "");

    public void Start()
    {
        _loops.Add(Task.Run(() => ShortSessionsLoopAsync(_stop.Token)));
        _loops.Add(Task.Run(() => BulkLoopAsync(_stop.Token)));
    }

    /// <summary>Stops the loops and waits for the iterations under way (each is bounded).</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await Task.WhenAll(_loops).WaitAsync(TimeSpan.FromSeconds(30));
        }
        catch (TimeoutException)
        {
            Console.Error.WriteLine("lab: traffic did not stop within 30 s; going on with the teardown");
        }
        _stop.Dispose();
    }

    private IPAddress Client(long i) => LabAddresses.ExtraClient((int)(i % clients));

    private async Task ShortSessionsLoopAsync(CancellationToken ct)
    {
        for (long round = 0; !ct.IsCancellationRequested; round++)
        {
            var next = DateTime.UtcNow + Tick;
            await GuardAsync(async () =>
            {
                var bursts = Enumerable.Range(0, clients)
                    .Select(c => LanClient.TcpBurstAsync(lan, servers.Web.Endpoint, ShortTcpPerSecond / clients, BurstLimit, Client(round + c)))
                    .Append(LanClient.TcpBurstAsync(lan, servers.Pinned.Endpoint, PinnedPerSecond, BurstLimit, Client(round)))
                    .ToList();
                var udp = LanClient.UdpFlowsAsync(lan, servers.Udp.Endpoint, UdpPerSecond, BurstLimit);
                foreach (var burst in await Task.WhenAll(bursts))
                {
                    Count("tcp", burst, ref _tcpOk, ref _tcpFailed);
                }
                Count("udp", await udp, ref _udpOk, ref _udpFailed);
            });
            await DelayUntilAsync(next, ct);
        }
    }

    private async Task BulkLoopAsync(CancellationToken ct)
    {
        for (long round = 0; !ct.IsCancellationRequested; round++)
        {
            var next = DateTime.UtcNow + BulkEvery;
            await GuardAsync(async () =>
            {
                var downloads = Enumerable.Range(0, BulkParallel).Select(i => DownloadAsync(Client(round * BulkParallel + i), ct));
                foreach (var ok in await Task.WhenAll(downloads))
                {
                    Interlocked.Increment(ref (ok ? ref _bulkOk : ref _bulkFailed));
                }
            });
            await DelayUntilAsync(next, ct);
        }
    }

    /// <summary>Downloads one bulk transfer to the end (bounded by <see cref="DownloadLimit"/>).</summary>
    private async Task<bool> DownloadAsync(IPAddress source, CancellationToken ct)
    {
        using var socket = await lan.InvokeAsync(() =>
        {
            var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            s.Bind(new IPEndPoint(source, 0));
            return s;
        });
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(DownloadLimit);
        try
        {
            await socket.ConnectAsync(servers.Bulk.Endpoint, limit.Token);
            var buffer = new byte[64 * 1024];
            long received = 0;
            int n;
            while ((n = await socket.ReceiveAsync(buffer, limit.Token)) > 0)
            {
                received += n;
            }
            if (received < servers.Bulk.Bytes)
            {
                _lastError = $"download got {received} of {servers.Bulk.Bytes} bytes";
                return false;
            }
            return true;
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
            if (!ct.IsCancellationRequested)
            {
                _lastError = "download: " + ex.Message;
            }
            return false;
        }
    }

    private void Count(string kind, LanClient.BurstResult result, ref long ok, ref long failed)
    {
        Interlocked.Add(ref ok, result.Succeeded);
        Interlocked.Add(ref failed, result.Failed);
        if (result.FirstError is { } error)
        {
            _lastError = $"{kind}: {error}";
        }
    }

    private async Task GuardAsync(Func<Task> iteration)
    {
        try
        {
            await iteration();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // One bad iteration (e.g. a socket error) must not end the traffic; it shows in the summary.
            _lastError = ex.GetType().Name + ": " + ex.Message;
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    private static async Task DelayUntilAsync(DateTime when, CancellationToken ct)
    {
        var wait = when - DateTime.UtcNow;
        if (wait > TimeSpan.Zero)
        {
            try
            {
                await Task.Delay(wait, ct);
            }
            catch (OperationCanceledException)
            {
                // Stopping.
            }
        }
    }
}
