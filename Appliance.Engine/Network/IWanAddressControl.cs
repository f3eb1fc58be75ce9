namespace Appliance.Engine.Network;

/// <summary>Asks a WAN's addressing to start over: a DHCP client renews its lease now, a PPPoE session reconnects.</summary>
public interface IWanAddressControl
{
    /// <returns>False when the WAN has no addressing the engine runs (static, disabled or unknown).</returns>
    Task<bool> RenewAsync(string wan, CancellationToken ct);
}
