using System.Collections.Immutable;
using Appliance.Engine.Configuration;

namespace Appliance.Engine.Planning;

/// <summary>What bonding adds to the kernel state: MPTCP endpoints and limits, the TPROXY path.</summary>
/// <param name="Unavailable">Why bond rules fall back to balancing, when <see cref="Plan"/> is null.</param>
/// <param name="Warnings">What the admin should know about bonding: a member that carries no subflows, a fallback.</param>
internal sealed record BondingLayout(
    MptcpSpec? Mptcp,
    BondingPlan? Plan,
    string? Unavailable,
    IReadOnlyList<RouteSpec> Routes,
    IReadOnlyList<IpRuleSpec> Rules,
    IReadOnlyList<SysctlSpec> Sysctls,
    ImmutableArray<string> Warnings);

/// <summary>
/// Pure: plans MPTCP bonding. Every bond WAN is a <c>subflow</c> endpoint and every backup WAN a <c>backup</c> one,
/// but only while health calls it usable: removing the endpoint of a dead link closes its subflows at once, and
/// adding it back gives live connections a new subflow on it (the in-kernel path manager does not retry on its own).
/// </summary>
internal static class BondingPlanner
{
    private static readonly SysctlSpec MptcpEnabled = new("net/mptcp/enabled", "1");

    /// <param name="active">The WANs taking new balanced sessions now, with their weights: where a session the bond cannot take goes.</param>
    public static BondingLayout Plan(ApplianceConfig config, IReadOnlyList<PlannedWan> wans, IReadOnlyList<(WanPlan Wan, int Weight)> active)
    {
        if (config.Settings.Role == ApplianceRole.Hub)
        {
            // The hub accepts a subflow per edge WAN; the default limit (2) would refuse the third.
            return new(new MptcpSpec(new MptcpLimits(KernelIds.MaxMptcpLimit, 0), []), null, "this appliance is a hub", [], [], [MptcpEnabled], []);
        }
        if (!wans.Any(w => w.Config.Mode == WanMode.Bond))
        {
            // Still owns its endpoint ids: endpoints of a bonding configuration that was removed must go.
            return new(new MptcpSpec(null, []), null, "no enabled WAN is in bond mode", [], [], [], []);
        }

        // Ids by position among the configured members (wans arrive sorted by name): stable while the config is.
        var members = wans.Where(w => w.Config.Mode is WanMode.Bond or WanMode.Backup)
            .Select((w, i) => (Wan: w, Id: KernelIds.FirstEndpointId + i, Backup: w.Config.Mode == WanMode.Backup))
            .ToList();
        var usable = members.Where(m => m.Wan.Plan.Usable && m.Wan.Address is not null).ToList();
        var endpoints = usable.Select(m => new MptcpEndpointSpec(m.Id, m.Wan.Address!, m.Wan.Plan.Interface, m.Backup)).ToList();
        var limits = new MptcpLimits(Math.Clamp(members.Count, 1, KernelIds.MaxMptcpLimit), 0);
        // Each subflow leaves by its own WAN through the source-address rules every routed WAN has (RoutingPlanner).
        IpRuleSpec[] rules = [new(KernelIds.ProxyRulePriority, KernelIds.BondMark, KernelIds.MarkMask, KernelIds.ProxyTable)];
        RouteSpec[] routes = [new(KernelIds.ProxyTable, "default", null, "lo", "local")];
        var warnings = ImmutableArray.CreateBuilder<string>();
        foreach (var member in members.Where(m => m.Wan.Plan.Usable && m.Wan.Address is null))
        {
            warnings.Add($"WAN '{member.Wan.Plan.Name}' has no IPv4 address on {member.Wan.Plan.Interface}: it carries no bonded subflows");
        }

        var hub = config.Settings.Hub;
        string? unavailable = null;
        BondingPlan? plan = null;
        if (hub.Address is null || hub.EdgeId is null || hub.Key is null)
        {
            unavailable = "the hub's address, this edge's id or the key is not set";
        }
        else if (usable.Count == 0)
        {
            unavailable = "no bonded WAN is usable";
        }
        else
        {
            // The first path carries a new connection's initial subflow: a full member before a backup, the heaviest first.
            var paths = usable.OrderBy(m => m.Backup).ThenByDescending(m => m.Wan.Config.Weight).ThenBy(m => m.Wan.Plan.Name, StringComparer.Ordinal)
                .Select(m => new BondPath(m.Wan.Plan.Name, m.Wan.Address!, m.Backup))
                .ToList();
            plan = new BondingPlan(KernelIds.BondProxyPort, new HubTarget(hub.Address, hub.Port, hub.EdgeId, hub.Key, hub.Encrypt), paths)
            {
                Fallback = active.Select(a => new FallbackWan(a.Wan.Name, a.Wan.Mark, a.Weight)).ToList(),
            };
        }
        if (unavailable is not null)
        {
            warnings.Add($"bonding is unavailable ({unavailable}): TCP sessions are balanced until it returns");
        }
        return new(new MptcpSpec(limits, endpoints), plan, unavailable, routes, rules, [MptcpEnabled], warnings.ToImmutable());
    }
}
