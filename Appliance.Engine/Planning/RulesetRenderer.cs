using System.Collections.Immutable;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Appliance.Engine.Configuration;
using static System.FormattableString;

namespace Appliance.Engine.Planning;

/// <summary>Prints a <see cref="RulesetPlan"/> as one nftables file for table <c>inet appliance</c>, loaded atomically.</summary>
/// <remarks>
/// The plan holds every decision; this adds nftables syntax and the table's fixed skeleton: which chain hooks where,
/// and the rules that are the same for every configuration, each with a comment saying why it is there.
/// New sessions entering from the LAN get a connection mark naming their WAN; every later packet of the session gets
/// it back as a packet mark, which an ip rule maps to the WAN's routing table.
/// Only user input that passed validation reaches this text (interface and WAN names, addresses, ports), never free
/// text such as descriptions; <see cref="ChainWriter"/> keeps every comment within what nftables accepts.
/// </remarks>
internal static class RulesetRenderer
{
    private static readonly string[] CounterKinds = ["new", "tx", "rx"];

    private const string JhashSeed = "0x4d574e31";
    private const string BondMatch = "meta nfproto ipv4 meta l4proto tcp";
    private const string Mangle = "priority mangle";

    public const string BondCounter = "bond_new";

    public static string CounterName(string wanName, string kind) => $"wan_{wanName.Replace('-', '_')}_{kind}";

    public static string Render(RulesetPlan plan)
    {
        var t = new StringBuilder();
        t.Append(Invariant($"table {KernelIds.TableFamily} {KernelIds.TableName} {{\n}}\n"));
        t.Append(Invariant($"flush table {KernelIds.TableFamily} {KernelIds.TableName}\n"));
        t.Append(Invariant($"table {KernelIds.TableFamily} {KernelIds.TableName} {{\n"));
        if (plan.Steering is { } steering)
        {
            RenderCounters(t, steering);
            RenderSet(t, "lan_nets4", "ipv4_addr", steering.Lan.Networks4);
            RenderSet(t, "lan_nets6", "ipv6_addr", steering.Lan.Networks6);
            RenderPrerouting(t, steering);
            RenderSteeringChain(t, "choose", steering.Choose);
            foreach (var balancer in steering.Balancers)
            {
                RenderSteeringChain(t, BalanceChain(balancer.Sticky), balancer.Rules);
            }
            RenderMarkNew(t, steering.Wans);
            if (steering.Bond is { } bond)
            {
                RenderBond(t, bond);
            }
            RenderOutput(t, steering.Bond, steering.Dns);
            RenderForward(t);
            RenderTransmitCounters(t, steering.Wans);
            RenderOwnTrafficMarks(t, steering.Wans);
            RenderPostrouting(t, steering.Wans);
        }
        t.Append("}\n");
        return t.ToString();
    }

    private static void RenderCounters(StringBuilder t, SteeringPlan steering)
    {
        var names = steering.Wans.SelectMany(w => CounterKinds.Select(kind => CounterName(w.Name, kind)));
        foreach (var name in steering.Bond is null ? names : names.Prepend(BondCounter))
        {
            t.Append("\tcounter ").Append(name).Append(" {\n\t}\n");
        }
    }

    private static void RenderSet(StringBuilder t, string name, string type, ImmutableArray<IPNetwork> elements)
    {
        t.Append(Invariant($"\tset {name} {{\n\t\ttype {type}\n\t\tflags interval\n"));
        if (!elements.IsEmpty)
        {
            t.Append(Invariant($"\t\telements = {Set(elements.Select(e => e.ToString()))}\n"));
        }
        t.Append("\t}\n");
    }

    private static void RenderPrerouting(StringBuilder t, SteeringPlan steering)
    {
        var (wans, lan) = (steering.Wans, steering.Lan);
        using var chain = new ChainWriter(t, "prerouting", $"filter hook prerouting {Mangle}");
        // Counted here rather than in forward: a WAN also carries the appliance's own traffic (bonded subflows, probes).
        foreach (var wan in wans)
        {
            chain.Rule($"iifname {Quote(wan.Interface)} counter name {Quote(CounterName(wan.Name, "rx"))}", $"count what WAN {wan.Name} receives");
        }
        foreach (var wan in wans)
        {
            chain.Rule($"iifname {Quote(wan.Interface)} ct state new ct mark set {Hex(wan.Mark)}", $"sessions opened from WAN {wan.Name} are answered through it");
        }
        // A packet arriving on a WAN carries its session's mark through routing, so the WAN's strict reverse-path check
        // (src_valid_mark) finds the way back in that WAN's table. Replies to the LAN still reach it: main's connected
        // routes are looked up before the mark rules (KernelIds.MainRulePriority).
        chain.Rule($"iifname {Set(wans.Select(w => Quote(w.Interface)))} meta mark set ct mark return", "from a WAN: restore its session mark for the reverse-path check");
        var ingress = lan.Ingress;
        chain.Rule($"iifname {(ingress.AllBut ? "!= " : "")}{Set(ingress.Interfaces.Select(Quote))} return",
            ingress.AllBut ? "only sessions from the LAN are steered" : "no LAN interface set: sessions from a WAN or this host are not steered");
        chain.Rule("fib daddr type { local, broadcast, multicast } return", "to this host, broadcast or multicast: not steered");
        if (lan.Interfaces.Length > 0)
        {
            chain.Rule($"fib daddr oifname {Set(lan.Interfaces.Select(Quote))} return", "routed back to the LAN: not steered");
        }
        chain.Rule("ip daddr @lan_nets4 return", "to the LAN's IPv4 networks: not steered");
        chain.Rule("ip6 daddr @lan_nets6 return", "to the LAN's IPv6 networks: not steered");
        if (steering.Bond is { } bond)
        {
            chain.Rule($"{BondMatch} ct mark & {Hex(KernelIds.MarkMask)} == {Hex(KernelIds.BondMark)} meta mark set {Hex(KernelIds.BondMark)} {Tproxy(bond)} accept",
                "every packet of a bonded session goes to the bonding relay");
        }
        chain.Rule($"ct mark & {Hex(KernelIds.MarkMask)} != 0 meta mark set ct mark return", "a session keeps the WAN it was given");
        chain.Rule("ct state new jump choose", "a new session from the LAN is given a WAN");
    }

