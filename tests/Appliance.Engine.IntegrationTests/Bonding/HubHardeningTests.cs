using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Appliance.Testing;

namespace Appliance.Engine.IntegrationTests.Bonding;

/// <summary>
/// The hub's hardening through a real edge and hub (lab: lan ─ edge ─ 2 unshaped WANs ─ inet ─ hub): what the hub
/// refuses and how an allow list opens it, a handshake flood, an edge removed or black-holed mid-session, and the
/// balanced fallback when the hub will not take a session.
/// </summary>
public sealed class HubHardeningTests(ITestOutputHelper output) : IAsyncDisposable
{
    private static readonly IPEndPoint Echo = new(LabAddresses.Server, 7000);
    private BondedLab? _lab;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private BondedLab Lab => _lab!;

    private async Task<BondedLab> StartAsync(IReadOnlyDictionary<string, string>? hubSettings = null, IReadOnlyDictionary<string, string>? edgeSettings = null) =>
        _lab = await BondedLab.CreateAsync([null, null], hubSettings: hubSettings, edgeSettings: edgeSettings);

    public async ValueTask DisposeAsync()
    {
        if (_lab is not null)
        {
            await _lab.DisposeAsync();
        }
    }

    [Fact]
    public async Task The_hub_refuses_its_own_address_to_a_lan_client_which_is_balanced_instead_until_an_allow_list_names_it()
    {
        await StartAsync();
        var hubHost = Lab.Lab.Thread(Lab.Lab.Hub);
        // A service on the hub's own address (its UI or SSH, say).
        using var own = new CountingTcpServer(hubHost, new IPEndPoint(LabAddresses.Hub, 9000));
        var lan = Lab.Lab.Thread(Lab.Lab.Lan);

        var refused = await LanClient.TcpBurstAsync(lan, own.Endpoint, 1, TimeSpan.FromSeconds(15));

        // The client got its session, but balanced from a WAN address: the hub never connected to itself.
        Assert.Equal(1, refused.Succeeded);
        Assert.Equal(0, FromHub(own));
        Assert.Equal(1, Lab.Lab.Wans.Sum(w => own.CountFrom(w.ApplianceAddress)));
        var hubBonding = await Lab.Hub.WaitForBondingAsync(b => Refused(b, BondedLab.EdgeId) == 1, TimeSpan.FromSeconds(5));
        await Lab.Edge.WaitForBondingAsync(b => b.GetProperty("fallbackSessions").GetInt64() == 1, TimeSpan.FromSeconds(5));
        var metrics = await Lab.Hub.Api.GetStringAsync("/metrics", Ct);
        Assert.Contains($"appliance_bonding_edge_refused_total{{edge=\"{BondedLab.EdgeId}\"}} 1\n", metrics, StringComparison.Ordinal);
        output.WriteLine($"hub bonding after the refusal: {hubBonding}");

        // The edge is allowed exactly that address: now the hub relays to it.
        using var put = await Lab.Hub.Api.PutAsJsonAsync($"/api/v1/hub/edges/{BondedLab.EdgeId}", new { allowedDestinations = new[] { LabAddresses.Hub + "/32" } }, Ct);
        Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync(Ct));
        var allowed = await LanClient.TcpBurstAsync(lan, own.Endpoint, 1, TimeSpan.FromSeconds(15));

