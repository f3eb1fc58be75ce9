namespace Appliance.Engine.Planning;

/// <summary>Everything the kernel should hold for one configuration and link health: applied as a whole, idempotently.</summary>
/// <param name="Ruleset">The complete nftables file for table <c>inet appliance</c>.</param>
/// <param name="Warnings">Things the admin should know, e.g. a pinned WAN that is down.</param>
public sealed record DesiredState(
    long RevisionId,
    string Ruleset,
    IReadOnlyList<RouteSpec> Routes,
    IReadOnlyList<IpRuleSpec> IpRules,
    IReadOnlyList<SysctlSpec> Sysctls,
    IReadOnlyList<WanPlan> Wans,
    IReadOnlyList<string> Warnings)
{
    /// <summary>Text form of routes, rules and sysctls, for golden files and logs.</summary>
    public string DescribeRouting() =>
        string.Join('\n', Routes.Select(r => r.ToString()).Concat(IpRules.Select(r => r.ToString())).Concat(Sysctls.Select(s => s.ToString()))) + "\n";
}

/// <summary>A route in one of the appliance's per-WAN tables.</summary>
public sealed record RouteSpec(int Table, string Destination, string? Via, string Device)
{
    public override string ToString() => $"route table {Table} {Destination}{(Via is null ? "" : " via " + Via)} dev {Device}";
}

/// <summary>A policy routing rule: packets with this mark use this table.</summary>
public sealed record IpRuleSpec(int Priority, uint Mark, uint Mask, int Table)
{
    public override string ToString() => $"rule priority {Priority} fwmark 0x{Mark:x8}/0x{Mask:x8} lookup {Table}";
}

/// <summary>A kernel setting; <see cref="Key"/> uses '/' separators so interface names with dots stay intact.</summary>
public sealed record SysctlSpec(string Key, string Value)
{
    public override string ToString() => $"sysctl {Key}={Value}";
}

/// <summary>How the planner sees one WAN: its kernel identifiers and whether it carries new sessions.</summary>
/// <param name="Usable">Healthy enough to carry sessions.</param>
/// <param name="Active">In the group that gets new balanced sessions now (best usable tier).</param>
public sealed record WanPlan(string Name, string Interface, int Slot, uint Mark, int Table, bool Usable, bool Active, Configuration.FailbackPolicy Failback, string Reason);
