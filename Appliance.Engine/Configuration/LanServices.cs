namespace Appliance.Engine.Configuration;

/// <summary>The LAN's DHCP server (dnsmasq). The range lies in the subnet of the LAN's first IPv4 address.</summary>
public sealed record LanDhcpSettings
{
    public bool Enabled { get; init; }
    /// <summary>First address handed out, e.g. 198.18.0.100.</summary>
    public string? RangeStart { get; init; }
    /// <summary>Last address handed out, inclusive.</summary>
    public string? RangeEnd { get; init; }
    public int LeaseTimeSeconds { get; init; } = DefaultLeaseTimeSeconds;
    public IReadOnlyList<StaticLease> StaticLeases { get; init; } = [];

    public const int DefaultLeaseTimeSeconds = 43200;
    /// <summary>dnsmasq's floor: shorter leases are raised to two minutes.</summary>
    public const int MinLeaseTimeSeconds = 120;
    public const int MaxLeaseTimeSeconds = 7 * 24 * 3600;
    public const int MaxStaticLeases = 1024;
}

/// <summary>A fixed address for one LAN device, by its MAC address; <see cref="Name"/> also answers in DNS.</summary>
public sealed record StaticLease
{
    public string Mac { get; init; } = "";
    public string Address { get; init; } = "";
    public string? Name { get; init; }
}

/// <summary>Where the LAN's DNS forwarder sends queries.</summary>
public enum DnsUpstreams { Wan, Manual }

/// <summary>The LAN's DNS forwarder (dnsmasq), answering on the appliance's LAN addresses.</summary>
public sealed record LanDnsSettings
{
    public bool Enabled { get; init; }
    /// <summary><c>wan</c>: the DNS servers of the WANs that are usable now, following failover; <c>manual</c>: <see cref="Servers"/>.</summary>
    public DnsUpstreams Upstreams { get; init; } = DnsUpstreams.Wan;
    public IReadOnlyList<string> Servers { get; init; } = [];
}
