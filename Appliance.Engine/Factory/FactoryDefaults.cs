using Appliance.Engine.Configuration;

namespace Appliance.Engine.Factory;

/// <summary>
/// What a box starts from and a factory reset returns to, read from one JSON file (<see cref="FactoryOptions.DefaultsPath"/>)
/// in the configuration's JSON shape (camelCase, kebab-case enums, unknown fields refused). Ports are not in it: they
/// are discovered, and <see cref="FactoryConfig.Build"/> gives them their roles.
/// </summary>
public sealed record FactoryDefaults
{
    public FactoryLanDefaults Lan { get; init; } = new();
    public FactoryWanDefaults Wan { get; init; } = new();

    /// <summary>The defaults built into the firmware, used when the file is missing or unreadable: what a real box ships with.</summary>
    public static FactoryDefaults BuiltIn { get; } = new();
}

/// <summary>The LAN on the first port: the appliance's address, its DHCP server and DNS forwarder.</summary>
public sealed record FactoryLanDefaults
{
    /// <summary>The appliance's address on the LAN, with prefix length.</summary>
    public string Address { get; init; } = "192.168.1.1/24";
    public LanDhcpSettings Dhcp { get; init; } = new()
    {
        Enabled = true, RangeStart = "192.168.1.100", RangeEnd = "192.168.1.249", LeaseTimeSeconds = LanDhcpSettings.DefaultLeaseTimeSeconds,
    };
    /// <summary>The forwarder asks the DNS servers of the WANs that are usable, following failover.</summary>
    public LanDnsSettings Dns { get; init; } = new() { Enabled = true, Upstreams = DnsUpstreams.Wan };
    public string Domain { get; init; } = "lan";
}

/// <summary>Every port but the first becomes a WAN with these settings and DHCP addressing.</summary>
public sealed record FactoryWanDefaults
{
    public WanMode Mode { get; init; } = WanMode.Balance;

    /// <summary>
    /// Probed so a WAN's health is known from the first minute. ICMP echo to three public anycast resolvers run by
    /// different operators (Cloudflare, Google, Quad9), a good round when one answers: reachable from any working
    /// internet line, and one operator's outage does not take a healthy WAN down.
    /// </summary>
    public ProbeSettings Probes { get; init; } = new() { Method = ProbeMethod.Icmp, Targets = ["1.1.1.1", "8.8.8.8", "9.9.9.9"], Quorum = 1 };
}
