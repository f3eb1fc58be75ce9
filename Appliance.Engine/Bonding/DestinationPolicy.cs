using System.Net;
using System.Net.Sockets;

namespace Appliance.Engine.Bonding;

/// <summary>
/// Where the hub may connect for an edge. By default only to public addresses: private-use, shared, link-local,
/// reserved, unique-local and link-local IPv6 destinations and every address of the hub itself are refused, unless
/// the edge's allow list names them. Loopback, unspecified, multicast and broadcast are refused whatever the list says.
/// </summary>
/// <remarks>
/// An edge relays every LAN client behind it, so without this a LAN client could reach the hub's own services (its UI,
/// SSH) and the networks around the hub (a cloud host's metadata service at 169.254.169.254 hands out credentials).
/// The hub's own addresses are allowed only by an entry naming that one address (/32 or /128): allowing the HQ
/// network behind the hub must not open the hub's own address in it as a side effect.
/// </remarks>
public sealed class DestinationPolicy
{
    /// <summary>Refused whatever an allow list says: none of them is a TCP destination elsewhere.</summary>
    private static readonly (IPNetwork Network, string Why)[] Never =
    [
        (IPNetwork.Parse("0.0.0.0/8"), "unspecified"),
        (IPNetwork.Parse("127.0.0.0/8"), "loopback"),
        (IPNetwork.Parse("224.0.0.0/4"), "multicast"),
        (IPNetwork.Parse("255.255.255.255/32"), "broadcast"),
        (IPNetwork.Parse("::/128"), "unspecified"),
        (IPNetwork.Parse("::1/128"), "loopback"),
        (IPNetwork.Parse("ff00::/8"), "multicast"),
    ];

    /// <summary>Refused unless an allow list covers the destination.</summary>
    private static readonly (IPNetwork Network, string Why)[] Refused =
    [
        (IPNetwork.Parse("10.0.0.0/8"), "private-use"),
        (IPNetwork.Parse("172.16.0.0/12"), "private-use"),
        (IPNetwork.Parse("192.168.0.0/16"), "private-use"),
        (IPNetwork.Parse("100.64.0.0/10"), "shared address space"),
        (IPNetwork.Parse("169.254.0.0/16"), "link-local"),
        (IPNetwork.Parse("240.0.0.0/4"), "reserved"),
        (IPNetwork.Parse("fc00::/7"), "unique-local"),
        (IPNetwork.Parse("fe80::/10"), "link-local"),
        (IPNetwork.Parse("fec0::/10"), "site-local"),
        // IPv4-compatible addresses (deprecated): ::a.b.c.d would otherwise dodge the IPv4 checks.
        (IPNetwork.Parse("::/96"), "IPv4-compatible"),
    ];

    /// <summary>NAT64's well-known prefix: the IPv4 address in its last 32 bits is judged as IPv4.</summary>
    private static readonly IPNetwork Nat64 = IPNetwork.Parse("64:ff9b::/96");

    private readonly IPNetwork[] _own;

    /// <param name="own">Everything the hub delivers to itself: its addresses, and any prefix routed to it as a whole.</param>
    public DestinationPolicy(IEnumerable<IPNetwork> own)
    {
        ArgumentNullException.ThrowIfNull(own);
        _own = [.. own.Select(n => n.BaseAddress.IsIPv4MappedToIPv6 ? new IPNetwork(n.BaseAddress.MapToIPv4(), Math.Max(0, n.PrefixLength - 96)) : n).Distinct()];
    }

    /// <summary>A policy that knows none of the hub's own addresses (the default refusals only).</summary>
    public static DestinationPolicy WithoutOwnAddresses { get; } = new([]);

    public IReadOnlyList<IPNetwork> Own => _own;

    /// <summary>Why the hub must not connect to <paramref name="destination"/> for an edge with this allow list, or null when it may.</summary>
    public string? RefusedBecause(IPEndPoint destination, IReadOnlyList<IPNetwork> allow)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentNullException.ThrowIfNull(allow);
        if (destination.Port == 0)
        {
            return "port 0";
        }
        var address = Canonical(destination.Address);
        // A NAT64 gateway near the hub would carry 64:ff9b::a9fe:a9fe to 169.254.169.254: judge what it reaches.
        var viaNat64 = Nat64.Contains(address);
        var why = Judge(viaNat64 ? Embedded(address) : address, allow);
        return why is not null && viaNat64 ? why + " (through NAT64)" : why;
    }

    /// <summary>Why no allow list can open <paramref name="network"/>, or null when it can (the check of an allow list entry).</summary>
    public static string? NeverAllowed(IPNetwork network)
    {
        var first = Canonical(network.BaseAddress);
        foreach (var (never, why) in Never)
        {
            // Entirely inside a never-allowed range: nothing it names could ever be reached.
            if (never.BaseAddress.AddressFamily == first.AddressFamily && never.PrefixLength <= network.PrefixLength && never.Contains(first))
            {
                return why;
            }
        }
        return null;
    }

    private string? Judge(IPAddress address, IReadOnlyList<IPNetwork> allow)
    {
        foreach (var (network, why) in Never)
        {
            if (network.Contains(address))
            {
                return why;
            }
        }
        if (_own.Any(n => n.Contains(address)))
        {
            var host = address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
            return allow.Any(n => n.PrefixLength == host && n.BaseAddress.Equals(address)) ? null : "an address of the hub itself";
        }
        foreach (var (network, why) in Refused)
        {
            if (network.Contains(address))
            {
                return allow.Any(n => n.Contains(address)) ? null : why;
            }
        }
        return null;
    }

    /// <summary>The IPv4 address in the last 32 bits of a NAT64 address.</summary>
    private static IPAddress Embedded(IPAddress address) => new(address.GetAddressBytes()[12..]);

    /// <summary>IPv4-mapped IPv6 addresses are the IPv4 address; scope ids do not make another address.</summary>
    private static IPAddress Canonical(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4();
        }
        return address.AddressFamily == AddressFamily.InterNetworkV6 && address.ScopeId != 0 ? new IPAddress(address.GetAddressBytes()) : address;
    }
}
