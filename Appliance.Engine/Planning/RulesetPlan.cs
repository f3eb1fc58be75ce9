using System.Collections.Immutable;
using System.Net;
using Appliance.Engine.Configuration;

namespace Appliance.Engine.Planning;

/// <summary>What the planner decided for table <c>inet appliance</c>, and what the admin should know about it.</summary>
/// <param name="Steering">What the table steers; null leaves the table empty (a hub, or no enabled WAN).</param>
internal sealed record RulesetPlan(SteeringPlan? Steering, ImmutableArray<string> Warnings);

/// <summary>
/// Every decision the ruleset prints, resolved to marks, sets and verdicts: <see cref="RulesetRenderer"/> adds only
/// nftables syntax and the fixed skeleton of the table (which chain hooks where).
/// </summary>
/// <param name="Wans">Enabled WANs, by name: each has counters, a session mark and source NAT.</param>
/// <param name="Bond">The bonding relay new TCP sessions are handed to; null when nothing is bonded right now.</param>
/// <param name="Choose">The <c>choose</c> chain in order: the enabled rules, then where unclaimed sessions go.</param>
/// <param name="Balancers">One chain per sticky mode in use; <see cref="StickyMode.None"/> always exists.</param>
internal sealed record SteeringPlan(
    ImmutableArray<WanTraffic> Wans,
    LanPlan Lan,
    BondRelay? Bond,
    ImmutableArray<SteeringRule> Choose,
    ImmutableArray<Balancer> Balancers)
{
    /// <summary>The usable WANs' DNS servers: the appliance's own queries to them (dnsmasq forwarding) leave by that WAN.</summary>
    public ImmutableArray<OwnDns> Dns { get; init; } = [];
}

/// <summary>IPv4 DNS servers of one WAN, which an ISP often answers only from its own network.</summary>
internal sealed record OwnDns(string Wan, uint Mark, ImmutableArray<IPAddress> Servers);

/// <summary>A WAN as the ruleset sees it: the interface it counts and masquerades on, and its session mark.</summary>
internal sealed record WanTraffic(string Name, string Interface, uint Mark);

/// <summary>Where the LAN is: traffic to it, or not from it, is never steered.</summary>
/// <param name="Interfaces">The LAN's interfaces; may be empty when none is configured.</param>
/// <param name="Networks4">The IPv4 networks of the LAN's addresses (set <c>lan_nets4</c>).</param>
/// <param name="Networks6">The IPv6 networks of the LAN's addresses (set <c>lan_nets6</c>).</param>
/// <param name="Ingress">Which arriving packets are left alone before a WAN is chosen.</param>
internal sealed record LanPlan(
    ImmutableArray<string> Interfaces,
    ImmutableArray<IPNetwork> Networks4,
    ImmutableArray<IPNetwork> Networks6,
    IngressFilter Ingress);

/// <summary>Packets whose input interface is (or, with <see cref="AllBut"/>, is not) one of these skip steering.</summary>
/// <param name="AllBut">True: only packets from these interfaces are steered. False: packets from these are not.</param>
internal sealed record IngressFilter(ImmutableArray<string> Interfaces, bool AllBut);

/// <summary>The bonding relay's transparent listener on 127.0.0.1.</summary>
internal sealed record BondRelay(int ProxyPort);

/// <summary>One rule of a steering chain: sessions it matches get its verdict, for the reason it gives.</summary>
/// <param name="Why">Static text naming the reason (a rule id, a WAN name at most): the rule's comment in the kernel.</param>
internal sealed record SteeringRule(SessionMatch Match, SessionVerdict Verdict, string Why);

/// <summary>A chain that spreads new sessions over the active WANs, named for its sticky mode.</summary>
internal sealed record Balancer(StickyMode Sticky, ImmutableArray<SteeringRule> Rules);

/// <summary>What a steering rule matches; every part left empty matches anything.</summary>
/// <param name="Ports">Destination ports, only with <see cref="RuleProtocol.Tcp"/> or <see cref="RuleProtocol.Udp"/>.</param>
/// <param name="BondableOnly">Narrowed further to what bonding carries (IPv4 TCP).</param>
internal sealed record SessionMatch(RuleProtocol Protocol, IPNetwork? Source, IPNetwork? Destination, ImmutableArray<PortRange> Ports, bool BondableOnly = false)
{
    public static readonly SessionMatch Any = new(RuleProtocol.Any, null, null, []);
}

/// <summary>A destination port or an inclusive range of them.</summary>
internal readonly record struct PortRange(int From, int To);

/// <summary>Where a matched session goes.</summary>
internal abstract record SessionVerdict;

/// <summary>The session takes this WAN's mark.</summary>
internal sealed record ToWan(string Wan, uint Mark) : SessionVerdict;

/// <summary>The session is balanced by the chain of this sticky mode.</summary>
internal sealed record ToBalancer(StickyMode Sticky) : SessionVerdict;

/// <summary>The session is handed to the bonding relay.</summary>
internal sealed record ToBond : SessionVerdict;

/// <summary>The session is refused with an ICMP error that says why.</summary>
internal sealed record Refused(RefusalReason Reason) : SessionVerdict;

/// <summary>The ICMP error a refused session gets.</summary>
internal enum RefusalReason
{
    /// <summary>A rule forbids it the WANs that are up (a strict pin to a WAN that is not).</summary>
    AdminProhibited,

    /// <summary>No WAN is usable.</summary>
    HostUnreachable,
}

/// <summary>
/// The session takes a WAN's mark, picked from <c>0..Modulus-1</c> by <see cref="Key"/>: at random, or by a hash of its
/// addresses so the same hosts keep the same WAN. Each WAN holds as many numbers as its weight.
/// </summary>
internal sealed record SpreadByWeight(StickyMode Key, int Modulus, ImmutableArray<WanShare> Shares) : SessionVerdict;

/// <summary>The numbers <c>From..To</c> of a spread pick this mark.</summary>
internal readonly record struct WanShare(int From, int To, uint Mark);
