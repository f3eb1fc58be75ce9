using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Appliance.Engine.Bonding;
using Appliance.Engine.Configuration;
using Appliance.Engine.Kernel;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Appliance.Engine.Tests.Bonding;

/// <summary>
/// The hub's listener on loopback (kernel MPTCP): its limits hold against connections that never finish the handshake,
/// its destination policy refuses before connecting, and a listener that cannot start is retried rather than lost.
/// </summary>
public sealed class HubRelayTests : IAsyncDisposable
{
    private const string Key = "unit-test-shared-key-0123";

    /// <summary>What the fake kernel's local table says the hub's own addresses are.</summary>
    private const string LocalTable = """[{"type":"local","dst":"127.0.0.0/8","dev":"lo"},{"type":"local","dst":"198.51.100.99","dev":"eth0"},{"type":"broadcast","dst":"198.51.100.255","dev":"eth0"}]""";

    private readonly string _certificatePath = Path.Combine(Path.GetTempPath(), $"hub-tls-{Guid.NewGuid():N}.pfx");
    private readonly BondingMonitor _monitor = new();
    private readonly int _port = FreePort();
    private readonly FakeEdgeDirectory _edges = new(new EdgeCredential("edge-1", Key, true, false, 16));
    private HubRelay? _hub;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private IPEndPoint Endpoint => new(IPAddress.Loopback, _port);

    private async Task StartAsync(BondingOptions options, TimeProvider? time = null, bool waitListening = true)
    {
        var config = new ApplianceConfig
        {
            Settings = new ApplianceSettings { Role = ApplianceRole.Hub, Listen = new HubListenSettings { Address = "127.0.0.1", Port = _port } },
        };
        options.CertificatePath = _certificatePath;
        _hub = new HubRelay(new FixedConfig(new ConfigSnapshot(1, config, DateTimeOffset.UtcNow)), _edges, new LocalSocketFactory(),
            new LocalAddressReader(new LocalTableRunner()), _monitor, Options.Create(options), time ?? TimeProvider.System, NullLogger<HubRelay>.Instance);
        await _hub.StartAsync(Ct);
        if (waitListening)
        {
            await WaitForStateAsync("listening");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_hub is not null)
        {
            await _hub.StopAsync(CancellationToken.None);
            _hub.Dispose();
        }
        File.Delete(_certificatePath);
    }

