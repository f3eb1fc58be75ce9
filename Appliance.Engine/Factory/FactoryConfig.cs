using Appliance.Engine.Configuration;
using Appliance.Engine.Network;

namespace Appliance.Engine.Factory;

/// <summary>The factory configuration: what a box runs on its first boot and after a factory reset.</summary>
public static class FactoryConfig
{
    /// <summary>
    /// Builds the configuration for the ports the box has. Ports are taken in natural order of their kernel names
    /// (<see cref="PortNameComparer"/>: eth2 before eth10, enp1s0 before enp2s0), so the same box always gets the same
    /// roles. The first port is <c>lan</c> (bridged, with the LAN address, DHCP server and DNS forwarder); each
    /// of the others is <c>wan</c> and carries a WAN named wan1, wan2, … with DHCP addressing. No rules: new sessions
    /// are balanced over the usable WANs.
    /// </summary>
    public static ApplianceConfig Build(FactoryDefaults defaults, IReadOnlyList<DiscoveredPort> ports)
    {
        ArgumentNullException.ThrowIfNull(defaults);
        ArgumentNullException.ThrowIfNull(ports);
        var names = ports.Select(p => p.Name).Distinct(StringComparer.Ordinal).Order(PortNameComparer.Instance).ToList();
        var wanPorts = names.Skip(1).ToList();
        return new ApplianceConfig
        {
            Ports = names.Select((name, i) => new PortConfig { Name = name, Role = i == 0 ? PortRole.Lan : PortRole.Wan }).ToList(),
            Wans = wanPorts.Select((name, i) => new WanLink
            {
                Name = $"wan{i + 1}",
                Interface = name,
                Mode = defaults.Wan.Mode,
                Gateway = WanLink.DhcpGateway,
                Probes = defaults.Wan.Probes,
                Addressing = new WanAddressing { Mode = AddressingMode.Dhcp },
            }).ToList(),
            Settings = new ApplianceSettings
            {
                Lan = new LanSettings
                {
                    Addresses = [defaults.Lan.Address],
                    // With no port known (a console without the kernel's view) there is no LAN to serve yet.
                    Dhcp = names.Count == 0 ? defaults.Lan.Dhcp with { Enabled = false } : defaults.Lan.Dhcp,
                    Dns = defaults.Lan.Dns,
                    Domain = defaults.Lan.Domain,
                },
            },
        };
    }
}
