namespace Appliance.Engine.Configuration;

/// <summary>How a WAN gets its address and gateway.</summary>
public enum AddressingMode { Dhcp, Static, Pppoe }

/// <summary>
/// A WAN's addressing. <c>dhcp</c> and <c>pppoe</c> learn address, gateway and DNS servers from the ISP (the WAN's
/// <see cref="WanLink.Gateway"/> stays <c>dhcp</c>); <c>static</c> uses <see cref="Address"/>, the WAN's gateway and
/// <see cref="DnsServers"/>.
/// </summary>
public sealed record WanAddressing
{
    public AddressingMode Mode { get; init; } = AddressingMode.Dhcp;

    /// <summary>Static: the WAN's address with prefix length (198.51.100.2/24). Null leaves the interface's addresses as they are.</summary>
    public string? Address { get; init; }

    /// <summary>Static: the ISP's DNS servers. DHCP and PPPoE: when set, used instead of the ones the ISP hands out.</summary>
    public IReadOnlyList<string> DnsServers { get; init; } = [];

    /// <summary>PPPoE only: the account and link settings.</summary>
    public PppoeSettings? Pppoe { get; init; }

    /// <summary>
    /// The addressing of a WAN stored before addressing existed: a WAN whose gateway is learned runs DHCP, one with a
    /// fixed gateway is static with its address left as found.
    /// </summary>
    public static WanAddressing Implied(WanLink wan) =>
        wan.Gateway == WanLink.DhcpGateway ? new WanAddressing() : new WanAddressing { Mode = AddressingMode.Static };
}

/// <summary>A PPPoE account. <see cref="Password"/> is write-only: the API and exports show whether one is set, never its value.</summary>
public sealed record PppoeSettings
{
    public string Username { get; init; } = "";
    public string? Password { get; init; }
    /// <summary>Access concentrator service name to ask for; null takes any.</summary>
    public string? ServiceName { get; init; }
    /// <summary>MTU of the PPP link; TCP's MSS on this WAN is clamped to fit it.</summary>
    public int Mtu { get; init; } = DefaultMtu;

    /// <summary>1500 bytes of Ethernet less 8 of PPPoE header.</summary>
    public const int DefaultMtu = 1492;
}
