using Appliance.Engine.Configuration;
using Appliance.Engine.Health;
using Appliance.Engine.Network;

namespace Appliance.Engine.Tests.Network;

public sealed class LanServicePlanTests
{
    private static readonly LanServicePaths Paths = LanServicePaths.In("/run/appliance");

    internal static readonly ApplianceConfig Router = new()
    {
        Ports = [new PortConfig { Name = "eth0", Role = PortRole.Lan }, new PortConfig { Name = "eth1", Role = PortRole.Wan }],
        Wans =
        [
            new WanLink { Name = "cable", Interface = "eth1" },
            new WanLink { Name = "dsl", Interface = "eth2", Gateway = "203.0.113.1", Tier = 2 },
            new WanLink { Name = "fiber", Interface = "eth3", Gateway = "192.0.2.1", Weight = 5 },
        ],
        Settings = new ApplianceSettings
        {
            Lan = new LanSettings
            {
                Addresses = ["198.18.0.1/24"],
                Dhcp = new LanDhcpSettings { Enabled = true, RangeStart = "198.18.0.100", RangeEnd = "198.18.0.199" },
                Dns = new LanDnsSettings { Enabled = true },
            },
        },
    };

    private static readonly Dictionary<string, WanAddressState> Learned = new()
    {
        ["cable"] = State("cable", "198.51.100.53"),
        ["dsl"] = State("dsl", "203.0.113.53"),
        ["fiber"] = State("fiber", "192.0.2.53", "192.0.2.54"),
    };

    internal static WanAddressState State(string wan, params string[] dns) =>
        new(wan, AddressingMode.Dhcp, "eth1", "198.51.100.10/24", "198.51.100.1", dns, null, null, "lease");

    internal static Dictionary<string, LinkHealth> Up(params string[] wans) =>
        wans.ToDictionary(w => w, _ => new LinkHealth(LinkState.Up, "up"));

    [Fact]
    public void A_lan_with_dhcp_and_dns_serves_the_bridge_and_forwards_to_the_usable_wans()
    {
        var plan = LanServicePlan.For(Router, Up("cable", "dsl", "fiber"), Learned, Paths);

        Assert.NotNull(plan.ConfigText);
        Assert.Contains("interface=br-lan\n", plan.ConfigText);
        Assert.Contains("servers-file=/run/appliance/dnsmasq.servers\n", plan.ConfigText);
        Assert.Contains("dhcp-leasefile=/run/appliance/dnsmasq.leases\n", plan.ConfigText);
        // Tier 1 first, the heavier fiber before cable; the tier-2 dsl last.
        Assert.Equal(Servers("192.0.2.53", "192.0.2.54", "198.51.100.53", "203.0.113.53"), plan.ServersText);
    }

    [Fact]
    public void A_wan_that_fails_leaves_the_upstreams_and_the_config_stays()
    {
        var before = LanServicePlan.For(Router, Up("cable", "fiber"), Learned, Paths);
        var after = LanServicePlan.For(Router, Up("cable"), Learned, Paths);

        Assert.Equal(before.ConfigText, after.ConfigText);
        Assert.Equal(Servers("198.51.100.53"), after.ServersText);
    }

    [Fact]
    public void With_no_usable_wan_every_wans_servers_are_tried()
    {
        var plan = LanServicePlan.For(Router, new Dictionary<string, LinkHealth>(), Learned, Paths);

        Assert.Equal(Servers("192.0.2.53", "192.0.2.54", "198.51.100.53", "203.0.113.53"), plan.ServersText);
    }

    [Fact]
    public void A_wan_the_engine_does_not_address_gives_its_configured_servers()
    {
        var config = Router with
        {
            Wans = [new WanLink { Name = "dsl", Interface = "eth2", Gateway = "203.0.113.1", Addressing = new WanAddressing { Mode = AddressingMode.Static, DnsServers = ["203.0.113.53"] } }],
        };

        var plan = LanServicePlan.For(config, Up("dsl"), new Dictionary<string, WanAddressState>(), Paths);

        Assert.Equal(Servers("203.0.113.53"), plan.ServersText);
    }

    [Fact]
    public void Manual_upstreams_ignore_the_wans()
    {
        var config = Router with { Settings = Router.Settings with { Lan = Router.Settings.Lan with { Dns = new LanDnsSettings { Enabled = true, Upstreams = DnsUpstreams.Manual, Servers = ["198.51.100.99"] } } } };

        var plan = LanServicePlan.For(config, Up("cable"), Learned, Paths);

        Assert.Equal(Servers("198.51.100.99"), plan.ServersText);
    }

    [Fact]
    public void Rebind_protection_is_on_unless_turned_off()
    {
        Assert.Contains("stop-dns-rebind\n", LanServicePlan.For(Router, Up("cable"), Learned, Paths).ConfigText);
        Assert.DoesNotContain("stop-dns-rebind", LanServicePlan.For(Router, Up("cable"), Learned, Paths, rebindProtection: false).ConfigText);
    }

    [Fact]
    public void Lan_interfaces_named_by_hand_are_served_when_no_port_is_lan()
    {
        var config = Router with { Ports = [], Settings = Router.Settings with { Lan = Router.Settings.Lan with { Interfaces = ["veth-lan"] } } };

        var plan = LanServicePlan.For(config, Up("cable"), Learned, Paths);

        Assert.Contains("interface=veth-lan\n", plan.ConfigText);
    }

    public static TheoryData<string> Off => ["services off", "hub", "no lan", "no ipv4 address"];

    [Theory]
    [MemberData(nameof(Off))]
    public void Dnsmasq_does_not_run(string why)
    {
        var lan = Router.Settings.Lan;
        var config = why switch
        {
            "services off" => Router with { Settings = Router.Settings with { Lan = lan with { Dhcp = lan.Dhcp with { Enabled = false }, Dns = new LanDnsSettings() } } },
            "hub" => Router with { Settings = Router.Settings with { Role = ApplianceRole.Hub } },
            "no lan" => Router with { Ports = [] },
            _ => Router with { Settings = Router.Settings with { Lan = lan with { Addresses = ["2001:db8::1/64"] } } },
        };

        Assert.Null(LanServicePlan.For(config, Up("cable"), Learned, Paths).ConfigText);
    }

    private static string Servers(params string[] servers) =>
        "# Upstream DNS servers of the LAN forwarder. Rendered by the appliance; edits are overwritten.\n" +
        string.Concat(servers.Select(s => $"server={s}\n"));
}
