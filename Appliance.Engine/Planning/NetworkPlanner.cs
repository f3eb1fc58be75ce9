using Appliance.Engine.Configuration;
using Appliance.Engine.Network;

namespace Appliance.Engine.Planning;

/// <summary>
/// Pure: configured port roles, the LAN and the WANs' addressing (with what DHCP has learned) → the links and
/// addresses that should exist. A configuration without ports names no interface, and nothing is planned.
/// </summary>
public static class NetworkPlanner
{
    public static InterfacePlan Plan(ApplianceConfig config, IReadOnlyDictionary<string, WanAddressState> addresses)
    {
        if (config.Ports.Count == 0)
        {
            return InterfacePlan.Empty;
        }
        var ports = config.Ports.GroupBy(p => p.Name, StringComparer.Ordinal).Select(g => g.First()).OrderBy(p => p.Name, StringComparer.Ordinal).ToList();
        var hasLan = ports.Any(p => p.Role == PortRole.Lan);
        var links = new List<LinkSpec>();
        var addressList = new List<AddressSpec>();
        var managed = new List<string>();
        if (hasLan)
        {
            links.Add(new LinkSpec(LanSettings.Bridge, Up: true, Bridge: true));
            addressList.AddRange(config.Settings.Lan.Addresses.Select(a => new AddressSpec(LanSettings.Bridge, a)));
            managed.Add(LanSettings.Bridge);
        }
        foreach (var port in ports)
        {
            switch (port.Role)
            {
                case PortRole.Lan:
                    links.Add(new LinkSpec(port.Name, Up: true, Master: LanSettings.Bridge));
                    break;
                case PortRole.Wan:
                    links.Add(new LinkSpec(port.Name, Up: true));
                    break;
                case PortRole.Unused:
                    links.Add(new LinkSpec(port.Name, Up: false));
                    break;
                // Management ports belong to the operating system.
            }
        }
        var wanPorts = ports.Where(p => p.Role == PortRole.Wan).Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var wan in config.Wans.Where(w => wanPorts.Contains(w.Interface)).OrderBy(w => w.Interface, StringComparer.Ordinal))
        {
            var addressing = wan.EffectiveAddressing;
            switch (addressing.Mode)
            {
                case AddressingMode.Static when addressing.Address is null:
                    // Left as found: the admin (or the image) sets it.
                    continue;
                case AddressingMode.Static when wan.Enabled:
                    addressList.Add(new AddressSpec(wan.Interface, addressing.Address));
                    break;
                case AddressingMode.Dhcp when wan.Enabled && addresses.GetValueOrDefault(wan.Name) is { Address: { } lease } state && state.Device == wan.Interface:
                    addressList.Add(new AddressSpec(wan.Interface, lease));
                    break;
            }
            // A PPPoE port carries no address of its own (its IP is on the PPP interface); a WAN without a lease or
            // disabled has none either.
            if (!managed.Contains(wan.Interface))
            {
                managed.Add(wan.Interface);
            }
        }
        return new InterfacePlan(links, addressList.Distinct().ToList(), managed);
    }
}