    private static void RenderSteeringChain(StringBuilder t, string name, IEnumerable<SteeringRule> rules)
    {
        using var chain = new ChainWriter(t, name);
        foreach (var rule in rules)
        {
            var match = Match(rule.Match);
            foreach (var verdict in Verdict(rule.Verdict))
            {
                chain.Rule(string.Join(' ', match.Append(verdict)), rule.Why);
            }
        }
    }

    private static void RenderMarkNew(StringBuilder t, ImmutableArray<WanTraffic> wans)
    {
        using var chain = new ChainWriter(t, "mark_new");
        chain.Rule("meta mark set ct mark", "the first packet is routed by the WAN just chosen");
        foreach (var wan in wans)
        {
            chain.Rule($"ct mark {Hex(wan.Mark)} counter name {Quote(CounterName(wan.Name, "new"))}", $"count new sessions given WAN {wan.Name}");
        }
    }

    /// <summary>New bonded sessions: marked for the proxy table and handed to the relay's transparent listener.</summary>
    private static void RenderBond(StringBuilder t, BondRelay bond)
    {
        using var chain = new ChainWriter(t, "bond");
        chain.Rule($"{BondMatch} ct mark set {Hex(KernelIds.BondMark)} meta mark set {Hex(KernelIds.BondMark)} counter name {Quote(BondCounter)} {Tproxy(bond)} accept",
            "a new bonded session goes to the bonding relay");
    }

    private static void RenderOutput(StringBuilder t, BondRelay? bond, ImmutableArray<OwnDns> dns)
    {
        using var chain = new ChainWriter(t, "output", $"route hook output {Mangle}");
        if (bond is not null)
        {
            // The relay answers the LAN from a transparent socket; the bond mark would route those replies back to itself.
            chain.Rule($"ct mark & {Hex(KernelIds.MarkMask)} == {Hex(KernelIds.BondMark)} return", "the bonding relay's replies to the LAN are not routed back to it");
        }
        chain.Rule($"ct mark & {Hex(KernelIds.MarkMask)} != 0 meta mark set ct mark", "this host's packets of a session keep its WAN");
        // An ISP's resolver often answers only its own customers: a query to it leaves by its WAN, not the default route.
        foreach (var wan in dns)
        {
            var servers = wan.Servers.Length == 1 ? wan.Servers[0].ToString() : Set(wan.Servers.Select(s => s.ToString()));
            chain.Rule($"meta mark & {Hex(KernelIds.MarkMask)} == 0 ip daddr {servers} meta l4proto {{ tcp, udp }} th dport 53 ct mark set {Hex(wan.Mark)} meta mark set {Hex(wan.Mark)}",
                $"this host's DNS queries to WAN {wan.Wan}'s servers leave by it");
        }
    }

    private static void RenderForward(StringBuilder t)
    {
        using var chain = new ChainWriter(t, "forward", $"filter hook forward {Mangle}");
        chain.Rule("tcp flags syn tcp option maxseg size set rt mtu", "links with a smaller MTU (PPPoE, LTE) would black-hole large TCP segments");
    }

    /// <summary>Every packet leaving a WAN, forwarded or the appliance's own (the nat chain sees only a session's first).</summary>
    private static void RenderTransmitCounters(StringBuilder t, ImmutableArray<WanTraffic> wans)
    {
        using var chain = new ChainWriter(t, "postrouting_count", $"filter hook postrouting {Mangle}");
        foreach (var wan in wans)
        {
            chain.Rule($"oifname {Quote(wan.Interface)} counter name {Quote(CounterName(wan.Name, "tx"))}", $"count what WAN {wan.Name} sends");
        }
    }

