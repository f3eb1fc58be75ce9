using System.Collections.Immutable;
using System.Net;
using System.Net.Sockets;
using Appliance.Engine.Configuration;
using Appliance.Engine.Configuration.Validation;
using static System.FormattableString;

namespace Appliance.Engine.Planning;

/// <summary>
/// Pure: decides what the ruleset steers. New sessions entering from the LAN get a connection mark naming their WAN;
/// each rule is resolved here to a mark, a balancing chain, the bonding relay or a refusal, with the warnings that
/// explain a fallback. <see cref="RulesetRenderer"/> prints the result and decides nothing.
/// </summary>
/// <remarks>
/// A rule's reason (<see cref="SteeringRule.Why"/>) becomes its comment in the kernel: only its id, WAN names (slugs,
/// validated) and fixed words reach it, never free text such as descriptions.
/// </remarks>
internal static class RulesetPlanner
{
    /// <param name="wans">Enabled WANs, sorted by name.</param>
    /// <param name="active">The WANs taking new balanced sessions now, with their weights.</param>
    /// <param name="dnsServers">Each WAN's DNS servers (learned or configured), by name; missing means none.</param>
    public static RulesetPlan Plan(
        ApplianceConfig config,
        IReadOnlyList<WanPlan> wans,
        IReadOnlyList<(WanPlan Wan, int Weight)> active,
        BondingLayout bonding,
        IReadOnlyDictionary<string, IReadOnlyList<string>>? dnsServers = null)
    {
        if (wans.Count == 0)
        {
            return new(null, []);
        }
        var warnings = ImmutableArray.CreateBuilder<string>();
        var rules = config.Rules.Where(r => r.Enabled).ToList();
        var bond = bonding.Plan is { } plan ? new BondRelay(plan.ProxyPort) : null;
        var choose = ImmutableArray.CreateBuilder<SteeringRule>();
        foreach (var rule in rules)
        {
            choose.AddRange(Steer(rule, MatchOf(rule), wans, bonding, warnings));
        }
        if (bond is not null)
        {
            choose.Add(new(SessionMatch.Any with { BondableOnly = true }, new ToBond(), "TCP no rule claimed is bonded"));
        }
        choose.Add(new(SessionMatch.Any, new ToBalancer(StickyMode.None), "sessions no rule claimed are balanced"));

        var stickies = rules.Where(r => r.Action == RuleAction.Balance).Select(r => r.Sticky).Append(StickyMode.None).Distinct().Order();
        var balancers = stickies.Select(s => new Balancer(s, [Balance(s, active)])).ToImmutableArray();
        var steering = new SteeringPlan([.. wans.Select(w => new WanTraffic(w.Name, w.Interface, w.Mark))], LanOf(config, wans), bond, choose.ToImmutable(), balancers)
        {
            Dns = OwnDnsOf(wans, dnsServers),
        };
        return new(steering, warnings.ToImmutable());
    }

    /// <summary>A rule's steering: a bond rule may need two (what bonding carries, then the rest).</summary>
    private static IEnumerable<SteeringRule> Steer(Rule rule, SessionMatch match, IReadOnlyList<WanPlan> wans, BondingLayout bonding, ImmutableArray<string>.Builder warnings)
    {
        var id = Invariant($"rule {rule.Id}");
        switch (rule.Action)
        {
            case RuleAction.Pin:
                var wan = wans.FirstOrDefault(w => w.Name == rule.Wan);
                if (wan is { Usable: true })
                {
                    return [new(match, new ToWan(wan.Name, wan.Mark), $"{id}: pinned to WAN {wan.Name}")];
                }
                var why = wan is null ? "disabled" : "not usable";
                if (rule.Strict)
                {
                    warnings.Add($"{id} pins to WAN '{rule.Wan}', which is {why}: its sessions are refused (strict)");
                    return [new(match, new Refused(RefusalReason.AdminProhibited), $"{id}: pinned to WAN {rule.Wan}, which is {why}: refused (strict)")];
                }
                warnings.Add($"{id} pins to WAN '{rule.Wan}', which is {why}: its sessions are balanced until it returns");
                return [new(match, new ToBalancer(StickyMode.None), $"{id}: pinned to WAN {rule.Wan}, which is {why}: balanced until it returns")];
            case RuleAction.Bond when bonding.Plan is null:
                warnings.Add($"{id}: bonding is unavailable ({bonding.Unavailable}); its sessions are balanced");
                return [new(match, new ToBalancer(StickyMode.None), $"{id}: bonding is unavailable: balanced")];
            case RuleAction.Bond:
                // Bonding relays IPv4 TCP; the rest of what the rule matches is balanced per session, never dropped.
                return
                [
                    new(match with { BondableOnly = true }, new ToBond(), $"{id}: bonded (IPv4 TCP)"),
                    new(match, new ToBalancer(StickyMode.None), $"{id}: what bonding cannot carry is balanced"),
                ];
            default:
                return [new(match, new ToBalancer(rule.Sticky), $"{id}: balanced{StickyWords(rule.Sticky)}")];
        }
    }

