using Appliance.Engine.Configuration;
using Appliance.Engine.Health;
using Appliance.Engine.Network;
using Appliance.Engine.Planning;

namespace Appliance.Engine.Tests.Planning;

/// <summary>Port roles, LAN and WAN addressing in, the bridge, links, addresses, routes and ruleset out (golden files).</summary>
public sealed class NetworkPlannerTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private static readonly ApplianceConfig Router = new()
    {
        Ports =
        [
            new PortConfig { Name = "eth0", Role = PortRole.Lan },
            new PortConfig { Name = "eth1", Role = PortRole.Lan },
            new PortConfig { Name = "eth2", Role = PortRole.Wan },
            new PortConfig { Name = "eth3", Role = PortRole.Wan },
            new PortConfig { Name = "eth4", Role = PortRole.Wan },
            new PortConfig { Name = "eth5", Role = PortRole.Unused },
            new PortConfig { Name = "eth6", Role = PortRole.Management },
        ],
        Wans =
        [
            new WanLink { Name = "cable", Interface = "eth2", Addressing = new WanAddressing { Mode = AddressingMode.Dhcp } },
            new WanLink { Name = "fiber", Interface = "eth3", Gateway = "203.0.113.1", Addressing = new WanAddressing { Mode = AddressingMode.Static, Address = "203.0.113.2/24", DnsServers = ["203.0.113.53"] } },
            new WanLink
            {
                Name = "dsl", Interface = "eth4",
                Addressing = new WanAddressing { Mode = AddressingMode.Pppoe, Pppoe = new PppoeSettings { Username = "user@isp" } },
            },
        ],
        Settings = new ApplianceSettings { Lan = new LanSettings { Addresses = ["198.18.0.1/24"] } },
    };

    private static readonly Dictionary<string, WanAddressState> Learned = new()
    {
        ["cable"] = new("cable", AddressingMode.Dhcp, "eth2", "198.51.100.10/24", "198.51.100.1", ["198.51.100.53"], Now, Now.AddHours(1), "lease"),
        ["dsl"] = new("dsl", AddressingMode.Pppoe, "ppp-dsl", "192.0.2.77/32", "192.0.2.1", ["192.0.2.53"], Now, null, "PPP session up"),
    };

    private static readonly Dictionary<string, LinkHealth> AllUp = new()
    {
        ["cable"] = PlanCases.Up, ["fiber"] = PlanCases.Up, ["dsl"] = PlanCases.Up,
    };

    public static TheoryData<string> Cases() => new(["router_all_bound", "router_dhcp_waiting"]);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Plan_matches_golden_file(string name)
    {
        var learned = name == "router_all_bound" ? Learned : new Dictionary<string, WanAddressState>();
        var actual = PlannerGoldenTests.Describe(Planner.Plan(new ConfigSnapshot(1, Router, Now), AllUp, learned));
        var path = PlannerGoldenTests.GoldenPath(name);
        if (Environment.GetEnvironmentVariable("UPDATE_GOLDEN") == "1")
        {
            File.WriteAllText(path, actual);
        }
        Assert.True(File.Exists(path), $"golden file {path} is missing; run with UPDATE_GOLDEN=1 to create it");
        Assert.Equal(File.ReadAllText(path), actual);
    }

    [Fact]
    public void Without_ports_no_interface_is_touched()
    {
        var plan = NetworkPlanner.Plan(Router with { Ports = [] }, Learned);

        Assert.True(plan.IsEmpty);
    }

    [Fact]
    public void The_bridge_exists_only_with_a_lan_port()
    {
        var plan = NetworkPlanner.Plan(Router with { Ports = [new PortConfig { Name = "eth2", Role = PortRole.Wan }] }, Learned);

        Assert.DoesNotContain(plan.Links, l => l.Bridge);
        Assert.DoesNotContain(plan.Addresses, a => a.Device == LanSettings.Bridge);
    }

    [Fact]
    public void A_static_wan_without_an_address_keeps_its_addresses()
    {
        var config = Router with { Wans = [Router.Wans[1] with { Addressing = new WanAddressing { Mode = AddressingMode.Static } }] };

        var plan = NetworkPlanner.Plan(config, Learned);

        Assert.DoesNotContain("eth3", plan.ManagedAddresses);
        Assert.Contains(new LinkSpec("eth3", Up: true), plan.Links);
    }

    [Fact]
    public void A_pppoe_wan_routes_through_its_ppp_interface()
    {
        var state = Planner.Plan(new ConfigSnapshot(1, Router, Now), AllUp, Learned);

        var dsl = state.Wans.Single(w => w.Name == "dsl");
        Assert.Equal("ppp-dsl", dsl.Interface);
        Assert.Contains(state.Routes, r => r.Table == dsl.Table && r.Device == "ppp-dsl" && r.Via == "192.0.2.1");
        Assert.Contains(state.IpRules, r => r.Table == dsl.Table && r.From == "192.0.2.77");
    }
}
