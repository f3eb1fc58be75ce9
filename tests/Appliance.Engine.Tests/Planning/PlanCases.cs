using Appliance.Engine.Configuration;
using Appliance.Engine.Health;

namespace Appliance.Engine.Tests.Planning;

/// <summary>Configurations and link health the golden files pin down.</summary>
internal static class PlanCases
{
    public static readonly LinkHealth Up = new(LinkState.Up, "up: carrier present");
    public static readonly LinkHealth Down = new(LinkState.Down, "down: no carrier on the interface", Carrier: false);
    public static readonly LinkHealth ProbeDown = new(LinkState.Down, "down: 3 rounds in a row without an answer for 0.5 s (timeout)");

    public static WanLink Wan(string name, string iface, string gateway, int weight = 1, int tier = 1, WanMode mode = WanMode.Balance) =>
        new() { Name = name, Interface = iface, Gateway = gateway, Weight = weight, Tier = tier, Mode = mode };

    public static ApplianceSettings Lan => new()
    {
        Lan = new LanSettings { Interfaces = ["lan0"], Addresses = ["198.18.0.1/24", "2001:db8:1::1/64"] },
    };

    public static IEnumerable<(string Name, ConfigSnapshot Snapshot, Dictionary<string, LinkHealth> Health)> All()
    {
        var dsl = Wan("dsl", "wan1", "198.18.11.1");
        var cable = Wan("cable", "wan2", "198.18.12.1");
        var lte = Wan("lte", "wwan0", "198.18.13.1");

        yield return ("one_wan", Snap(new() { Wans = [dsl], Settings = Lan }), new() { ["dsl"] = Up });

        yield return ("weights_3_1", Snap(new() { Wans = [dsl with { Weight = 3 }, cable], Settings = Lan }),
            new() { ["dsl"] = Up, ["cable"] = Up });

        var tiers = new ApplianceConfig
        {
            Wans = [dsl with { Tier = 1 }, cable with { Tier = 1, Mode = WanMode.Backup }, lte with { Tier = 2, Weight = 5 }, Wan("sat", "wan4", "198.18.14.1", tier: 3)],
            Settings = Lan,
        };
        yield return ("three_tiers_tier1_up", Snap(tiers), new() { ["dsl"] = Up, ["cable"] = Up, ["lte"] = Up, ["sat"] = Up });
        yield return ("three_tiers_backup_takes_over", Snap(tiers), new() { ["dsl"] = Down, ["cable"] = Up, ["lte"] = Up, ["sat"] = Up });
        yield return ("three_tiers_tier2", Snap(tiers), new() { ["dsl"] = Down, ["cable"] = Down, ["lte"] = Up, ["sat"] = Up });

        var sticky = new ApplianceConfig
        {
            Wans = [dsl with { Weight = 2 }, cable],
            Rules =
            [
                new Rule { Id = 1, Protocol = RuleProtocol.Tcp, DestinationPorts = "443", Sticky = StickyMode.Source },
                new Rule { Id = 2, Sticky = StickyMode.SourceDestination },
            ],
            Settings = Lan,
        };
        yield return ("sticky_source_and_source_destination", Snap(sticky), new() { ["dsl"] = Up, ["cable"] = Up });

        var matches = new ApplianceConfig
        {
            Wans = [dsl, cable],
            Rules =
            [
                new Rule { Id = 10, Protocol = RuleProtocol.Udp, Source = "198.18.0.64/26", DestinationPorts = "53,123,5000-5100", Action = RuleAction.Pin, Wan = "cable" },
                new Rule { Id = 11, Protocol = RuleProtocol.Tcp, Destination = "203.0.113.0/24", Action = RuleAction.Pin, Wan = "dsl" },
                new Rule { Id = 12, Protocol = RuleProtocol.Icmp, Action = RuleAction.Balance },
                new Rule { Id = 13, Source = "2001:db8:1::/64", Destination = "2001:db8:ff::/48" },
                new Rule { Id = 14, Enabled = false, Protocol = RuleProtocol.Tcp, Action = RuleAction.Pin, Wan = "dsl" },
            ],
            Settings = Lan,
        };
        yield return ("rules_with_cidr_ports_protocol", Snap(matches), new() { ["dsl"] = Up, ["cable"] = Up });

        var pinned = new ApplianceConfig
        {
            Wans = [dsl, cable],
            Rules =
            [
                new Rule { Id = 1, Protocol = RuleProtocol.Tcp, DestinationPorts = "25", Action = RuleAction.Pin, Wan = "cable", Strict = true },
                new Rule { Id = 2, Protocol = RuleProtocol.Tcp, DestinationPorts = "8443", Action = RuleAction.Pin, Wan = "cable" },
            ],
            Settings = Lan,
        };
        yield return ("pinned_wan_down", Snap(pinned), new() { ["dsl"] = Up, ["cable"] = Down });

        yield return ("probes_down_keep_the_route_for_recovery", Snap(new() { Wans = [dsl, cable], Settings = Lan }), new() { ["dsl"] = ProbeDown, ["cable"] = Up });

        yield return ("all_wans_down", Snap(new() { Wans = [dsl, cable], Settings = Lan }), new() { ["dsl"] = Down, ["cable"] = Down });

        yield return ("dhcp_gateway_and_disabled_wan",
            Snap(new() { Wans = [Wan("fiber", "eth1", WanLink.DhcpGateway), Wan("lte", "wwan0", WanLink.DhcpGateway), cable with { Enabled = false }] }),
            new() { ["fiber"] = Up with { Gateway = "198.51.100.1" }, ["lte"] = Up });

        var bonded = new ApplianceConfig
        {
            Wans = [dsl with { Mode = WanMode.Bond, Weight = 2 }, cable with { Mode = WanMode.Bond }, lte with { Mode = WanMode.Backup }, Wan("sat", "wan4", "198.18.14.1")],
            Rules =
            [
                new Rule { Id = 1, Protocol = RuleProtocol.Udp, DestinationPorts = "443", Action = RuleAction.Pin, Wan = "sat" },
                new Rule { Id = 2, Destination = "198.51.100.0/24", Action = RuleAction.Bond },
                new Rule { Id = 3, Protocol = RuleProtocol.Tcp, DestinationPorts = "22", Action = RuleAction.Balance },
            ],
            Settings = Lan with { Hub = new HubPeerSettings { Address = "203.0.113.20", EdgeId = "branch-1", Key = "0123456789abcdef-secret" } },
        };
        Dictionary<string, LinkHealth> BondHealth(LinkHealth dsl, LinkHealth cable) => new()
        {
            ["dsl"] = dsl with { Address = "198.18.11.2" }, ["cable"] = cable with { Address = "198.18.12.2" },
            ["lte"] = Up with { Address = "198.18.13.2" }, ["sat"] = Up with { Address = "198.18.14.2" },
        };
        yield return ("bonding_all_up", Snap(bonded), BondHealth(Up, Up));
        yield return ("bonding_member_down_loses_its_endpoint", Snap(bonded), BondHealth(ProbeDown, Up));
        yield return ("bonding_members_down_tcp_is_balanced", Snap(bonded with { Wans = bonded.Wans.Where(w => w.Name != "lte").ToList() }), BondHealth(ProbeDown, Down));

        // The appliance's own default route: the heaviest WAN of the best group, ties by name; source rules for every
        // routed WAN whose address is known.
        var own = new ApplianceConfig { Wans = [dsl with { Weight = 2 }, cable with { Weight = 2 }, lte with { Weight = 1 }], Settings = Lan };
        Dictionary<string, LinkHealth> OwnHealth(LinkHealth cable) => new()
        {
            ["dsl"] = Up with { Address = "198.18.11.2" }, ["cable"] = cable with { Address = "198.18.12.2" }, ["lte"] = Up with { Address = "198.18.13.2" },
        };
        yield return ("own_route_heaviest_then_by_name", Snap(own), OwnHealth(Up));
        yield return ("own_route_moves_when_its_wan_goes_down", Snap(own), OwnHealth(ProbeDown));

        yield return ("hub_role", Snap(new() { Wans = [dsl], Settings = new ApplianceSettings { Role = ApplianceRole.Hub } }), new() { ["dsl"] = Up });
    }

    private static ConfigSnapshot Snap(ApplianceConfig config) => new(7, config, DateTimeOffset.UnixEpoch);
}