    /// <summary>A balancing chain's one decision: refuse, the only active WAN, or a spread by weight.</summary>
    private static SteeringRule Balance(StickyMode sticky, IReadOnlyList<(WanPlan Wan, int Weight)> active)
    {
        if (active.Count == 0)
        {
            return new(SessionMatch.Any, new Refused(RefusalReason.HostUnreachable), "no WAN is usable: new sessions are refused");
        }
        if (active.Count == 1)
        {
            var only = active[0].Wan;
            return new(SessionMatch.Any, new ToWan(only.Name, only.Mark), $"every new session goes to WAN {only.Name}, the only active one");
        }
        var shares = ImmutableArray.CreateBuilder<WanShare>(active.Count);
        var next = 0;
        foreach (var (wan, weight) in active)
        {
            shares.Add(new(next, next + weight - 1, wan.Mark));
            next += weight;
        }
        return new(SessionMatch.Any, new SpreadByWeight(sticky, next, shares.MoveToImmutable()), $"split over the active WANs by weight{StickyWords(sticky)}");
    }

    private static string StickyWords(StickyMode sticky) => sticky switch
    {
        StickyMode.Source => ", sticky by source",
        StickyMode.SourceDestination => ", sticky by source and destination",
        _ => "",
    };

    private static SessionMatch MatchOf(Rule rule)
    {
        var ports = rule.Protocol is RuleProtocol.Tcp or RuleProtocol.Udp && FieldRules.ParsePorts(rule.DestinationPorts, out _) is { } parsed
            ? parsed.Select(p => new PortRange(p.From, p.To)).ToImmutableArray()
            : [];
        return new(
            rule.Protocol,
            FieldRules.TryParseCidr(rule.Source, out var source) ? source : null,
            FieldRules.TryParseCidr(rule.Destination, out var destination) ? destination : null,
            ports);
    }

    /// <summary>
    /// The usable WANs' IPv4 DNS servers, each server to the first WAN (in plan order, by name) that names it: a query
    /// the appliance sends it then leaves by that WAN, whichever WAN the default route uses.
    /// </summary>
    private static ImmutableArray<OwnDns> OwnDnsOf(IReadOnlyList<WanPlan> wans, IReadOnlyDictionary<string, IReadOnlyList<string>>? dnsServers)
    {
        if (dnsServers is null)
        {
            return [];
        }
        var claimed = new HashSet<IPAddress>();
        var result = ImmutableArray.CreateBuilder<OwnDns>();
        foreach (var wan in wans.Where(w => w.Usable))
        {
            var servers = dnsServers.GetValueOrDefault(wan.Name, [])
                .Select(s => FieldRules.TryParseHostAddress(s, out var address) ? address : null)
                .OfType<IPAddress>()
                .Where(a => a.AddressFamily == AddressFamily.InterNetwork && claimed.Add(a))
                .ToImmutableArray();
            if (!servers.IsEmpty)
            {
                result.Add(new(wan.Name, wan.Mark, servers));
            }
        }
        return result.ToImmutable();
    }

    private static LanPlan LanOf(ApplianceConfig config, IReadOnlyList<WanPlan> wans)
    {
        var lan = config.Settings.Lan;
        var networks = lan.Addresses.Select(NetworkOf).OfType<IPNetwork>().Distinct().ToList();
        // Ports with the lan role are bridged: the bridge is a LAN interface like the ones named by hand.
        List<string> interfaces = config.Ports.Any(p => p.Role == PortRole.Lan) && !lan.Interfaces.Contains(LanSettings.Bridge)
            ? [.. lan.Interfaces, LanSettings.Bridge]
            : [.. lan.Interfaces];
        // With no LAN interface configured, everything but the WANs and the appliance itself is taken for the LAN.
        var ingress = interfaces.Count > 0
            ? new IngressFilter([.. interfaces], AllBut: true)
            : new IngressFilter([.. wans.Select(w => w.Interface), "lo"], AllBut: false);
        return new(
            [.. interfaces],
            [.. networks.Where(n => n.BaseAddress.AddressFamily == AddressFamily.InterNetwork)],
            [.. networks.Where(n => n.BaseAddress.AddressFamily == AddressFamily.InterNetworkV6)],
            ingress);
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
}