    /// <summary>
    /// A connection leaving a WAN without a session mark (the appliance's own, routed by its default route) takes the
    /// WAN's mark: its replies pass the WAN's strict reverse-path check, and it stays on that WAN when the default
    /// route moves. Socket-marked traffic (probes) has chosen its WAN already and stays out of the per-WAN sessions.
    /// </summary>
    private static void RenderOwnTrafficMarks(StringBuilder t, ImmutableArray<WanTraffic> wans)
    {
        using var chain = new ChainWriter(t, "postrouting_mark", $"filter hook postrouting {Mangle}");
        chain.Rule($"meta mark & {Hex(KernelIds.MarkMask)} != 0 return", "socket-marked traffic (probes) has chosen its WAN");
        chain.Rule($"ct mark & {Hex(KernelIds.MarkMask)} != 0 return", "a session keeps the WAN it was given");
        foreach (var wan in wans)
        {
            chain.Rule($"oifname {Quote(wan.Interface)} ct mark set {Hex(wan.Mark)}", $"this host's own session leaving WAN {wan.Name} stays on it");
        }
    }

    private static void RenderPostrouting(StringBuilder t, ImmutableArray<WanTraffic> wans)
    {
        using var chain = new ChainWriter(t, "postrouting", "nat hook postrouting priority srcnat");
        foreach (var wan in wans)
        {
            chain.Rule($"oifname {Quote(wan.Interface)} masquerade", $"source NAT to the address of WAN {wan.Name}");
        }
    }

    private static IEnumerable<string> Match(SessionMatch match)
    {
        var proto = match.Protocol switch
        {
            RuleProtocol.Tcp => "tcp",
            RuleProtocol.Udp => "udp",
            _ => null,
        };
        if (match.Protocol == RuleProtocol.Icmp)
        {
            yield return "meta l4proto { icmp, ipv6-icmp }";
        }
        else if (proto is not null && match.Ports.IsEmpty)
        {
            yield return $"meta l4proto {proto}";
        }
        if (match.Source is { } source)
        {
            yield return $"{Family(source)} saddr {source}";
        }
        if (match.Destination is { } destination)
        {
            yield return $"{Family(destination)} daddr {destination}";
        }
        if (proto is not null && !match.Ports.IsEmpty)
        {
            var items = match.Ports.Select(p => p.From == p.To ? Invariant($"{p.From}") : Invariant($"{p.From}-{p.To}")).ToList();
            yield return $"{proto} dport {(items.Count == 1 ? items[0] : Set(items))}";
        }
        if (match.BondableOnly)
        {
            yield return BondMatch;
        }
    }

    /// <summary>The verdict's statements; a sticky spread needs one per address family.</summary>
    private static IEnumerable<string> Verdict(SessionVerdict verdict) => verdict switch
    {
        ToWan wan => [$"ct mark set {Hex(wan.Mark)} goto mark_new"],
        ToBalancer balancer => ["goto " + BalanceChain(balancer.Sticky)],
        ToBond => ["goto bond"],
        Refused { Reason: RefusalReason.AdminProhibited } => ["reject with icmpx admin-prohibited"],
        Refused => ["reject with icmpx host-unreachable"],
        SpreadByWeight { Key: StickyMode.None } spread => [Invariant($"ct mark set numgen random mod {spread.Modulus} map {ShareMap(spread)} goto mark_new")],
        SpreadByWeight spread => Jhash(spread),
        _ => throw new ArgumentOutOfRangeException(nameof(verdict), verdict, "a verdict the renderer does not know"),
    };

    private static string[] Jhash(SpreadByWeight spread)
    {
        var (v4, v6) = spread.Key == StickyMode.Source ? ("ip saddr", "ip6 saddr") : ("ip saddr . ip daddr", "ip6 saddr . ip6 daddr");
        var tail = Invariant($"mod {spread.Modulus} seed {JhashSeed} map {ShareMap(spread)} goto mark_new");
        return [$"meta nfproto ipv4 ct mark set jhash {v4} {tail}", $"meta nfproto ipv6 ct mark set jhash {v6} {tail}"];
    }

    private static string ShareMap(SpreadByWeight spread) =>
        Set(spread.Shares.Select(s => (s.From == s.To ? Invariant($"{s.From}") : Invariant($"{s.From}-{s.To}")) + " : " + Hex(s.Mark)));

    private static string Tproxy(BondRelay bond) => Invariant($"tproxy ip to 127.0.0.1:{bond.ProxyPort}");

    private static string BalanceChain(StickyMode sticky) => sticky switch
    {
        StickyMode.Source => "balance_src",
        StickyMode.SourceDestination => "balance_srcdst",
        _ => "balance",
    };

    private static string Family(IPNetwork network) => network.BaseAddress.AddressFamily == AddressFamily.InterNetworkV6 ? "ip6" : "ip";

    private static string Hex(uint value) => $"0x{value:x8}";

    private static string Quote(string name) => $"\"{name}\"";

    private static string Set(IEnumerable<string> items) => $"{{ {string.Join(", ", items)} }}";
}
