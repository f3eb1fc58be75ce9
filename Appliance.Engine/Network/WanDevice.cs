using Appliance.Engine.Configuration;
using Appliance.Engine.Network.Services;

namespace Appliance.Engine.Network;

/// <summary>The interface that carries a WAN's IP traffic: its port, or for PPPoE the PPP interface pppd makes on it.</summary>
public static class WanDevice
{
    /// <summary>
    /// Routes, rules, the ruleset and probes use this device. For PPPoE it is the PPP interface (named after the WAN,
    /// so it is known before the session is up); every other mode uses the WAN's own interface.
    /// </summary>
    public static string Of(WanLink wan, IReadOnlyDictionary<string, WanAddressState>? states = null)
    {
        if (wan.EffectiveAddressing.Mode != AddressingMode.Pppoe)
        {
            return wan.Interface;
        }
        return states?.GetValueOrDefault(wan.Name)?.Device is { Length: > 0 } device ? device : PppdOptions.InterfaceName(wan.Name);
    }

    /// <summary>
    /// Whether the engine runs this WAN's addressing (DHCP client, static address, PPPoE): only for a WAN whose interface
    /// the configuration names as a <c>wan</c> port. A WAN on an interface the ports do not list keeps the behaviour from
    /// before ports existed: its address and learned gateway come from elsewhere.
    /// </summary>
    public static bool IsManaged(WanLink wan, ApplianceConfig config) =>
        config.Ports.Any(p => p.Role == PortRole.Wan && p.Name == wan.Interface);
}
