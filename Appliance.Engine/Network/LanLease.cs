namespace Appliance.Engine.Network;

/// <summary>A DHCP lease the LAN's server has handed out; <see cref="Expires"/> is null for an infinite lease.</summary>
public sealed record LanLease(string Mac, string Address, string? Hostname, DateTimeOffset? Expires, bool Static);

/// <summary>Reads the LAN DHCP server's current leases.</summary>
public interface ILanLeaseReader
{
    Task<IReadOnlyList<LanLease>> ReadAsync(CancellationToken ct = default);
}
