using System.Net;
using System.Text.Json;
using Appliance.Engine.Configuration;
using Appliance.Testing;

namespace Appliance.Engine.IntegrationTests.Addressing;

/// <summary>
/// A WAN that gets its address by DHCP from the ISP: the engine runs the client, puts the lease on the port and routes
/// through the learned gateway. The test adds no address or route in the appliance's namespace.
/// </summary>
public sealed class DhcpWanTests(ITestOutputHelper output) : IAsyncLifetime
{
    private NetnsLab _lab = null!;
    private IspDhcpServer _isp = null!;
    private CountingTcpServer _tcp = null!;
    private DirectoryInfo _runtime = null!;

    public async ValueTask InitializeAsync()
    {
        // The lab's ISP 1 leaves the appliance's port bare and serves DHCP on its side (.100-.149, router .1).
        _lab = await NetnsLab.CreateAsync([new LabWan(1)], new NetnsLabOptions { EngineAddressedWans = new HashSet<int> { 1 } });
        _isp = await IspDhcpServer.StartAsync(_lab, Wan, IspDhcpServer.DefaultPlan(Wan, "203.0.113.53"));
        _runtime = Directory.CreateTempSubdirectory("appliance-run-");
        _tcp = new CountingTcpServer(_lab.Thread(_lab.Inet), new IPEndPoint(LabAddresses.Server, 8080));
    }

    private LabWan Wan => _lab.Wans[0];

    public async ValueTask DisposeAsync()
    {
        _tcp.Dispose();
        await _isp.DisposeAsync();
        await _lab.DisposeAsync();
        _runtime.Delete(recursive: true);
    }

    [Fact]
    public async Task A_dhcp_wan_gets_its_lease_from_the_isp_and_routes_lan_sessions_through_it()
    {
        var config = new ApplianceConfig
        {
            Ports = [new PortConfig { Name = Wan.Interface, Role = PortRole.Wan }],
            Wans = [new WanLink { Name = "cable", Interface = Wan.Interface, Addressing = new WanAddressing { Mode = AddressingMode.Dhcp } }],
            Settings = ApplianceUnderTest.LabSettings,
        };
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await using var engine = await EngineOnly.StartAsync(_lab.Appliance, _runtime.FullName, config, output);

        var state = await engine.WaitForAppliedAsync(s => s.Wans.Any(w => w.Name == "cable" && w.Usable), TimeSpan.FromSeconds(30));
        output.WriteLine($"lease applied and WAN usable {clock.ElapsedMilliseconds} ms after the engine started");
        var lease = engine.Addresses.Current["cable"];
        Assert.Equal(Wan.Gateway.ToString(), lease.Gateway);
        Assert.Equal(["203.0.113.53"], lease.DnsServers);
        Assert.Contains(state.Routes, r => r.Via == Wan.Gateway.ToString() && r.Device == Wan.Interface);

        var addresses = await _lab.ExecAsync(_lab.Appliance, "ip", "-j", "-4", "addr", "show", "dev", Wan.Interface);
        var address = JsonDocument.Parse(addresses).RootElement[0].GetProperty("addr_info")[0].GetProperty("local").GetString()!;
        output.WriteLine($"{Wan.Interface}: {address} ({lease.State})");
        Assert.Equal(lease.Address, address + "/24");
        Assert.InRange(IPAddress.Parse(address).GetAddressBytes()[3], 100, 149);

        var result = await LanClient.TcpBurstAsync(_lab.Thread(_lab.Lan), _tcp.Endpoint, 20, TimeSpan.FromSeconds(30));

        Assert.True(result.Succeeded == 20, $"{result.Succeeded} of 20 sessions completed ({result.Failed} failed: {result.FirstError})");
        // Masqueraded to the leased address: the sessions left through the DHCP WAN.
        Assert.Equal(20, _tcp.CountFrom(IPAddress.Parse(address)));
    }
}
