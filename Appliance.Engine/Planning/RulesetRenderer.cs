using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Appliance.Engine.Configuration;
using Appliance.Engine.Configuration.Validation;

namespace Appliance.Engine.Planning;

/// <summary>Renders the whole <c>inet appliance</c> table as one nftables file, loaded atomically.</summary>
/// <remarks>
/// New sessions entering from the LAN get a connection mark naming their WAN; every later packet of
/// the session gets it back as a packet mark, which an ip rule maps to the WAN's routing table.
/// Only user input that passed validation reaches this text, and no free text (descriptions) at all.
/// </remarks>
internal static class RulesetRenderer
{
    private const string JhashSeed = "0x4d574e31";

    public static string Render(ApplianceConfig config, IReadOnlyList<WanPlan> wans, IReadOnlyList<(WanPlan Wan, int Weight)> active, BondingLayout bonding, List<string> warnings)
    {
        var t = new StringBuilder();
        t.Append(CultureInfo.InvariantCulture, $"table {KernelIds.TableFamily} {KernelIds.TableName} {{\n}}\n");
        t.Append(CultureInfo.InvariantCulture, $"flush table {KernelIds.TableFamily} {KernelIds.TableName}\n");
        t.Append(CultureInfo.InvariantCulture, $"table {KernelIds.TableFamily} {KernelIds.TableName} {{\n");
        if (wans.Count > 0)
        {
            var bond = bonding.Plan;
            RenderCounters(t, wans, bond);
            RenderLanSets(t, config.Settings.Lan);
            RenderPrerouting(t, config.Settings.Lan, wans, bond);
            RenderChoose(t, config.Rules, wans, bonding, warnings);
            RenderBalanceChains(t, config.Rules, active);
            RenderMarkNew(t, wans);
            if (bond is not null)
            {
                RenderBond(t, bond);
            }
            RenderOutput(t, bond);
            RenderForward(t, wans);
            RenderTransmitCounters(t, wans);
            RenderOwnTrafficMarks(t, wans);
            RenderPostrouting(t, wans);
        }
        t.Append("}\n");
        return t.ToString();
    }

    private static void RenderCounters(StringBuilder t, IReadOnlyList<WanPlan> wans, BondingPlan? bond)
    {
        if (bond is not null)
        {
            t.Append(CultureInfo.InvariantCulture, $"\tcounter {BondCounter} {{\n\t}}\n");
        }
        foreach (var wan in wans)
        {
            foreach (var kind in new[] { "new", "tx", "rx" })
            {
                t.Append(CultureInfo.InvariantCulture, $"\tcounter {CounterName(wan.Name, kind)} {{\n\t}}\n");
            }
        }
    }

    private static void RenderLanSets(StringBuilder t, LanSettings lan)
    {
        var networks = lan.Addresses.Select(NetworkOf).Where(n => n is not null).Select(n => n!.Value).Distinct().ToList();
        foreach (var (name, family, type) in new[] { ("lan_nets4", AddressFamily.InterNetwork, "ipv4_addr"), ("lan_nets6", AddressFamily.InterNetworkV6, "ipv6_addr") })
        {
            var elements = networks.Where(n => n.BaseAddress.AddressFamily == family).Select(n => n.ToString()).ToList();
            t.Append(CultureInfo.InvariantCulture, $"\tset {name} {{\n\t\ttype {type}\n\t\tflags interval\n");
            if (elements.Count > 0)
            {
                t.Append(CultureInfo.InvariantCulture, $"\t\telements = {{ {string.Join(", ", elements)} }}\n");
            }
            t.Append("\t}\n");
        }
    }

