namespace Appliance.Engine.Configuration;

/// <summary>Appliance-wide settings: role, LAN side and bonding hub.</summary>
public sealed record ApplianceSettings
{
    public ApplianceRole Role { get; init; } = ApplianceRole.Edge;
    public LanSettings Lan { get; init; } = new();
    /// <summary>Edge role: the aggregation hub bonded sessions are relayed to.</summary>
    public HubPeerSettings Hub { get; init; } = new();
    /// <summary>Hub role: where the hub accepts MPTCP connections from edges.</summary>
    public HubListenSettings Listen { get; init; } = new();
}

/// <summary>
/// The LAN: the appliance's own addresses on it (CIDR notation), its DHCP server and DNS forwarder. Ports with the
/// <c>lan</c> role are bridged into <see cref="Bridge"/>, which carries the addresses; <see cref="Interfaces"/> names
/// further LAN interfaces the engine does not manage (their addresses are set elsewhere).
/// </summary>
public sealed record LanSettings
{
    public IReadOnlyList<string> Interfaces { get; init; } = [];
    public IReadOnlyList<string> Addresses { get; init; } = [];
    public LanDhcpSettings Dhcp { get; init; } = new();
    public LanDnsSettings Dns { get; init; } = new();
    /// <summary>Local domain: LAN hosts answer as name.domain, and DHCP hands it out.</summary>
    public string Domain { get; init; } = "lan";

    /// <summary>The bridge that joins the LAN ports.</summary>
    public const string Bridge = "br-lan";
}

/// <summary>How an edge reaches its hub. <see cref="Key"/> is a secret shared with the hub.</summary>
public sealed record HubPeerSettings
{
    public string? Address { get; init; }
    public int Port { get; init; } = 7443;
    public string? EdgeId { get; init; }
    public string? Key { get; init; }
    /// <summary>Run TLS over the MPTCP connection (the hub must register the edge with encryption too).</summary>
    public bool Encrypt { get; init; }
}

/// <summary>Where a hub listens for edges.</summary>
public sealed record HubListenSettings
{
    public string Address { get; init; } = "0.0.0.0";
    public int Port { get; init; } = 7443;
}