        Assert.Equal(1, allowed.Succeeded);
        Assert.Equal(1, FromHub(own));
    }

    [Fact]
    public async Task A_flood_of_silent_connections_from_one_address_leaves_the_real_edge_its_handshake_within_a_second()
    {
        await StartAsync();
        var inet = Lab.Lab.Thread(Lab.Lab.Inet);
        using var echo = new EchoServer(inet, Echo);
        var hub = new IPEndPoint(LabAddresses.Hub, BondedLab.HubPort);
        var flood = new List<Socket>();
        try
        {
            for (var i = 0; i < 300; i++)
            {
                var socket = inet.Invoke(() => new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp));
                flood.Add(socket);
                await socket.ConnectAsync(hub, Ct);
            }
            await Lab.Hub.WaitForBondingAsync(b => b.GetProperty("shedHandshakes").GetInt64() >= 300 - 8, TimeSpan.FromSeconds(10));

            var clock = Stopwatch.StartNew();
            using var session = await EchoSessions.OpenAsync(Lab.Lab.Thread(Lab.Lab.Lan), Echo, TimeSpan.FromSeconds(10), Ct);
            var took = clock.Elapsed;

            output.WriteLine($"a LAN session through the edge and the hub, under a flood of 300 silent connections: first echo after {took.TotalMilliseconds:0} ms");
            // Relayed by the hub (it connects from its uplink address), not balanced because the hub shed the edge.
            Assert.Equal(1, echo.CountFrom(IPAddress.Parse(LabAddresses.HubUplink)));
            Assert.True(took < TimeSpan.FromSeconds(1), $"the edge's session took {took.TotalMilliseconds:0} ms to open under the flood");
        }
        finally
        {
            flood.ForEach(s => s.Dispose());
        }
    }

    [Fact]
    public async Task Deleting_an_edge_closes_its_live_sessions_within_a_second()
    {
        await StartAsync();
        using var echo = new EchoServer(Lab.Lab.Thread(Lab.Lab.Inet), Echo);
        var sessions = await OpenBondedAsync(echo, 20, 10);
        try
        {
            await Lab.Hub.WaitForBondingAsync(b => Active(b, BondedLab.EdgeId) == 20, TimeSpan.FromSeconds(10));

            var clock = Stopwatch.StartNew();
            using var deleted = await Lab.Hub.Api.DeleteAsync($"/api/v1/hub/edges/{BondedLab.EdgeId}", Ct);
            Assert.True(deleted.IsSuccessStatusCode);
            var ended = await Task.WhenAll(sessions.Select(s => EchoSessions.EndsWithinAsync(s, TimeSpan.FromSeconds(5), Ct)));
            var took = clock.Elapsed;
            await Lab.Hub.WaitForBondingAsync(b => Active(b, BondedLab.EdgeId) == 0, TimeSpan.FromSeconds(2));

            output.WriteLine($"20 sessions of the deleted edge ended {took.TotalMilliseconds:0} ms after the DELETE");
            Assert.All(ended, Assert.True);
            Assert.True(took < TimeSpan.FromSeconds(1), $"the sessions took {took.TotalMilliseconds:0} ms to close");
            Assert.Equal(0, echo.Open);
        }
        finally
        {
            sessions.ForEach(s => s.Dispose());
        }
    }

    [Fact]
    public async Task An_edge_that_vanishes_without_a_fin_is_cleared_on_the_hub_within_the_keepalive_time()
    {
        // Keepalive after 2 s of silence, then 3 probes a second apart: a dead edge is noticed within about 5 s.
        await StartAsync(hubSettings: new Dictionary<string, string>
        {
            ["Appliance:Engine:Bonding:KeepAliveIdleSeconds"] = "2",
            ["Appliance:Engine:Bonding:KeepAliveIntervalSeconds"] = "1",
            ["Appliance:Engine:Bonding:KeepAliveProbes"] = "3",
        });
        using var echo = new EchoServer(Lab.Lab.Thread(Lab.Lab.Inet), Echo);
        var sessions = await OpenBondedAsync(echo, 10, 10);
        try
        {
            await Lab.Hub.WaitForBondingAsync(b => Active(b, BondedLab.EdgeId) == 10, TimeSpan.FromSeconds(10));

            // Power loss or a NAT that forgot the edge: nothing of it reaches the hub any more, not even a reset.
            foreach (var wan in Lab.Lab.Wans)
            {
                await Lab.Lab.SetIspSilentAsync(wan.Index, true);
            }
            var clock = Stopwatch.StartNew();
            try
            {
                await Lab.Hub.WaitForBondingAsync(b => Active(b, BondedLab.EdgeId) == 0, TimeSpan.FromSeconds(30));
            }
            catch (TimeoutException)
            {
                // What the kernel still holds of the edge's connections, to tell which timer is keeping them.
                output.WriteLine(await Lab.Lab.ExecAsync(Lab.Lab.Hub, "ss", "-tniMo", "state", "all", "sport", "=", ":" + BondedLab.HubPort));
                throw;
            }
            var took = clock.Elapsed;

            output.WriteLine($"the black-holed edge's 10 sessions were cleared on the hub {took.TotalSeconds:0.0} s after its links went silent (keepalive 2 s + 3 × 1 s)");
            Assert.True(took < TimeSpan.FromSeconds(15), $"clearing took {took.TotalSeconds:0.0} s");
            await WaitAsync(() => echo.Open == 0, "the hub kept the onward connections of the dead edge open");
        }
        finally
        {
            sessions.ForEach(s => s.Dispose());
        }
    }

    [Fact]
    public async Task With_the_hub_holding_the_edge_to_100_sessions_the_101st_still_reaches_its_server_balanced()
    {
        await StartAsync();
        using var put = await Lab.Hub.Api.PutAsJsonAsync($"/api/v1/hub/edges/{BondedLab.EdgeId}", new { maxSessions = 100 }, Ct);
        Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync(Ct));
        using var echo = new EchoServer(Lab.Lab.Thread(Lab.Lab.Inet), Echo);
        var lan = Lab.Lab.Thread(Lab.Lab.Lan);
        var sessions = await OpenBondedAsync(echo, 100, 20);
        try
        {
            await Lab.Hub.WaitForBondingAsync(b => Active(b, BondedLab.EdgeId) == 100, TimeSpan.FromSeconds(10));
            Assert.Equal(100, echo.CountFrom(IPAddress.Parse(LabAddresses.HubUplink)));

            sessions.Add(await EchoSessions.OpenAsync(lan, Echo, TimeSpan.FromSeconds(10), Ct));

            // Balanced: the server sees it from one of the edge's WAN addresses, and the edge counted a fallback.
            Assert.Equal(1, Lab.Lab.Wans.Sum(w => echo.CountFrom(w.ApplianceAddress)));
            var bonding = await Lab.Edge.WaitForBondingAsync(b => b.GetProperty("fallbackSessions").GetInt64() == 1, TimeSpan.FromSeconds(5));
            Assert.Equal(1, bonding.GetProperty("activeFallbackSessions").GetInt32());
            Assert.Contains("appliance_bonding_fallback_sessions_total 1\n", await Lab.Edge.Api.GetStringAsync("/metrics", Ct), StringComparison.Ordinal);
            await EchoSessions.ExchangeAsync(sessions[^1], 7, Ct);
        }
        finally
        {
            sessions.ForEach(s => s.Dispose());
        }
    }

    /// <summary>
    /// Opens sessions from the LAN, <paramref name="parallel"/> at a time, after one on its own: until the edge has
    /// proved its key from its address, the hub takes only 8 handshakes from that address at once (the rest are balanced).
    /// </summary>
    private async Task<List<Socket>> OpenBondedAsync(EchoServer echo, int count, int parallel)
    {
        var lan = Lab.Lab.Thread(Lab.Lab.Lan);
        (await EchoSessions.OpenAsync(lan, Echo, TimeSpan.FromSeconds(10), Ct)).Dispose();
        await Lab.Hub.WaitForBondingAsync(b => Active(b, BondedLab.EdgeId) == 0, TimeSpan.FromSeconds(10));
        echo.Reset();
        return await EchoSessions.OpenManyAsync(lan, Echo, count, parallel, TimeSpan.FromSeconds(10), Ct);
    }

    private static int FromHub(CountingServer server) => server.CountFrom(LabAddresses.Hub) + server.CountFrom(IPAddress.Parse(LabAddresses.HubUplink));

    private static JsonElement? EdgeEntry(JsonElement bonding, string edge) =>
        bonding.GetProperty("edges").EnumerateArray().Where(e => e.GetProperty("id").GetString() == edge).Select(e => (JsonElement?)e).FirstOrDefault();

    private static int Active(JsonElement bonding, string edge) => EdgeEntry(bonding, edge)?.GetProperty("activeSessions").GetInt32() ?? 0;

    private static long Refused(JsonElement bonding, string edge) => EdgeEntry(bonding, edge)?.GetProperty("refused").GetInt64() ?? 0;

    private static async Task WaitAsync(Func<bool> condition, string failure)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, failure);
            await Task.Delay(50, Ct);
        }
    }
}
