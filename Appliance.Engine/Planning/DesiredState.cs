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
    /// <summary>MPTCP limits and endpoints; null when the appliance leaves the kernel's MPTCP settings alone.</summary>
    public MptcpSpec? Mptcp { get; init; }

    /// <summary>Edge role: where bonded sessions go; null when nothing is bonded right now.</summary>
    public BondingPlan? Bonding { get; init; }

    /// <summary>The LAN bridge, the ports' links and the addresses the engine manages; applied before the routes that need them.</summary>
    public InterfacePlan Interfaces { get; init; } = InterfacePlan.Empty;

    /// <summary>Text form of interfaces, routes, rules, sysctls and MPTCP, for golden files and logs.</summary>
    public string DescribeRouting() =>
        string.Join('\n', Interfaces.Describe().Concat(Routes.Select(r => r.ToString())).Concat(IpRules.Select(r => r.ToString())).Concat(Sysctls.Select(s => s.ToString()))
            .Concat(Mptcp?.Describe() ?? []).Concat(Bonding is null ? [] : [Bonding.ToString()])) + "\n";
}

/// <summary>A route in one of the appliance's tables; <see cref="Type"/> "local" delivers to this host (TPROXY).</summary>
public sealed record RouteSpec(int Table, string Destination, string? Via, string Device, string Type = "unicast")
{
    public override string ToString() => $"route table {Table} {(Type == "unicast" ? "" : Type + " ")}{Destination}{(Via is null ? "" : " via " + Via)} dev {Device}";
}

/// <summary>
/// A policy routing rule: packets from this source address, or with this mark (when <see cref="Mask"/> is not 0), or all
/// packets when neither is given, look up this table.
/// </summary>
/// <param name="Table">A table number; the kernel's own are 255 local, 254 main, 253 default.</param>
public sealed record IpRuleSpec(int Priority, uint Mark, uint Mask, int Table, string? From = null)
{
    /// <summary>Routes of the table with a prefix this long or shorter are ignored (0: everything but default routes is used).</summary>
    public int? SuppressPrefixLength { get; init; }

    /// <summary>
    /// Selectors or an action the appliance never writes (<c>iif</c>, <c>not</c>, <c>goto</c>, <c>blackhole</c>, …), as the
    /// kernel shows them; set only on rules read back from the kernel. Such a rule never equals a planned one.
    /// </summary>
    public string? Unmanaged { get; init; }

    /// <summary>In <c>ip rule</c>'s words, for golden files and logs.</summary>
    public override string ToString()
    {
        var text = $"rule priority {Priority}";
        text += From is null ? (Mask == 0 ? " from all" : "") : $" from {From}";
        if (Mask != 0)
        {
            text += $" fwmark 0x{Mark:x8}/0x{Mask:x8}";
        }
        if (Unmanaged is not null)
        {
            text += " " + Unmanaged;
        }
        if (Table != 0)
        {
            // 0: a rule read back whose action is no lookup (blackhole, goto, …); Unmanaged says which.
            text += $" lookup {TableName(Table)}";
        }
        if (SuppressPrefixLength is { } length)
        {
            text += $" suppress_prefixlength {length}";
        }
        return text;
    }

    /// <summary>The kernel's names for its own tables, numbers for the rest (as <c>ip rule</c> takes them).</summary>
    public static string TableName(int table) => table switch
    {
        255 => "local",
        254 => "main",
        253 => "default",
        _ => table.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}

/// <summary>
/// The kernel's MPTCP path manager settings: the endpoints (local addresses) subflows use, which replace every endpoint
/// with an id the appliance owns, and the limits (global; null leaves them as they are).
/// </summary>
public sealed record MptcpSpec(MptcpLimits? Limits, IReadOnlyList<MptcpEndpointSpec> Endpoints)
{
    public IEnumerable<string> Describe() =>
        Endpoints.Select(e => e.ToString()).Prepend(Limits is null ? null : $"mptcp limits subflows {Limits.Subflows} add_addr_accepted {Limits.AddAddrAccepted}").OfType<string>();
}

/// <summary>How many extra subflows a connection may have, and how many addresses announced by the peer it accepts.</summary>
public sealed record MptcpLimits(int Subflows, int AddAddrAccepted);

/// <summary>One MPTCP endpoint: subflows from this address, bound to this interface; backup ones carry data only when no other can.</summary>
public sealed record MptcpEndpointSpec(int Id, string Address, string Device, bool Backup)
{
    public override string ToString() => $"mptcp endpoint {Address} id {Id} subflow{(Backup ? " backup" : "")} dev {Device}";
}

/// <summary>Where the edge relays bonded sessions and which WAN addresses it may start a connection from, best first.</summary>
public sealed record BondingPlan(int ProxyPort, HubTarget Hub, IReadOnlyList<BondPath> Paths)
{
    /// <summary>
    /// The WANs that take new balanced sessions now, with their weights: a session the bond cannot take (the hub busy,
    /// unreachable or refusing it) is balanced over one of them instead of failing.
    /// </summary>
    public IReadOnlyList<FallbackWan> Fallback { get; init; } = [];

    public override string ToString() =>
        $"bonding proxy 127.0.0.1:{ProxyPort} hub {Hub} paths {string.Join(", ", Paths.Select(p => $"{p.Wan}={p.Address}{(p.Backup ? " backup" : "")}"))}" +
        $" fallback {(Fallback.Count == 0 ? "none" : string.Join(", ", Fallback.Select(f => $"{f.Wan} mark 0x{f.Mark:x8} weight {f.Weight}")))}";
}

/// <summary>A WAN a bonded session may be balanced over when the bond cannot take it: its packet mark routes it out of that WAN.</summary>
public sealed record FallbackWan(string Wan, uint Mark, int Weight);

/// <summary>The hub an edge relays to. The key is the shared secret; it is kept out of <see cref="ToString"/>.</summary>
public sealed record HubTarget(string Address, int Port, string EdgeId, string Key, bool Encrypt)
{
    public override string ToString() => $"{Address}:{Port} as {EdgeId}{(Encrypt ? " (tls)" : "")}";
}

/// <summary>A usable bonded WAN: its address is an MPTCP endpoint.</summary>
public sealed record BondPath(string Wan, string Address, bool Backup);

/// <summary>A kernel setting; <see cref="Key"/> uses '/' separators so interface names with dots stay intact.</summary>
public sealed record SysctlSpec(string Key, string Value)
{
    public override string ToString() => $"sysctl {Key}={Value}";
}

/// <summary>How the planner sees one WAN: its kernel identifiers and whether it carries new sessions.</summary>
/// <param name="Usable">Healthy enough to carry sessions.</param>
/// <param name="Active">In the group that gets new balanced sessions now (best usable tier).</param>
public sealed record WanPlan(string Name, string Interface, int Slot, uint Mark, int Table, bool Usable, bool Active, Configuration.FailbackPolicy Failback, string Reason);
