using Appliance.Engine.Configuration;

namespace Appliance.Engine.Network;

/// <summary>A port as found on the box, joined with its configured role.</summary>
/// <param name="Present">False for a configured port the kernel does not have (unplugged USB adapter, renamed NIC).</param>
/// <param name="SpeedMbps">Negotiated speed; null when the driver does not say (no carrier, virtual NIC).</param>
public sealed record PortState(string Name, PortRole Role, bool Present, string? Mac, bool Carrier, int? SpeedMbps);

/// <summary>Discovers the box's Ethernet ports (not bridges, tunnels, PPP or loopback).</summary>
public interface IPortInventory
{
    Task<IReadOnlyList<DiscoveredPort>> DiscoverAsync(CancellationToken ct = default);
}

/// <summary>A physical (or, in the lab, veth) Ethernet port the kernel has.</summary>
public sealed record DiscoveredPort(string Name, string Mac, bool Carrier, int? SpeedMbps);
