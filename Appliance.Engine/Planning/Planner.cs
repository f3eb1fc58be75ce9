using System.Collections.Immutable;
using Appliance.Engine.Configuration;
using Appliance.Engine.Health;
using Appliance.Engine.Network;

namespace Appliance.Engine.Planning;

/// <summary>Pure: (configuration, link health, learned WAN addressing) → the kernel state that should exist. No I/O.</summary>
public static class Planner
{
    private static readonly IReadOnlyDictionary<string, WanAddressState> NoAddresses = new Dictionary<string, WanAddressState>();

    /// <param name="addresses">What the WANs' DHCP clients and PPP sessions have learned, by WAN name.</param>
    public static DesiredState Plan(ConfigSnapshot snapshot, IReadOnlyDictionary<string, LinkHealth> health, IReadOnlyDictionary<string, WanAddressState>? addresses = null)
    {
        addresses ??= NoAddresses;
        var config = snapshot.Config;
        var warnings = ImmutableArray.CreateBuilder<string>();
        var slots = WanSlots.Assign(config.Wans.Select(w => w.Name));
        var wans = config.Settings.Role == ApplianceRole.Edge
            // Sorted by name so the rendered text depends on what is configured, not on list order.
            ? config.Wans.Where(w => w.Enabled).OrderBy(w => w.Name, StringComparer.Ordinal).Select(w => PlanWan(w, slots[w.Name], health, Learned(w, config, addresses))).ToList()
            : [];
        foreach (var wan in wans.Where(w => !w.Plan.Usable))
        {
            warnings.Add($"WAN '{wan.Plan.Name}' carries no new sessions: {wan.Plan.Reason}");
        }

        var active = ActiveSet.Choose(wans);
        var activeNames = active.Select(a => a.Wan.Name).ToHashSet(StringComparer.Ordinal);
        wans = wans.Select(w => w with { Plan = w.Plan with { Active = activeNames.Contains(w.Plan.Name) } }).ToList();
        active = active.Select(a => (wans.Single(w => w.Plan.Name == a.Wan.Name).Plan, a.Weight)).ToList();
        if (wans.Count > 0 && active.Count == 0)
        {
            warnings.Add("no WAN is usable: new sessions are refused until one recovers");
        }

        var wanPlans = wans.Select(w => w.Plan).ToImmutableArray();
        var routing = RoutingPlanner.Plan(wans, active);
        var bonding = BondingPlanner.Plan(config, wans, active);
        var ruleset = RulesetPlanner.Plan(config, wanPlans, active, bonding, DnsServers(config, addresses));
        warnings.AddRange(bonding.Warnings);
        warnings.AddRange(ruleset.Warnings);
        var routes = routing.Routes.Concat(bonding.Routes).ToImmutableArray();
        var ipRules = routing.Rules.Concat(bonding.Rules)
            .OrderBy(r => r.Priority).ThenBy(r => r.Table).ThenBy(r => r.From, StringComparer.Ordinal)
            .ToImmutableArray();
        var sysctls = routing.Sysctls.Concat(bonding.Sysctls).ToImmutableArray();
        return new DesiredState(snapshot.RevisionId, RulesetRenderer.Render(ruleset), routes, ipRules, sysctls, wanPlans, warnings.ToImmutable())
        {
            Mptcp = bonding.Mptcp,
            Bonding = bonding.Plan,
            Interfaces = NetworkPlanner.Plan(config, addresses),
        };
    }

    /// <summary>Each WAN's DNS servers: what its addressing published (DHCP, PPPoE, managed static), else its configured ones.</summary>
    private static Dictionary<string, IReadOnlyList<string>> DnsServers(ApplianceConfig config, IReadOnlyDictionary<string, WanAddressState> addresses) =>
        config.Wans.GroupBy(w => w.Name, StringComparer.Ordinal).Select(g => g.First()).ToDictionary(
            w => w.Name,
            w => addresses.TryGetValue(w.Name, out var state) ? state.DnsServers : w.EffectiveAddressing.DnsServers,
            StringComparer.Ordinal);

    /// <summary>The addressing state of a WAN whose address and gateway the engine learns itself (DHCP or PPPoE on a wan port).</summary>
    private static WanAddressState? Learned(WanLink wan, ApplianceConfig config, IReadOnlyDictionary<string, WanAddressState> addresses) =>
        wan.EffectiveAddressing.Mode != AddressingMode.Static && WanDevice.IsManaged(wan, config) ? addresses.GetValueOrDefault(wan.Name) ?? Unbound(wan) : null;

    private static WanAddressState Unbound(WanLink wan) =>
        new(wan.Name, wan.EffectiveAddressing.Mode, WanDevice.Of(wan), null, null, [], null, null, "no address yet");

    private static PlannedWan PlanWan(WanLink wan, int slot, IReadOnlyDictionary<string, LinkHealth> health, WanAddressState? learned)
    {
        var link = health.GetValueOrDefault(wan.Name) ?? LinkHealth.Unknown;
        // A lease or PPP session the engine holds itself is the truth about gateway and address; the health monitor's
        // copy may be a moment older.
        if (learned is not null)
        {
            link = link with { Gateway = learned.Gateway, Address = learned.Address is { } a ? a.Split('/')[0] : null };
        }
        var gateway = wan.Gateway == WanLink.DhcpGateway || learned is not null ? link.Gateway : wan.Gateway;
        // IPv6 is matched in the ruleset but only IPv4 routes are rendered so far.
        var ipv4 = gateway is not null && System.Net.IPAddress.TryParse(gateway, out var address) && address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork;
        var usable = link.Usable && ipv4;
        var reason = !link.Usable ? link.Reason
            : gateway is null ? (learned is null ? "no gateway learned from DHCP yet" : $"no gateway yet ({learned.State})")
            : !ipv4 ? $"gateway {gateway} is IPv6; only IPv4 WAN routing is supported so far"
            : link.Reason;
        var plan = new WanPlan(wan.Name, learned?.Device ?? WanDevice.Of(wan), slot, KernelIds.MarkOf(slot), KernelIds.TableOf(slot), usable, false, wan.Failback, reason);
        return new PlannedWan(plan, wan, gateway, Routed: link.Carrier && ipv4, link.Address);
    }
}

/// <summary>A WAN as the planner works with it: plan, configuration and resolved gateway.</summary>
/// <param name="Routed">Its routing table holds a default route (carrier and an IPv4 gateway).</param>
/// <param name="Address">The interface's IPv4 address, if known.</param>
internal sealed record PlannedWan(WanPlan Plan, WanLink Config, string? Gateway, bool Routed, string? Address);
