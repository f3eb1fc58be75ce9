using Appliance.Engine.Configuration;
using Appliance.Engine.Configuration.Validation;

namespace Appliance.Engine.Network;

/// <summary>
/// The systemd-networkd files for ports with the management role: the one kind of port the operating system configures
/// (DHCP), the image's networkd leaving every other interface to the engine. Pure: the writer in Kernel/ puts them in place.
/// </summary>
public static class ManagementNetworkFiles
{
    /// <summary>Sorts before the image's <c>90-appliance-unmanaged.network</c>, so networkd takes these for their ports.</summary>
    public const string Prefix = "20-appliance-management-";
    public const string Suffix = ".network";

    /// <summary>File name → content, one per management port with a valid interface name.</summary>
    public static IReadOnlyDictionary<string, string> Render(ApplianceConfig config) =>
        config.Ports
            .Where(p => p.Role == PortRole.Management && FieldRules.InterfaceNameError(p.Name) is null)
            .DistinctBy(p => p.Name, StringComparer.Ordinal)
            .ToDictionary(p => Prefix + p.Name + Suffix, p => Content(p.Name), StringComparer.Ordinal);

    // No gateway from the management network: a default route there would compete with the WANs' routes, and a
    // management network is reached on its own subnet.
    private static string Content(string port) => $"""
        # Written by the appliance for its management port {port}; replaced or removed when the port's role changes.
        [Match]
        Name={port}

        [Link]
        RequiredForOnline=no

        [Network]
        DHCP=ipv4
        LinkLocalAddressing=no

        [DHCPv4]
        UseGateway=no
        UseDNS=no

        """;
}
