using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Appliance.Engine.Planning;
using Appliance.Testing;

namespace Appliance.Engine.IntegrationTests.Routing;

/// <summary>
/// The appliance routes from its own tables alone: its namespace holds nothing but its links and their addresses, with
/// no default route in the main table, as on a box whose WANs are configured only in the appliance.
/// </summary>
public sealed class OwnRoutingTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(120);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private const int Sessions = 1800;
    private NetnsLab _lab = null!;
    private ApplianceUnderTest _appliance = null!;
    private CountingTcpServer _tcp = null!;

    public async ValueTask InitializeAsync()
    {
        _lab = await NetnsLab.CreateAsync([new LabWan(1), new LabWan(2), new LabWan(3)]);
        _appliance = new ApplianceUnderTest(_lab);
        _tcp = new CountingTcpServer(_lab.Thread(_lab.Inet), new IPEndPoint(LabAddresses.Server, 8080));
    }

    public async ValueTask DisposeAsync()
    {
        _tcp.Dispose();
        await _appliance.DisposeAsync();
        _appliance.DeleteData();
        await _lab.DisposeAsync();
    }

    [Fact]
    public async Task Three_wans_with_static_gateways_split_lan_sessions_5_3_1_within_4_points_without_a_main_default_route()
    {
        await _appliance.ConfigureAsync(
            [ApplianceUnderTest.Wan(_lab.Wans[0], weight: 5), ApplianceUnderTest.Wan(_lab.Wans[1], weight: 3), ApplianceUnderTest.Wan(_lab.Wans[2], weight: 1)]);
        await AssertNoMainDefaultRouteAsync();

        var result = await LanClient.TcpBurstAsync(_lab.Thread(_lab.Lan), _tcp.Endpoint, Sessions, Limit);

        // Every session completes: the replies pass the WANs' reverse-path filter.
        Assert.True(result.Succeeded == Sessions, $"{result.Succeeded} of {Sessions} sessions completed ({result.Failed} failed: {result.FirstError})");
        var shares = _lab.Wans.Select(w => _tcp.CountFrom(w.ApplianceAddress) / (double)Sessions).ToList();
        output.WriteLine($"split of {Sessions} sessions: {string.Join(" / ", shares.Select(s => $"{s:P1}"))} (expected 55.6 % / 33.3 % / 11.1 %)");
        double[] expected = [5 / 9.0, 3 / 9.0, 1 / 9.0];
        for (var i = 0; i < 3; i++)
        {
            Assert.True(Math.Abs(shares[i] - expected[i]) <= 0.04, $"wan{i + 1} carried {shares[i]:P1}, expected {expected[i]:P1} ± 4 points");
        }
        Assert.Equal(Sessions, _tcp.Total);
        // Balancing did not put a default route into main either.
        await AssertNoMainDefaultRouteAsync();
    }

    [Fact]
    public async Task The_appliances_own_connection_leaves_by_the_best_wan_and_moves_when_that_wan_goes_down()
    {
        await _appliance.ConfigureAsync(
            [ApplianceUnderTest.ProbedWan(_lab.Wans[0], weight: 5), ApplianceUnderTest.ProbedWan(_lab.Wans[1], weight: 3), ApplianceUnderTest.ProbedWan(_lab.Wans[2], weight: 1)]);
        await AssertNoMainDefaultRouteAsync();
        var appliance = _lab.Thread(_lab.Appliance);

        // The heaviest WAN of the best tier carries the appliance's own traffic, and the connection took that WAN's mark.
        Assert.Equal(_lab.Wans[0].ApplianceAddress, await OwnConnectionViaAsync(appliance, TimeSpan.FromSeconds(3)));
        var wan1Mark = KernelIds.MarkOf(WanSlots.Assign(["wan1", "wan2", "wan3"])["wan1"]);
        var own = await _lab.ExecAsync(_lab.Appliance, "conntrack", "-L", "-p", "tcp", "--dport", "8080", "--src", _lab.Wans[0].ApplianceAddress.ToString());
        Assert.Contains($"mark={wan1Mark.ToString(System.Globalization.CultureInfo.InvariantCulture)} ", own, StringComparison.Ordinal);

        var clock = Stopwatch.StartNew();
        await _lab.SetIspSilentAsync(1, silent: true);
        await _appliance.WaitForWanAsync("wan1", w => w.GetProperty("state").GetString() == "down", TimeSpan.FromSeconds(10));
        var downAt = clock.Elapsed;
        IPAddress? via = null;
        while (clock.Elapsed < TimeSpan.FromSeconds(20))
        {
            via = await OwnConnectionViaAsync(appliance, TimeSpan.FromMilliseconds(500));
            if (via is not null)
            {
                break;
            }
            await Task.Delay(100, Ct);
        }
        var movedAt = clock.Elapsed;
        output.WriteLine($"wan1 down {downAt.TotalSeconds:0.00} s after the silence; the appliance's own connection left by {via} {movedAt.TotalSeconds:0.00} s after it ({(movedAt - downAt).TotalSeconds:0.00} s after down)");

        // The next by weight takes over, and it does so promptly once health has called wan1 down.
        Assert.Equal(_lab.Wans[1].ApplianceAddress, via);
        Assert.True(movedAt - downAt < TimeSpan.FromSeconds(3), $"the own default route moved {(movedAt - downAt).TotalSeconds:0.00} s after wan1 went down");
        await AssertNoMainDefaultRouteAsync();
    }

    [Fact]
    public async Task A_packet_arriving_on_a_wan_with_a_lan_source_address_is_dropped()
    {
        await _appliance.ConfigureAsync([ApplianceUnderTest.Wan(_lab.Wans[0]), ApplianceUnderTest.Wan(_lab.Wans[1])]);
        using var listener = new CountingUdpServer(_lab.Thread(_lab.Lan), new IPEndPoint(IPAddress.Parse(LabAddresses.Client), 6000));
        // ISP 1 forges a LAN source: an address of the appliance's LAN subnet on its own loopback, and a host route to the
        // LAN client via the appliance's wan1 address (the ISP's namespace, not the appliance's).
        var isp = _lab.Isp(1);
        var forged = IPAddress.Parse("198.18.0.250");
        await _lab.ExecAsync(isp, "ip", "addr", "add", forged + "/32", "dev", "lo");
        await _lab.ExecAsync(isp, "ip", "route", "add", LabAddresses.Client + "/32", "via", _lab.Wans[0].ApplianceAddress.ToString());
        var ispThread = _lab.Thread(isp);

        // Forged first, then one from the ISP's own address along the same path: once that arrived, the forged one would have.
        using (var spoof = ispThread.BindUdp(new IPEndPoint(forged, 0)))
        {
            for (var i = 0; i < 5; i++)
            {
                await spoof.SendToAsync(new byte[] { 1 }, listener.Endpoint, Ct);
            }
        }
        using var genuine = ispThread.BindUdp(new IPEndPoint(_lab.Wans[0].Gateway, 0));
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (listener.CountFrom(_lab.Wans[0].Gateway) == 0 && DateTime.UtcNow < deadline)
        {
            await genuine.SendToAsync(new byte[] { 2 }, listener.Endpoint, Ct);
            await Task.Delay(100, Ct);
        }

        Assert.True(listener.CountFrom(_lab.Wans[0].Gateway) > 0, "a datagram from ISP 1's own address never reached the LAN");
        Assert.Equal(0, listener.CountFrom(forged));
    }

    /// <summary>Connects from a socket made in the appliance's namespace (no mark, no bind); the WAN address the server saw, or null.</summary>
    private async Task<IPAddress?> OwnConnectionViaAsync(Engine.Kernel.NamespaceThread appliance, TimeSpan timeout)
    {
        var before = _lab.Wans.ToDictionary(w => w.ApplianceAddress, w => _tcp.CountFrom(w.ApplianceAddress));
        using var socket = appliance.Invoke(() => new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { LingerState = new LingerOption(true, 0) });
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await socket.ConnectAsync(_tcp.Endpoint, cts.Token);
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
            return null;
        }
        // The server counts on accept, which can trail the connect by a moment.
        for (var i = 0; i < 100; i++)
        {
            var seen = before.Keys.FirstOrDefault(a => _tcp.CountFrom(a) > before[a]);
            if (seen is not null)
            {
                return seen;
            }
            await Task.Delay(10);
        }
        return null;
    }

    private async Task AssertNoMainDefaultRouteAsync() =>
        Assert.Equal("", (await _lab.ExecAsync(_lab.Appliance, "ip", "-4", "route", "show", "default")).Trim());
}
