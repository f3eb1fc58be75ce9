using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Appliance.Engine.Configuration;
using Appliance.Testing;

namespace Appliance.Engine.IntegrationTests.Router;

/// <summary>
/// A site the appliance addresses itself: its LAN port bridged and serving DHCP and DNS, wan1 by DHCP from its ISP,
/// wan2 static from the configuration. Nothing in the appliance's namespace is set by hand.
/// </summary>
public sealed class RouterSite : IAsyncLifetime
{
    public const string StaticMac = "02:00:5e:10:00:51";
    public const string StaticAddress = "198.18.0.50";
    public const string RangeStart = "198.18.0.100";
    public const string RangeEnd = "198.18.0.102";
    public const string Wan2Address = "198.18.12.2";
    private int _clients;

    public NetnsLab Lab { get; private set; } = null!;
    public ApplianceUnderTest Appliance { get; private set; } = null!;
    public IspDhcpServer Isp1 { get; private set; } = null!;
    public InternetDns Dns { get; private set; } = null!;
    public ClientLease ClientLease { get; private set; } = null!;
    public LabWan Wan1 => Lab.Wans[0];
    public LabWan Wan2 => Lab.Wans[1];

    public async ValueTask InitializeAsync()
    {
        Lab = await NetnsLab.CreateAsync([new LabWan(1), new LabWan(2)], new NetnsLabOptions { EngineAddressesLan = true, ClientByDhcp = true, EngineAddressedWans = new HashSet<int> { 1, 2 } });
        Dns = await InternetDns.StartAsync(Lab);
        Isp1 = await IspDhcpServer.StartAsync(Lab, Wan1, IspDhcpServer.DefaultPlan(Wan1, InternetDns.Address));
        Appliance = new ApplianceUnderTest(Lab);
        await Appliance.ConfigureAsync(Wans, Rules, Settings, usable: 2, ports: Ports);
        ClientLease = await LanDhcpClient.RequestAsync(Lab.Lan, "eth0", "laptop")
            ?? throw new InvalidOperationException("the LAN client got no lease from the appliance");
    }

    public static IReadOnlyList<PortConfig> Ports =>
    [
        new() { Name = "lan0", Role = PortRole.Lan },
        new() { Name = "wan1", Role = PortRole.Wan },
        new() { Name = "wan2", Role = PortRole.Wan },
    ];

    public IReadOnlyList<WanLink> Wans =>
    [
        ApplianceUnderTest.ProbedWan(Wan1) with { Gateway = WanLink.DhcpGateway, Addressing = new WanAddressing { Mode = AddressingMode.Dhcp } },
        ApplianceUnderTest.ProbedWan(Wan2) with
        {
            Addressing = new WanAddressing { Mode = AddressingMode.Static, Address = Wan2Address + "/24", DnsServers = [InternetDns.Address] },
        },
    ];

    /// <summary>TCP 8081 always leaves by wan1 and 8082 by wan2, so a test can watch one WAN while the other changes.</summary>
    public static IReadOnlyList<Rule> Rules =>
    [
        new() { Description = "wan1 only", Protocol = RuleProtocol.Tcp, DestinationPorts = "8081", Action = RuleAction.Pin, Wan = "wan1" },
        new() { Description = "wan2 only", Protocol = RuleProtocol.Tcp, DestinationPorts = "8082", Action = RuleAction.Pin, Wan = "wan2" },
    ];

    public static ApplianceSettings Settings => new()
    {
        Lan = new LanSettings
        {
            Addresses = [LabAddresses.ApplianceLan + "/24"],
            Domain = "site.test",
            Dhcp = new LanDhcpSettings
            {
                Enabled = true, RangeStart = RangeStart, RangeEnd = RangeEnd, LeaseTimeSeconds = 600,
                StaticLeases = [new StaticLease { Mac = StaticMac, Address = StaticAddress, Name = "printer" }],
            },
            Dns = new LanDnsSettings { Enabled = true, Upstreams = DnsUpstreams.Wan },
        },
    };

    /// <summary>The address a WAN has now, as the appliance's status reports it (null while it has none).</summary>
    public async Task<IPAddress?> WanAddressAsync(string wan)
    {
        var status = await Appliance.WanStatusAsync(wan);
        if (!status.TryGetProperty("addressing", out var addressing) || addressing.ValueKind != JsonValueKind.Object ||
            !addressing.TryGetProperty("address", out var address) || address.GetString() is not { } cidr)
        {
            return null;
        }
        return IPAddress.Parse(cidr.Split('/')[0]);
    }

    /// <summary>Another LAN device with its own MAC, in a namespace of its own.</summary>
    public Task<string> AddClientAsync(string? mac = null) =>
        Lab.AddLanDeviceAsync("c" + (++_clients).ToString(System.Globalization.CultureInfo.InvariantCulture), mac);

    public async Task<JsonElement> LeasesAsync() => await Appliance.Api.GetFromJsonAsync<JsonElement>("/api/v1/lan/leases");

    public async ValueTask DisposeAsync()
    {
        await Appliance.DisposeAsync();
        Appliance.DeleteData();
        await Isp1.DisposeAsync();
        await Dns.DisposeAsync();
        await Lab.DisposeAsync();
    }
}
