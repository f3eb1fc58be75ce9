namespace Appliance.Engine.Configuration;

/// <summary>What a physical Ethernet port is for.</summary>
/// <remarks>
/// <c>lan</c> ports are bridged into <see cref="LanSettings.Bridge"/>; a <c>wan</c> port carries one WAN (its
/// <see cref="WanLink.Interface"/>); <c>management</c> ports are left to the operating system (the image's
/// systemd-networkd runs DHCP on them); <c>unused</c> ports are kept down and carry nothing.
/// </remarks>
public enum PortRole { Unused, Lan, Wan, Management }

/// <summary>One physical port by its kernel name and its role. A port that vanishes stays in the config, shown as missing.</summary>
public sealed record PortConfig
{
    /// <summary>Kernel interface name, e.g. <c>eth0</c> or <c>enp1s0</c>.</summary>
    public string Name { get; init; } = "";
    public PortRole Role { get; init; } = PortRole.Unused;
}
