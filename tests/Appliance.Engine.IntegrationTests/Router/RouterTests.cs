using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Appliance.Testing;

namespace Appliance.Engine.IntegrationTests.Router;

/// <summary>
/// The appliance as a router, end to end in namespaces: a LAN client leases an address and resolves names through it,
/// its sessions are balanced over a DHCP WAN and a static WAN, and a renumbered DHCP WAN carries traffic again at once.
/// </summary>
public sealed class RouterTests(RouterSite site, ITestOutputHelper output) : IClassFixture<RouterSite>
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_lan_client_leases_an_address_in_the_range_and_resolves_through_a_wan()
    {
        var lease = site.ClientLease;
        var offset = lease.Address.GetAddressBytes()[3];
        Assert.InRange(offset, 100, 102);
        Assert.Equal(24, lease.PrefixLength);
        Assert.Equal(IPAddress.Parse(LabAddresses.ApplianceLan), lease.Router);
        Assert.Contains(IPAddress.Parse(LabAddresses.ApplianceLan), lease.DnsServers);

        // Answered by the internet's DNS server, which only a WAN reaches: the appliance forwarded it.
        var answer = await DnsLookup.ResolveAsync(site.Lab.Thread(site.Lab.Lan), IPAddress.Parse(LabAddresses.ApplianceLan), InternetDns.ServerName, TimeSpan.FromSeconds(5), Ct);
        Assert.Equal(IPAddress.Parse(InternetDns.ServerNameAddress), answer);

        var leases = await site.LeasesAsync();
        Assert.Contains(leases.EnumerateArray(), l => l.GetProperty("address").GetString() == lease.Address.ToString() && l.GetProperty("hostname").GetString() == "laptop");
    }

    [Fact]
    public async Task Sessions_from_a_leased_client_are_balanced_over_the_dhcp_and_the_static_wan()
    {
        // Its lease comes from the ISP's range, which the renumbering test may have moved: the address is whatever it is now.
        var wan1 = await site.WanAddressAsync("wan1") ?? throw new InvalidOperationException("wan1 has no address");
        Assert.StartsWith("198.18.11.", wan1.ToString(), StringComparison.Ordinal);
        using var server = new CountingTcpServer(site.Lab.Thread(site.Lab.Inet), new IPEndPoint(LabAddresses.Server, 8080));

        var result = await LanClient.TcpBurstAsync(site.Lab.Thread(site.Lab.Lan), server.Endpoint, 200, Limit);

        Assert.Equal(200, result.Succeeded);
        var viaDhcp = server.CountFrom(wan1);
        var viaStatic = server.CountFrom(IPAddress.Parse(RouterSite.Wan2Address));
        Assert.Equal(200, viaDhcp + viaStatic);
        Assert.InRange(viaDhcp, 60, 140);
    }

    [Fact]
    public async Task A_renumbered_dhcp_wan_carries_traffic_on_its_new_address_at_once_and_the_other_wan_is_untouched()
    {
        var lan = site.Lab.Thread(site.Lab.Lan);
        using var onWan2 = new EchoServer(site.Lab.Thread(site.Lab.Inet), new IPEndPoint(LabAddresses.Server, 8082));
        using var onWan1 = new CountingTcpServer(site.Lab.Thread(site.Lab.Inet), new IPEndPoint(LabAddresses.Server, 8081));
        using var held = await EchoSessions.OpenAsync(lan, onWan2.Endpoint, Limit, Ct);
        await EchoSessions.ExchangeAsync(held, 1, Ct);
        var before = await site.WanAddressAsync("wan1");

        // The ISP renumbers: a new range and a new gateway in the same subnet, and the old lease is refused at renewal.
        await site.Isp1.ChangeAsync(new IspDhcpPlan("198.18.11.200", "198.18.11.209", "198.18.11.254", [InternetDns.Address]));
        var clock = Stopwatch.StartNew();
        using (var renew = await site.Appliance.Api.PostAsync("/api/v1/wans/wan1/renew", null, Ct))
        {
            Assert.True(renew.IsSuccessStatusCode, await renew.Content.ReadAsStringAsync(Ct));
        }
        IPAddress? after = null;
        while (clock.Elapsed < Limit && ((after = await site.WanAddressAsync("wan1")) is null || after.Equals(before)))
        {
            await Task.Delay(20, Ct);
        }
        Assert.NotNull(after);
        Assert.InRange(after.GetAddressBytes()[3], 200, 209);
        var leased = clock.Elapsed;

        // From the new lease to the first session through wan1 that the internet sees from the new address.
        var resumed = Stopwatch.StartNew();
        while (resumed.Elapsed < Limit && onWan1.CountFrom(after) == 0)
        {
            await LanClient.TcpBurstAsync(lan, onWan1.Endpoint, 1, TimeSpan.FromSeconds(1));
        }
        var flowing = resumed.Elapsed;
        output.WriteLine($"renewal: new lease {leased.TotalMilliseconds:0} ms after the renew request (NAK and a new offer); traffic on the new address {flowing.TotalMilliseconds:0} ms after the lease");
        Assert.True(onWan1.CountFrom(after) > 0, "no session reached the internet from wan1's new address");
        // The goal is 2 s (measured well under it on an idle machine, see the README); the bar is lenient for a busy one.
        Assert.True(flowing < TimeSpan.FromSeconds(6), $"traffic resumed {flowing.TotalMilliseconds:0} ms after the new lease (goal: under 2 s)");

        // The session on wan2 never noticed.
        await EchoSessions.ExchangeAsync(held, 2, Ct);
    }

    [Fact]
    public async Task A_static_lease_is_honoured_and_the_range_is_bounded_and_reused()
    {
        var printer = await site.AddClientAsync(RouterSite.StaticMac);
        var fixedLease = await LanDhcpClient.RequestAsync(printer, "mv0", "printer", ct: Ct);
        Assert.Equal(IPAddress.Parse(RouterSite.StaticAddress), fixedLease?.Address);

        // The range holds three addresses and the main client has one: two more devices fit, a third does not.
        var first = await site.AddClientAsync();
        var second = await site.AddClientAsync();
        var third = await site.AddClientAsync();
        var firstLease = await LanDhcpClient.RequestAsync(first, "mv0", ct: Ct);
        var secondLease = await LanDhcpClient.RequestAsync(second, "mv0", ct: Ct);
        Assert.NotNull(firstLease);
        Assert.NotNull(secondLease);
        Assert.Null(await LanDhcpClient.RequestAsync(third, "mv0", tries: 4, ct: Ct));

        // A device that leaves gives its address back, and the waiting one gets it.
        await LanDhcpClient.ReleaseAsync(first, "mv0", Ct);
        var reused = await LanDhcpClient.RequestAsync(third, "mv0", ct: Ct);
        Assert.Equal(firstLease.Address, reused?.Address);

        var leases = await site.Appliance.Api.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/v1/lan/leases", Ct);
        Assert.Contains(leases.EnumerateArray(), l => l.GetProperty("address").GetString() == RouterSite.StaticAddress);
        await LanDhcpClient.ReleaseAsync(second, "mv0", Ct);
        await LanDhcpClient.ReleaseAsync(third, "mv0", Ct);
    }
}