    private static void RenderPrerouting(StringBuilder t, LanSettings lan, IReadOnlyList<WanPlan> wans, BondingPlan? bond)
    {
        t.Append("\tchain prerouting {\n\t\ttype filter hook prerouting priority mangle; policy accept;\n");
        // Counted here rather than in forward: a WAN also carries the appliance's own traffic (bonded subflows, probes).
        foreach (var wan in wans)
        {
            t.Append(CultureInfo.InvariantCulture, $"\t\tiifname \"{wan.Interface}\" counter name \"{CounterName(wan.Name, "rx")}\"\n");
        }
        foreach (var wan in wans)
        {
            // Sessions opened from the internet are answered through the WAN they arrived on.
            t.Append(CultureInfo.InvariantCulture, $"\t\tiifname \"{wan.Interface}\" ct state new ct mark set {Hex(wan.Mark)}\n");
        }
        // A packet arriving on a WAN carries its session's mark through routing, so the WAN's strict reverse-path check
        // (src_valid_mark) finds the way back in that WAN's table. Replies to the LAN still reach it: main's connected
        // routes are looked up before the mark rules (KernelIds.MainRulePriority).
        t.Append(CultureInfo.InvariantCulture, $"\t\tiifname {Set(wans.Select(w => Quote(w.Interface)))} meta mark set ct mark return\n");
        t.Append(lan.Interfaces.Count > 0
            ? $"\t\tiifname != {Set(lan.Interfaces.Select(Quote))} return\n"
            : $"\t\tiifname {Set(wans.Select(w => Quote(w.Interface)).Append("\"lo\""))} return\n");
        t.Append("\t\tfib daddr type { local, broadcast, multicast } return\n");
        if (lan.Interfaces.Count > 0)
        {
            t.Append(CultureInfo.InvariantCulture, $"\t\tfib daddr oifname {Set(lan.Interfaces.Select(Quote))} return\n");
        }
        t.Append("\t\tip daddr @lan_nets4 return\n\t\tip6 daddr @lan_nets6 return\n");
        if (bond is not null)
        {
            // Every packet of a bonded session goes to the relay's socket, not only the first.
            t.Append(CultureInfo.InvariantCulture,
                $"\t\tmeta nfproto ipv4 meta l4proto tcp ct mark & {Hex(KernelIds.MarkMask)} == {Hex(KernelIds.BondMark)} meta mark set {Hex(KernelIds.BondMark)} {Tproxy(bond)} accept\n");
        }
        t.Append(CultureInfo.InvariantCulture, $"\t\tct mark & {Hex(KernelIds.MarkMask)} != 0 meta mark set ct mark return\n");
        t.Append("\t\tct state new jump choose\n\t}\n");
    }

    private static void RenderChoose(StringBuilder t, IReadOnlyList<Rule> rules, IReadOnlyList<WanPlan> wans, BondingLayout bonding, List<string> warnings)
    {
        t.Append("\tchain choose {\n");
        foreach (var rule in rules.Where(r => r.Enabled))
        {
            var match = Match(rule);
            var prefix = match.Length > 0 ? match + " " : "";
            if (rule.Action == RuleAction.Bond && bonding.Plan is not null)
            {
                // Bonding relays IPv4 TCP; the rest of what the rule matches is balanced per session, never dropped.
                t.Append(CultureInfo.InvariantCulture, $"\t\t{prefix}{BondMatch} goto bond comment \"rule {rule.Id}\"\n");
            }
            var action = Action(rule, wans, bonding, warnings);
            t.Append(CultureInfo.InvariantCulture, $"\t\t{prefix}{action} comment \"rule {rule.Id}\"\n");
        }
        if (bonding.Plan is not null)
        {
            // With a WAN in bond mode, TCP no rule claimed is bonded.
            t.Append(CultureInfo.InvariantCulture, $"\t\t{BondMatch} goto bond\n");
        }
        t.Append("\t\tgoto balance\n\t}\n");
    }

    private static string Action(Rule rule, IReadOnlyList<WanPlan> wans, BondingLayout bonding, List<string> warnings)
    {
        switch (rule.Action)
        {
            case RuleAction.Pin:
                var wan = wans.FirstOrDefault(w => w.Name == rule.Wan);
                if (wan is { Usable: true })
                {
                    return $"ct mark set {Hex(wan.Mark)} goto mark_new";
                }
                var why = wan is null ? "disabled" : "not usable";
                if (rule.Strict)
                {
                    warnings.Add($"rule {rule.Id} pins to WAN '{rule.Wan}', which is {why}: its sessions are refused (strict)");
                    return "reject with icmpx admin-prohibited";
                }
                warnings.Add($"rule {rule.Id} pins to WAN '{rule.Wan}', which is {why}: its sessions are balanced until it returns");
                return "goto balance";
            case RuleAction.Bond:
                if (bonding.Plan is null)
                {
                    warnings.Add($"rule {rule.Id}: bonding is unavailable ({bonding.Unavailable}); its sessions are balanced");
                }
                return "goto balance";
            default:
                return "goto " + BalanceChain(rule.Sticky);
        }
    }

    private static void RenderBalanceChains(StringBuilder t, IReadOnlyList<Rule> rules, IReadOnlyList<(WanPlan Wan, int Weight)> active)
    {
        var stickies = rules.Where(r => r.Enabled && r.Action == RuleAction.Balance).Select(r => r.Sticky).Append(StickyMode.None).Distinct().Order();
        foreach (var sticky in stickies)
        {
            t.Append(CultureInfo.InvariantCulture, $"\tchain {BalanceChain(sticky)} {{\n");
            if (active.Count == 0)
            {
                t.Append("\t\treject with icmpx host-unreachable\n");
            }
            else if (active.Count == 1)
            {
                t.Append(CultureInfo.InvariantCulture, $"\t\tct mark set {Hex(active[0].Wan.Mark)} goto mark_new\n");
            }
            else
            {
                var (total, map) = WeightMap(active);
                if (sticky == StickyMode.None)
                {
                    t.Append(CultureInfo.InvariantCulture, $"\t\tct mark set numgen random mod {total} map {map} goto mark_new\n");
                }
                else
                {
                    var (v4, v6) = sticky == StickyMode.Source ? ("ip saddr", "ip6 saddr") : ("ip saddr . ip daddr", "ip6 saddr . ip6 daddr");
                    t.Append(CultureInfo.InvariantCulture, $"\t\tmeta nfproto ipv4 ct mark set jhash {v4} mod {total} seed {JhashSeed} map {map} goto mark_new\n");
                    t.Append(CultureInfo.InvariantCulture, $"\t\tmeta nfproto ipv6 ct mark set jhash {v6} mod {total} seed {JhashSeed} map {map} goto mark_new\n");
                }
            }
            t.Append("\t}\n");
        }
    }

    private static void RenderMarkNew(StringBuilder t, IReadOnlyList<WanPlan> wans)
    {
        t.Append("\tchain mark_new {\n\t\tmeta mark set ct mark\n");
        foreach (var wan in wans)
        {
            t.Append(CultureInfo.InvariantCulture, $"\t\tct mark {Hex(wan.Mark)} counter name \"{CounterName(wan.Name, "new")}\"\n");
        }
        t.Append("\t}\n");
    }

    /// <summary>New bonded sessions: marked for the proxy table and handed to the relay's transparent listener.</summary>
    private static void RenderBond(StringBuilder t, BondingPlan bond) =>
        t.Append(CultureInfo.InvariantCulture,
            $"\tchain bond {{\n\t\t{BondMatch} ct mark set {Hex(KernelIds.BondMark)} meta mark set {Hex(KernelIds.BondMark)} counter name \"{BondCounter}\" {Tproxy(bond)} accept\n\t}}\n");

    private static void RenderOutput(StringBuilder t, BondingPlan? bond)
    {
        t.Append("\tchain output {\n\t\ttype route hook output priority mangle; policy accept;\n");
        if (bond is not null)
        {
            // The relay answers the LAN from a transparent socket; the bond mark would route those replies back to itself.
            t.Append(CultureInfo.InvariantCulture, $"\t\tct mark & {Hex(KernelIds.MarkMask)} == {Hex(KernelIds.BondMark)} return\n");
        }
        t.Append(CultureInfo.InvariantCulture, $"\t\tct mark & {Hex(KernelIds.MarkMask)} != 0 meta mark set ct mark\n\t}}\n");
    }

    private const string BondMatch = "meta nfproto ipv4 meta l4proto tcp";

    public const string BondCounter = "bond_new";

    private static string Tproxy(BondingPlan bond) => $"tproxy ip to 127.0.0.1:{bond.ProxyPort.ToString(CultureInfo.InvariantCulture)}";

    private static void RenderForward(StringBuilder t, IReadOnlyList<WanPlan> wans)
    {
        t.Append("\tchain forward {\n\t\ttype filter hook forward priority mangle; policy accept;\n");
        // Links with a smaller MTU (PPPoE, LTE) would otherwise black-hole large TCP segments.
        t.Append("\t\ttcp flags syn tcp option maxseg size set rt mtu\n\t}\n");
    }

    /// <summary>Every packet leaving a WAN, forwarded or the appliance's own (the nat chain sees only a session's first).</summary>
    private static void RenderTransmitCounters(StringBuilder t, IReadOnlyList<WanPlan> wans)
    {
        t.Append("\tchain postrouting_count {\n\t\ttype filter hook postrouting priority mangle; policy accept;\n");
        foreach (var wan in wans)
        {
            t.Append(CultureInfo.InvariantCulture, $"\t\toifname \"{wan.Interface}\" counter name \"{CounterName(wan.Name, "tx")}\"\n");
        }
        t.Append("\t}\n");
    }

    /// <summary>
    /// A connection leaving a WAN without a session mark (the appliance's own, routed by its default route) takes the
    /// WAN's mark: its replies pass the WAN's strict reverse-path check, and it stays on that WAN when the default
    /// route moves. Socket-marked traffic (probes) has chosen its WAN already and stays out of the per-WAN sessions.
    /// </summary>
    private static void RenderOwnTrafficMarks(StringBuilder t, IReadOnlyList<WanPlan> wans)
    {
        t.Append("\tchain postrouting_mark {\n\t\ttype filter hook postrouting priority mangle; policy accept;\n");
        t.Append(CultureInfo.InvariantCulture, $"\t\tmeta mark & {Hex(KernelIds.MarkMask)} != 0 return\n");
        t.Append(CultureInfo.InvariantCulture, $"\t\tct mark & {Hex(KernelIds.MarkMask)} != 0 return\n");
        foreach (var wan in wans)
        {
            t.Append(CultureInfo.InvariantCulture, $"\t\toifname \"{wan.Interface}\" ct mark set {Hex(wan.Mark)}\n");
        }
        t.Append("\t}\n");
    }

    private static void RenderPostrouting(StringBuilder t, IReadOnlyList<WanPlan> wans)
    {
        t.Append("\tchain postrouting {\n\t\ttype nat hook postrouting priority srcnat; policy accept;\n");
        foreach (var wan in wans)
        {
            t.Append(CultureInfo.InvariantCulture, $"\t\toifname \"{wan.Interface}\" masquerade\n");
        }
        t.Append("\t}\n");
    }

    private static string Match(Rule rule)
    {
        var parts = new List<string>();
        var proto = rule.Protocol switch
        {
            RuleProtocol.Tcp => "tcp",
            RuleProtocol.Udp => "udp",
            RuleProtocol.Icmp => "icmp",
            _ => null,
        };
        if (proto is "icmp")
        {
            parts.Add("meta l4proto { icmp, ipv6-icmp }");
        }
        else if (proto is not null && rule.DestinationPorts is null)
        {
            parts.Add($"meta l4proto {proto}");
        }
        if (rule.Source is not null && FieldRules.TryParseCidr(rule.Source, out var source))
        {
            parts.Add($"{Family(source)} saddr {source}");
        }
        if (rule.Destination is not null && FieldRules.TryParseCidr(rule.Destination, out var destination))
        {
            parts.Add($"{Family(destination)} daddr {destination}");
        }
        if (proto is "tcp" or "udp" && FieldRules.ParsePorts(rule.DestinationPorts, out _) is { } ports)
        {
            var items = ports.Select(p => p.From == p.To ? p.From.ToString(CultureInfo.InvariantCulture) : $"{p.From}-{p.To}").ToList();
            parts.Add($"{proto} dport {(items.Count == 1 ? items[0] : Set(items))}");
        }
        return string.Join(' ', parts);
    }

    private static (int Total, string Map) WeightMap(IReadOnlyList<(WanPlan Wan, int Weight)> active)
    {
        var entries = new List<string>();
        var next = 0;
        foreach (var (wan, weight) in active)
        {
            var last = next + weight - 1;
            entries.Add($"{(weight == 1 ? next.ToString(CultureInfo.InvariantCulture) : $"{next}-{last}")} : {Hex(wan.Mark)}");
            next = last + 1;
        }
        return (next, Set(entries));
    }

    private static IPNetwork? NetworkOf(string interfaceAddress)
    {
        if (!FieldRules.TryParseInterfaceAddress(interfaceAddress, out var address, out var prefix))
        {
            return null;
        }
        var bytes = address.GetAddressBytes();
        for (var bit = prefix; bit < bytes.Length * 8; bit++)
        {
            bytes[bit / 8] &= (byte)~(0x80 >> (bit % 8));
        }
        return new IPNetwork(new IPAddress(bytes), prefix);
    }

    private static string BalanceChain(StickyMode sticky) => sticky switch
    {
        StickyMode.Source => "balance_src",
        StickyMode.SourceDestination => "balance_srcdst",
        _ => "balance",
    };

    public static string CounterName(string wanName, string kind) => $"wan_{wanName.Replace('-', '_')}_{kind}";

    private static string Family(IPNetwork network) => network.BaseAddress.AddressFamily == AddressFamily.InterNetworkV6 ? "ip6" : "ip";

    private static string Hex(uint value) => $"0x{value:x8}";

    private static string Quote(string name) => $"\"{name}\"";

    private static string Set(IEnumerable<string> items) => $"{{ {string.Join(", ", items)} }}";
}
