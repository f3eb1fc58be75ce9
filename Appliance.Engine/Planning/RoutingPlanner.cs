namespace Appliance.Engine.Planning;

/// <summary>Routes, ip rules and sysctls of the routing layout, before bonding adds its own.</summary>
internal sealed record RoutingLayout(IReadOnlyList<RouteSpec> Routes, IReadOnlyList<IpRuleSpec> Rules, IReadOnlyList<SysctlSpec> Sysctls);

/// <summary>
/// Pure: plans policy routing that works from the appliance's own tables alone. Nothing depends on a default route in
/// the main table: main is consulted only for its specific routes (connected subnets), marked packets use their WAN's
/// table, and the appliance's own unmarked traffic uses <see cref="KernelIds.OwnTable"/>, which follows link health.
/// </summary>
/// <remarks>
/// Each WAN filters by reverse path strictly with <c>src_valid_mark</c>: a packet arriving on a WAN carries its
/// session's mark (the ruleset restores it), so the check looks it up in that WAN's table and accepts it; a source
/// address that belongs elsewhere, such as the LAN's, is routed out of another interface and dropped.
/// </remarks>
internal static class RoutingPlanner
{
    public static RoutingLayout Plan(IReadOnlyList<PlannedWan> wans, IReadOnlyList<(WanPlan Wan, int Weight)> active)
    {
        if (wans.Count == 0)
        {
            return new([], [], []);
        }
        // A WAN with carrier keeps its route even when probes call it down: the probes need it to see it recover.
        var routed = wans.Where(w => w.Routed).ToList();
        var routes = routed.Select(w => new RouteSpec(w.Plan.Table, "default", w.Gateway!, w.Plan.Interface)).ToList();
        if (OwnWan(routed, active) is { } own)
        {
            routes.Add(new RouteSpec(KernelIds.OwnTable, "default", own.Gateway!, own.Plan.Interface));
        }

        var rules = new List<IpRuleSpec>
        {
            new(KernelIds.MainRulePriority, 0, 0, KernelIds.MainTable) { SuppressPrefixLength = 0 },
        };
        rules.AddRange(routed.Where(w => w.Address is not null)
            .Select(w => new IpRuleSpec(KernelIds.SourceRulePriority, 0, 0, w.Plan.Table, w.Address)));
        rules.AddRange(wans.Select(w => new IpRuleSpec(KernelIds.MarkRulePriority, w.Plan.Mark, KernelIds.MarkMask, w.Plan.Table)));
        rules.Add(new IpRuleSpec(KernelIds.OwnRulePriority, 0, 0, KernelIds.OwnTable));

        var sysctls = new List<SysctlSpec>
        {
            new("net/ipv4/ip_forward", "1"),
            // The kernel filters by the larger of "all" and the interface's value: "all" at 2 (loose) would loosen the
            // WANs below, at 1 it would impose strict filtering on interfaces the appliance does not manage.
            new("net/ipv4/conf/all/rp_filter", "0"),
        };
        // Only for routed WANs: the interface of a down WAN may not exist at all (an unplugged modem).
        foreach (var wan in routed)
        {
            sysctls.Add(new($"net/ipv4/conf/{wan.Plan.Interface}/src_valid_mark", "1"));
            sysctls.Add(new($"net/ipv4/conf/{wan.Plan.Interface}/rp_filter", "1"));
        }
        return new([.. routes], [.. rules], [.. sysctls]);
    }

    /// <summary>The WAN of the appliance's own traffic: in the group that gets new sessions, the heaviest, ties by name.</summary>
    private static PlannedWan? OwnWan(IReadOnlyList<PlannedWan> routed, IReadOnlyList<(WanPlan Wan, int Weight)> active) =>
        active.Select(a => (Planned: routed.FirstOrDefault(w => w.Plan.Name == a.Wan.Name), a.Weight))
            .Where(a => a.Planned is not null)
            .OrderByDescending(a => a.Weight).ThenBy(a => a.Planned!.Plan.Name, StringComparer.Ordinal)
            .Select(a => a.Planned)
            .FirstOrDefault();
}
