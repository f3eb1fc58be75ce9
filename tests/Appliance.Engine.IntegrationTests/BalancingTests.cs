using System.Net;
using System.Net.Sockets;
using Appliance.Engine.Configuration;
using Appliance.Testing;

namespace Appliance.Engine.IntegrationTests;

/// <summary>Per-session balancing proven on real traffic: sessions counted at the server by the WAN address they arrive from.</summary>
public sealed class BalancingTests : IAsyncLifetime
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);
    private NetnsLab _lab = null!;
    private ApplianceUnderTest _appliance = null!;
    private CountingTcpServer _tcp = null!;
    private CountingTcpServer _pinnedPort = null!;
    private LabWan Wan1 => _lab.Wans[0];
    private LabWan Wan2 => _lab.Wans[1];

    public async ValueTask InitializeAsync()
    {
        _lab = await NetnsLab.CreateAsync([new LabWan(1), new LabWan(2)], extraClients: 20);
        _appliance = new ApplianceUnderTest(_lab);
        var inet = _lab.Thread(_lab.Inet);
        _tcp = new CountingTcpServer(inet, new IPEndPoint(LabAddresses.Server, 8080));
        _pinnedPort = new CountingTcpServer(inet, new IPEndPoint(LabAddresses.Server, 8443));
    }

    public async ValueTask DisposeAsync()
    {
        _tcp.Dispose();
        _pinnedPort.Dispose();
        await _appliance.DisposeAsync();
        _appliance.DeleteData();
        await _lab.DisposeAsync();
    }

    [Fact]
    public async Task Weighted_split_of_2000_tcp_sessions_follows_3_to_1_within_5_percent()
    {
        var revision = await _appliance.ConfigureAsync([ApplianceUnderTest.Wan(Wan1, weight: 3), ApplianceUnderTest.Wan(Wan2, weight: 1)]);

        var result = await LanClient.TcpBurstAsync(_lab.Thread(_lab.Lan), _tcp.Endpoint, 2000, Limit);

        Assert.Equal(2000, result.Succeeded);
        var share1 = _tcp.CountFrom(Wan1.ApplianceAddress) / 2000.0;
        var share2 = _tcp.CountFrom(Wan2.ApplianceAddress) / 2000.0;
        Assert.InRange(share1, 0.70, 0.80);
        Assert.InRange(share2, 0.20, 0.30);
        Assert.Equal(2000, _tcp.Total);
        // The kernel's own per-WAN session counters agree with what the server saw.
        var status = await WaitForCountersAsync(revision, 2000);
        Assert.Equal(_tcp.CountFrom(Wan1.ApplianceAddress), SessionsOf(status, "wan1"));
        Assert.Equal(_tcp.CountFrom(Wan2.ApplianceAddress), SessionsOf(status, "wan2"));
    }

    [Fact]
    public async Task Udp_flows_are_balanced_and_answered_through_their_wan()
    {
        await _appliance.ConfigureAsync([ApplianceUnderTest.Wan(Wan1), ApplianceUnderTest.Wan(Wan2)]);
        using var udp = new CountingUdpServer(_lab.Thread(_lab.Inet), new IPEndPoint(LabAddresses.Server, 5353));

        var result = await LanClient.UdpFlowsAsync(_lab.Thread(_lab.Lan), udp.Endpoint, 400, Limit);

        // Every echo came back: replies took the way the flow went out.
        Assert.Equal(400, result.Succeeded);
        Assert.InRange(udp.CountFrom(Wan1.ApplianceAddress), 140, 260);
        Assert.InRange(udp.CountFrom(Wan2.ApplianceAddress), 140, 260);
    }

    [Fact]
    public async Task Sticky_by_source_keeps_a_client_on_one_wan_across_200_connections()
    {
        await _appliance.ConfigureAsync(
            [ApplianceUnderTest.Wan(Wan1), ApplianceUnderTest.Wan(Wan2)],
            [new Rule { Sticky = StickyMode.Source }]);
        var lan = _lab.Thread(_lab.Lan);

        var result = await LanClient.TcpBurstAsync(lan, _tcp.Endpoint, 200, Limit, source: LabAddresses.ExtraClient(0));

        Assert.Equal(200, result.Succeeded);
        Assert.Single(_tcp.BySource);
        // Every other client sticks to one WAN too, and together the clients use both.
        var used = new HashSet<IPAddress>();
        for (var i = 1; i < 20; i++)
        {
            _tcp.Reset();
            Assert.Equal(5, (await LanClient.TcpBurstAsync(lan, _tcp.Endpoint, 5, Limit, source: LabAddresses.ExtraClient(i))).Succeeded);
            used.Add(Assert.Single(_tcp.BySource).Key);
        }
        Assert.Equal(2, used.Count);
    }

    [Fact]
    public async Task Tier2_wan_carries_nothing_while_tier1_is_usable_and_everything_once_tier1_is_disabled()
    {
        await _appliance.ConfigureAsync([ApplianceUnderTest.Wan(Wan1, tier: 1), ApplianceUnderTest.Wan(Wan2, tier: 2)]);
        var lan = _lab.Thread(_lab.Lan);

        Assert.Equal(200, (await LanClient.TcpBurstAsync(lan, _tcp.Endpoint, 200, Limit)).Succeeded);
        Assert.Equal(200, _tcp.CountFrom(Wan1.ApplianceAddress));
        Assert.Equal(0, _tcp.CountFrom(Wan2.ApplianceAddress));

        _tcp.Reset();
        await _appliance.ConfigureAsync([ApplianceUnderTest.Wan(Wan1, tier: 1, enabled: false), ApplianceUnderTest.Wan(Wan2, tier: 2)]);
        Assert.Equal(200, (await LanClient.TcpBurstAsync(lan, _tcp.Endpoint, 200, Limit)).Succeeded);
        Assert.Equal(200, _tcp.CountFrom(Wan2.ApplianceAddress));
    }

    [Fact]
    public async Task A_rule_pinning_a_destination_port_to_wan2_is_obeyed()
    {
        await _appliance.ConfigureAsync(
            [ApplianceUnderTest.Wan(Wan1, weight: 9), ApplianceUnderTest.Wan(Wan2, weight: 1)],
            [new Rule { Protocol = RuleProtocol.Tcp, DestinationPorts = "8443", Action = RuleAction.Pin, Wan = "wan2" }]);
        var lan = _lab.Thread(_lab.Lan);

        Assert.Equal(200, (await LanClient.TcpBurstAsync(lan, _pinnedPort.Endpoint, 200, Limit)).Succeeded);
        Assert.Equal(200, _pinnedPort.CountFrom(Wan2.ApplianceAddress));
        // Other ports are still balanced, mostly over wan1.
        Assert.Equal(200, (await LanClient.TcpBurstAsync(lan, _tcp.Endpoint, 200, Limit)).Succeeded);
        Assert.True(_tcp.CountFrom(Wan1.ApplianceAddress) > 150, $"wan1 got {_tcp.CountFrom(Wan1.ApplianceAddress)} of 200");
    }

    [Fact]
    public async Task Replies_to_sessions_from_the_internet_leave_by_the_wan_they_came_in_on()
    {
        // The appliance's own default route points at wan1 (equal weights, first by name); a connection arriving on wan2
        // must still be answered via wan2, or ISP 2's source filter drops the reply and the connection never completes.
        await _appliance.ConfigureAsync([ApplianceUnderTest.Wan(Wan1), ApplianceUnderTest.Wan(Wan2)]);
        using var local = new CountingTcpServer(_lab.Thread(_lab.Appliance), new IPEndPoint(IPAddress.Any, 9000));

        var result = await LanClient.TcpBurstAsync(_lab.Thread(_lab.Inet), new IPEndPoint(Wan2.ApplianceAddress, 9000), 20, Limit);

        Assert.Equal(20, result.Succeeded);
        Assert.Equal(20, local.Total);
    }

    [Fact]
    public async Task Sessions_to_the_appliance_itself_are_never_marked_while_forwarded_sessions_are()
    {
        await _appliance.ConfigureAsync([ApplianceUnderTest.Wan(Wan1), ApplianceUnderTest.Wan(Wan2)]);
        using var local = new CountingTcpServer(_lab.Thread(_lab.Appliance), new IPEndPoint(IPAddress.Parse(LabAddresses.ApplianceLan), 9100));
        var lan = _lab.Thread(_lab.Lan);

        Assert.Equal(5, (await LanClient.TcpBurstAsync(lan, local.Endpoint, 5, Limit)).Succeeded);
        Assert.Equal(5, (await LanClient.TcpBurstAsync(lan, _tcp.Endpoint, 5, Limit)).Succeeded);

        var toAppliance = await Conntrack("9100");
        var forwarded = await Conntrack("8080");
        Assert.NotEmpty(toAppliance);
        Assert.All(toAppliance, line => Assert.Contains("mark=0 ", line, StringComparison.Ordinal));
        Assert.NotEmpty(forwarded);
        Assert.All(forwarded, line => Assert.DoesNotContain("mark=0 ", line, StringComparison.Ordinal));
    }

    private async Task<string[]> Conntrack(string port)
    {
        var output = await _lab.ExecAsync(_lab.Appliance, "conntrack", "-L", "-p", "tcp", "--dport", port);
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    [Fact]
    public async Task Traffic_keeps_flowing_while_the_process_restarts_and_the_restarted_engine_reconciles_to_the_stored_config()
    {
        var revision = await _appliance.ConfigureAsync([ApplianceUnderTest.Wan(Wan1, weight: 1), ApplianceUnderTest.Wan(Wan2, weight: 1)]);
        var ruleset = await _lab.ExecAsync(_lab.Appliance, "nft", "list", "table", "inet", "appliance");
        var data = _appliance.DataDirectory;
        await _appliance.DisposeAsync();

        // No process: the kernel keeps balancing.
        Assert.Equal(200, (await LanClient.TcpBurstAsync(_lab.Thread(_lab.Lan), _tcp.Endpoint, 200, Limit)).Succeeded);
        Assert.Equal(2, _tcp.BySource.Count);

        _appliance = new ApplianceUnderTest(_lab, data);
        await _appliance.WaitForEngineAsync(revision, usable: 2);
        Assert.Equal(StripCounters(ruleset), StripCounters(await _lab.ExecAsync(_lab.Appliance, "nft", "list", "table", "inet", "appliance")));
    }

    /// <summary>Waits (bounded) until the once-a-second counter sample has seen <paramref name="total"/> sessions.</summary>
    private async Task<System.Text.Json.JsonElement> WaitForCountersAsync(long revision, long total)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            var status = await _appliance.WaitForEngineAsync(revision, usable: 2);
            if (SessionsOf(status, "wan1") + SessionsOf(status, "wan2") >= total || DateTime.UtcNow > deadline)
            {
                return status;
            }
            await Task.Delay(200);
        }
    }

    private static long SessionsOf(System.Text.Json.JsonElement status, string wan) =>
        status.GetProperty("wans").EnumerateArray().Single(w => w.GetProperty("name").GetString() == wan)
            .GetProperty("newSessions") is { ValueKind: System.Text.Json.JsonValueKind.Number } n ? n.GetInt64() : 0;

    private static string StripCounters(string ruleset) =>
        System.Text.RegularExpressions.Regex.Replace(ruleset, @"packets \d+ bytes \d+", "");
}