    [Fact]
    public async Task A_connection_that_never_authenticates_is_closed_when_the_handshake_time_is_up()
    {
        await StartAsync(new BondingOptions { HandshakeTimeoutMs = 400, MaxPendingHandshakes = 2 });
        using var silent = await ConnectAsync();
        var clock = Stopwatch.StartNew();

        var (bytes, closed) = await ReadUntilClosedAsync(silent, TimeSpan.FromSeconds(5));

        Assert.True(closed, "the hub kept a silent connection open");
        Assert.Equal(20, bytes);
        Assert.InRange(clock.Elapsed.TotalMilliseconds, 300, 3000);
        Assert.Contains("timed out", _monitor.Snapshot([])!.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connections_beyond_the_pending_handshake_limit_are_closed_at_once()
    {
        await StartAsync(new BondingOptions { HandshakeTimeoutMs = 400, MaxPendingHandshakes = 2 });
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

    [Fact]
    public async Task Three_hundred_silent_connections_from_one_address_leave_a_real_edge_its_handshake_within_a_second()
    {
        // The defaults: 256 slots, each held up to 5 s. Without a cap per source, one host held them all.
        await StartAsync(new BondingOptions());
        var flood = new List<Socket>();
        try
        {
            for (var i = 0; i < 300; i++)
            {
                flood.Add(await ConnectAsync(from: IPAddress.Parse("127.0.0.2")));
            }
            await WaitForAsync(() => _monitor.Snapshot([])!.ShedHandshakes >= 300 - 8, "the hub did not shed the flood beyond its per-source cap");

            using var edge = await ConnectAsync();
            var clock = Stopwatch.StartNew();
            // Loopback is never a permitted destination: the hub's RESULT (NotPermitted) proves the whole handshake ran.
            var refused = await Assert.ThrowsAsync<HubRefusedException>(() =>
                EdgeHandshake.ConnectAsync(new NetworkStream(edge), new EdgeIdentity("edge-1", Key, false), new IPEndPoint(IPAddress.Loopback, 80), Ct));
            var took = clock.Elapsed;

            TestContext.Current.TestOutputHelper?.WriteLine($"real edge's handshake under a 300-connection flood: {took.TotalMilliseconds:0} ms");
            Assert.Equal(HubResult.NotPermitted, refused.Result);
            Assert.True(took < TimeSpan.FromSeconds(1), $"the real edge's handshake took {took.TotalMilliseconds:0} ms");
        }
        finally
        {
            flood.ForEach(s => s.Dispose());
        }
    }

    [Fact]
    public async Task The_hubs_own_addresses_come_from_the_kernel()
    {
        await StartAsync(new BondingOptions());

        Assert.Contains(IPNetwork.Parse("198.51.100.99/32"), _hub!.Policy!.Own);
    }

    [Fact]
    public async Task Destinations_the_policy_refuses_are_counted_for_the_edge()
    {
        await StartAsync(new BondingOptions());

        // Data only: the hub refuses both before it connects anywhere.
        foreach (var destination in new[] { "198.51.100.99", "10.1.2.3" })
        {
            using var edge = await ConnectAsync();
            var refused = await Assert.ThrowsAsync<HubRefusedException>(() =>
                EdgeHandshake.ConnectAsync(new NetworkStream(edge), new EdgeIdentity("edge-1", Key, false), new IPEndPoint(IPAddress.Parse(destination), 443), Ct));
            Assert.Equal(HubResult.NotPermitted, refused.Result);
        }

        var status = _monitor.Snapshot([])!;
        var counted = Assert.Single(status.Edges);
        Assert.Equal(("edge-1", 0, 2L), (counted.Id, counted.ActiveSessions, counted.Refused));
    }

    [Fact]
    public async Task An_unreadable_certificate_is_reported_and_tried_again_without_ending_the_relay()
    {
        await File.WriteAllTextAsync(_certificatePath, "not a certificate", Ct);
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await StartAsync(new BondingOptions(), time, waitListening: false);

        await WaitForStateAsync("failed");
        Assert.Contains("cannot serve", _monitor.Snapshot([])!.LastError, StringComparison.Ordinal);
        Assert.False(_hub!.ExecuteTask!.IsCompleted, "the hub relay ended on a certificate it could not read");

        // The file is fixed (here: removed, so a new certificate is made); the next try, a second later, listens.
        File.Delete(_certificatePath);
        await WaitForAsync(() =>
        {
            time.Advance(TimeSpan.FromSeconds(1));
            return _monitor.Snapshot([])!.State == "listening";
        }, "the hub did not listen once its certificate could be made");
        using var socket = await ConnectAsync();
        await ReadExactlyAsync(socket, 20);
    }

    private async Task<Socket> ConnectAsync(IPAddress? from = null)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        if (from is not null)
        {
            socket.Bind(new IPEndPoint(from, 0));
        }
        await socket.ConnectAsync(Endpoint, Ct);
        return socket;
    }

    private Task WaitForStateAsync(string state) =>
        WaitForAsync(() => _monitor.Snapshot([])?.State == state, $"the hub did not reach state {state}; last: {_monitor.Snapshot([])?.State} {_monitor.Snapshot([])?.LastError}");

    private static async Task WaitForAsync(Func<bool> condition, string failure)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, failure);
            await Task.Delay(20, Ct);
        }
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

    /// <summary>Answers <c>ip -j route show table local</c> with <see cref="LocalTable"/> (IPv4) and nothing (IPv6).</summary>
    private sealed class LocalTableRunner : ICommandRunner
    {
        public Task<CommandResult> RunAsync(string program, IReadOnlyList<string> arguments, string? stdin = null, CancellationToken ct = default) =>
            Task.FromResult(new CommandResult(0, arguments.Contains("-4") ? LocalTable : "[]", ""));
    }

    private sealed class FixedConfig(ConfigSnapshot snapshot) : IRunningConfigSource
    {
        public Task Ready => Task.CompletedTask;

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
