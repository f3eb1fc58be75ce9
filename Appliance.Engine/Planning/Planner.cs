using Appliance.Engine.Configuration;
using Appliance.Engine.Health;

namespace Appliance.Engine.Planning;

/// <summary>Pure: (configuration, link health) → the kernel state that should exist. No I/O.</summary>
public static class Planner
{
    public static DesiredState Plan(ConfigSnapshot snapshot, IReadOnlyDictionary<string, LinkHealth> health)
    {
        var config = snapshot.Config;
        var warnings = new List<string>();
        var slots = WanSlots.Assign(config.Wans.Select(w => w.Name));
        var wans = config.Settings.Role == ApplianceRole.Edge
            // Sorted by name so the rendered text depends on what is configured, not on list order.
            ? config.Wans.Where(w => w.Enabled).OrderBy(w => w.Name, StringComparer.Ordinal).Select(w => PlanWan(w, slots[w.Name], health)).ToList()
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

        // A WAN with carrier keeps its route even when probes call it down: the probes need it to see it recover.
        var routes = wans.Where(w => w.Routed)
            .Select(w => new RouteSpec(w.Plan.Table, "default", w.Gateway!, w.Plan.Interface))
            .ToList();
        var ipRules = wans
            .Select(w => new IpRuleSpec(KernelIds.MarkRulePriority, w.Plan.Mark, KernelIds.MarkMask, w.Plan.Table))
            .OrderBy(r => r.Table)
            .ToList();
        var sysctls = new List<SysctlSpec>();
        if (wans.Count > 0)
        {
            sysctls.Add(new SysctlSpec("net/ipv4/ip_forward", "1"));
            // Policy routing makes paths asymmetric; strict reverse-path filtering would drop legitimate replies.
            // Only for routed WANs: the interface of a down WAN may not exist at all (an unplugged modem).
            sysctls.AddRange(wans.Where(w => w.Routed).Select(w => new SysctlSpec($"net/ipv4/conf/{w.Plan.Interface}/rp_filter", "2")));
        }

        var bonding = BondingPlanner.Plan(config, wans, active, warnings);
        routes.AddRange(bonding.Routes);
        ipRules.AddRange(bonding.Rules);
        sysctls.AddRange(bonding.Sysctls);
        var ruleset = RulesetRenderer.Render(config, wans.Select(w => w.Plan).ToList(), active, bonding, warnings);
        return new DesiredState(snapshot.RevisionId, ruleset, routes, ipRules, sysctls, wans.Select(w => w.Plan).ToList(), warnings)
        {
            Mptcp = bonding.Mptcp,
            Bonding = bonding.Plan,
        };
    }

    private static PlannedWan PlanWan(WanLink wan, int slot, IReadOnlyDictionary<string, LinkHealth> health)
    {
        var link = health.GetValueOrDefault(wan.Name) ?? LinkHealth.Unknown;
        var gateway = wan.Gateway == WanLink.DhcpGateway ? link.Gateway : wan.Gateway;
        // IPv6 is matched in the ruleset but only IPv4 routes are rendered so far.
        var ipv4 = gateway is not null && System.Net.IPAddress.TryParse(gateway, out var address) && address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork;
        var usable = link.Usable && ipv4;
        var reason = !link.Usable ? link.Reason
            : gateway is null ? "no gateway learned from DHCP yet"
            : !ipv4 ? $"gateway {gateway} is IPv6; only IPv4 WAN routing is supported so far"
            : link.Reason;
        var plan = new WanPlan(wan.Name, wan.Interface, slot, KernelIds.MarkOf(slot), KernelIds.TableOf(slot), usable, false, wan.Failback, reason);
        return new PlannedWan(plan, wan, gateway, Routed: link.Carrier && ipv4, link.Address);
    }
}

/// <summary>A WAN as the planner works with it: plan, configuration and resolved gateway.</summary>
/// <param name="Routed">Its routing table holds a default route (carrier and an IPv4 gateway).</param>
/// <param name="Address">The interface's IPv4 address, if known.</param>
internal sealed record PlannedWan(WanPlan Plan, WanLink Config, string? Gateway, bool Routed, string? Address);
