using Appliance.Engine.Configuration;

namespace Appliance.Engine.Network;

/// <summary>
/// What a WAN's addressing has produced right now: for DHCP the current lease, for PPPoE the session, for static the
/// configuration. <see cref="Device"/> is the interface that carries the WAN's IP traffic (the PPP interface for PPPoE).
/// </summary>
/// <param name="Address">Address with prefix length (198.51.100.2/24); null while there is none.</param>
/// <param name="State">In words, for status and the dashboard: "lease until 14:02", "PPP session up", "waiting for an offer".</param>
public sealed record WanAddressState(
    string Wan,
    AddressingMode Mode,
    string Device,
    string? Address,
    string? Gateway,
    IReadOnlyList<string> DnsServers,
    DateTimeOffset? Obtained,
    DateTimeOffset? Expires,
    string State)
{
    /// <summary>Address and gateway are known: the WAN can be routed.</summary>
    public bool Bound => Address is not null && Gateway is not null;
}

/// <summary>Learned WAN addressing (DHCP leases, PPP sessions): read by the health monitor and the planner.</summary>
public interface IWanAddressSource
{
    IReadOnlyDictionary<string, WanAddressState> Current { get; }
    IDisposable Subscribe(Action onChanged);
}
