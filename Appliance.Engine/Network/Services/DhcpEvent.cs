namespace Appliance.Engine.Network.Services;

/// <summary>What happened to a WAN's DHCP lease, in udhcpc's terms.</summary>
public enum DhcpEventKind
{
    /// <summary>A new lease (after discover/offer/request): address, gateway and DNS servers to apply.</summary>
    Bound,
    /// <summary>A lease renewed; the server may have changed address, gateway or DNS servers, so apply it like <see cref="Bound"/>.</summary>
    Renewed,
    /// <summary>The client starts over or stops: the lease is gone and its address must go.</summary>
    Deconfigured,
    /// <summary>No lease after a round of discovers; the client keeps trying.</summary>
    LeaseFailed,
    /// <summary>The server refused the request (the lease is no longer valid); a new discover follows.</summary>
    Nak,
}

/// <summary>One DHCP client event for a WAN.</summary>
/// <param name="Address">Address with prefix length (198.51.100.10/24); set for <see cref="DhcpEventKind.Bound"/> and <see cref="DhcpEventKind.Renewed"/>.</param>
/// <param name="Gateway">The first router the server named; null when it named none.</param>
/// <param name="LeaseSeconds">The lease time the server granted.</param>
/// <param name="Server">The DHCP server's identifier (its address).</param>
public sealed record DhcpEvent(
    DhcpEventKind Kind,
    string? Address,
    string? Gateway,
    IReadOnlyList<string> Dns,
    int? LeaseSeconds,
    string? Server);
