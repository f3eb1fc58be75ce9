using System.Net;
using System.Net.Sockets;
using Appliance.Engine.Bonding;
using Appliance.Engine.Configuration;
using Appliance.Engine.Kernel;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Appliance.Engine.Tests.Bonding;

/// <summary>The hub's listener on loopback (kernel MPTCP): its limits hold against connections that never finish the handshake.</summary>
public sealed class HubRelayTests : IAsyncLifetime
{
    private readonly string _certificatePath = Path.Combine(Path.GetTempPath(), $"hub-tls-{Guid.NewGuid():N}.pfx");
    private readonly BondingMonitor _monitor = new();
    private readonly int _port = FreePort();
    private HubRelay _hub = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private IPEndPoint Endpoint => new(IPAddress.Loopback, _port);

    public async ValueTask InitializeAsync()
    {
        var config = new ApplianceConfig
        {
            Settings = new ApplianceSettings { Role = ApplianceRole.Hub, Listen = new HubListenSettings { Address = "127.0.0.1", Port = _port } },
        };
        var options = Options.Create(new BondingOptions { HandshakeTimeoutMs = 400, MaxPendingHandshakes = 2, CertificatePath = _certificatePath });
        _hub = new HubRelay(new FixedConfig(new ConfigSnapshot(1, config, DateTimeOffset.UtcNow)), new FakeEdgeDirectory(), new LocalSocketFactory(),
            _monitor, options, NullLogger<HubRelay>.Instance);
        await _hub.StartAsync(Ct);
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (_monitor.Snapshot([])?.State != "listening")
        {
            Assert.True(DateTime.UtcNow < deadline, "the hub did not start listening");
            await Task.Delay(20, Ct);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _hub.StopAsync(CancellationToken.None);
        _hub.Dispose();
        File.Delete(_certificatePath);
    }

    [Fact]
    public async Task A_connection_that_never_authenticates_is_closed_when_the_handshake_time_is_up()
    {
        using var silent = await ConnectAsync();
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var (bytes, closed) = await ReadUntilClosedAsync(silent, TimeSpan.FromSeconds(5));

        Assert.True(closed, "the hub kept a silent connection open");
        Assert.Equal(20, bytes);
        Assert.InRange(clock.Elapsed.TotalMilliseconds, 300, 3000);
        Assert.Contains("timed out", _monitor.Snapshot([])!.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connections_beyond_the_pending_handshake_limit_are_closed_at_once()
    {
        using var first = await ConnectAsync();
        using var second = await ConnectAsync();
        await ReadExactlyAsync(first, 20);
        await ReadExactlyAsync(second, 20);

        using var third = await ConnectAsync();
        var (bytes, closed) = await ReadUntilClosedAsync(third, TimeSpan.FromMilliseconds(300));

        Assert.True(closed, "a third pending handshake was let in");
        Assert.Equal(0, bytes);

        // Once the two have timed out, their slots are free again.
        await Task.Delay(700, Ct);
        using var fourth = await ConnectAsync();
        await ReadExactlyAsync(fourth, 20);
    }

    private async Task<Socket> ConnectAsync()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(Endpoint, Ct);
        return socket;
    }

    private static async Task ReadExactlyAsync(Socket socket, int count)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        limit.CancelAfter(TimeSpan.FromSeconds(2));
        await new NetworkStream(socket).ReadExactlyAsync(new byte[count], limit.Token);
    }

    /// <summary>Bytes received until the hub closed (or reset) the connection, and whether it did within the limit.</summary>
    private static async Task<(int Bytes, bool Closed)> ReadUntilClosedAsync(Socket socket, TimeSpan limit)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(limit);
        var total = 0;
        var buffer = new byte[256];
        try
        {
            int read;
            while ((read = await socket.ReceiveAsync(buffer, timeout.Token)) > 0)
            {
                total += read;
            }
            return (total, true);
        }
        catch (SocketException)
        {
            return (total, true);
        }
        catch (OperationCanceledException) when (!Ct.IsCancellationRequested)
        {
            return (total, false);
        }
    }

    private static int FreePort()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }

    private sealed class FixedConfig(ConfigSnapshot snapshot) : IRunningConfigSource
    {
        public ConfigSnapshot Current => snapshot;

        public IDisposable Subscribe(Action<ConfigSnapshot> onChanged) => new Unsubscribe();

        public Task MarkFailedAsync(long revisionId, string error, CancellationToken ct = default) => Task.CompletedTask;

        private sealed class Unsubscribe : IDisposable
        {
            public void Dispose()
            {
            }
        }
    }
}
