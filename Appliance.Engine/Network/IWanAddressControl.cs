namespace Appliance.Engine.Network;

/// <summary>Acts on a WAN's learned addressing on request (the API's renew).</summary>
public interface IWanAddressControl
{
    /// <summary>
    /// Renews the WAN's DHCP lease, or restarts its PPP session. False when the WAN is not running, or its addressing
    /// is static (nothing to renew).
    /// </summary>
    Task<bool> RenewAsync(string wan, CancellationToken ct);
}
